using Judge.Contracts;
using Judge.Worker.Data;
using Judge.Worker.Judging;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Messaging;

/// <summary>
/// Answers the Api's request to run a just-uploaded problem's input validators on its tests. The Api waits for the answer
/// (bounded); a request nobody answered in time has expired in the queue (its time to live is the Api's wait), so a
/// worker never validates for an upload already refused.
/// </summary>
public sealed class ValidateProblemInputsConsumer(InputValidationStore store, InputValidation validation, ILogger<ValidateProblemInputsConsumer> logger)
    : IConsumer<ValidateProblemInputs>
{
    public async Task Consume(ConsumeContext<ValidateProblemInputs> context)
    {
        var id = context.Message.ProblemId;
        if (await store.LoadAsync(id, context.CancellationToken) is not { } problem)
        {
            await context.RespondAsync(new ProblemInputsValidated(id, [], $"problem {id} has no input validators stored (or no longer exists)"));
            return;
        }
        var (faults, failure) = await validation.ValidateAsync(problem.Validators, problem.Tests, context.CancellationToken);
        logger.LogInformation("Problem {ProblemId}: {Validators} input validators on {Tests} tests: {Faults} faults{Failure}", id,
            problem.Validators.Validators.Count, problem.Tests.Count, faults.Count, failure is null ? "" : $", failed: {failure}");
        await context.RespondAsync(new ProblemInputsValidated(id, faults, failure));
    }
}

/// <summary>Retries only the database or the broker being briefly away; validations share the sandbox slots with judging.</summary>
public sealed class ValidateProblemInputsConsumerDefinition : ConsumerDefinition<ValidateProblemInputsConsumer>
{
    public ValidateProblemInputsConsumerDefinition(IOptions<WorkerOptions> options)
    {
        EndpointName = "validate-problem-inputs";
        ConcurrentMessageLimit = Math.Max(1, options.Value.Slots);
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<ValidateProblemInputsConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5));
            InfrastructureFailures.Handle(retry);
        });
    }
}
