using Judge.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Judge.Api.Problems;

/// <summary>
/// Asks a worker to run a stored problem's input validators on its tests (the Api runs no code: only workers have a
/// sandbox), and waits for the answer, at most <see cref="JudgeOptions.InputValidationTimeoutSeconds"/>. No answer in
/// time (no worker, a broker away, a worker that failed) is <see cref="Outcome.Unavailable"/>, never a fault of the package.
/// </summary>
public sealed class InputValidation(IRequestClient<ValidateProblemInputs> client, IOptions<JudgeOptions> options, ILogger<InputValidation> logger)
{
    public abstract record Outcome
    {
        public sealed record Valid : Outcome;

        public sealed record Refused(IReadOnlyList<InputFault> Faults) : Outcome;

        public sealed record Unavailable(string Reason) : Outcome;
    }

    public async Task<Outcome> RunAsync(Guid problemId, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(options.Value.InputValidationTimeoutSeconds);
        try
        {
            var response = await client.GetResponse<ProblemInputsValidated>(new ValidateProblemInputs(problemId), cancellationToken, RequestTimeout.After(s: (int)timeout.TotalSeconds));
            var answer = response.Message;
            if (answer.Failure is { } failure)
                return new Outcome.Unavailable($"the worker could not run the input validators: {failure}");
            return answer.Faults.Count == 0 ? new Outcome.Valid() : new Outcome.Refused(answer.Faults);
        }
        catch (RequestTimeoutException)
        {
            logger.LogWarning("No worker validated the inputs of problem {ProblemId} within {Timeout}", problemId, timeout);
            return new Outcome.Unavailable($"no worker ran the input validators within {timeout.TotalSeconds:0} s (none may be running)");
        }
        catch (RequestFaultException e)
        {
            logger.LogError(e, "The worker failed validating the inputs of problem {ProblemId}", problemId);
            return new Outcome.Unavailable($"the worker failed running the input validators: {e.Fault?.Exceptions.FirstOrDefault()?.Message ?? e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            // The broker away: MassTransit reports it as its own exceptions, or as a cancelled send.
            logger.LogWarning(e, "Could not ask a worker to validate the inputs of problem {ProblemId}", problemId);
            return new Outcome.Unavailable($"the message broker could not be reached ({e.GetType().Name})");
        }
    }
}
