using System.Collections.Concurrent;
using Judge.Contracts;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Judging;

/// <summary>
/// Runs a package's input validators on every test of it, at upload (the Api has no sandbox): each validator compiled once
/// (kept by digest like output validators), then run on each input, as many at once as the sandbox has slots. A validator
/// that does not compile is a fault of the package, as is each test one refuses; a sandbox that cannot run is ours.
/// </summary>
public sealed class InputValidation(ISandbox sandbox, LanguageSet languages, TestDataCache testData, IOptions<WorkerOptions> options,
    ILogger<InputValidation> logger) : IDisposable
{
    private readonly WorkerOptions options = options.Value;
    private readonly KattisValidatorCache compiled = new(logger, capacity: 4);

    public void Dispose() => compiled.Dispose();

    /// <returns>The faults (none: every test is valid), or why the tests could not be validated.</returns>
    public async Task<(IReadOnlyList<InputFault> Faults, string? Failure)> ValidateAsync(InputValidators validators, IReadOnlyList<TestCase> tests,
        CancellationToken cancellationToken)
    {
        var faults = new ConcurrentBag<InputFault>();
        foreach (var validator in validators.Validators)
        {
            if (languages.Find(validator.Language) is null)
                return ([], $"the input validator {validator.Name} is written in '{validator.Language}', which this worker does not offer");
            var (run, failure) = await KattisValidatorRun.StartAsync(validator, compiled, sandbox, languages, options, logger, cancellationToken);
            if (run is null)
            {
                faults.Add(new InputFault(null, validator.Name, failure ?? "it could not be built"));
                continue;
            }
            using (run)
            {
                string? ours = null;
                await Parallel.ForEachAsync(tests, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, options.Slots), CancellationToken = cancellationToken },
                    async (test, token) =>
                    {
                        using var jury = await JuryFiles.OpenAsync(test, testData, sandbox, token);
                        var verdict = await run.ValidateInputAsync(jury, validators.ArgumentsFor(test.Group), token);
                        if (verdict.Failure is not null)
                            ours = verdict.Failure;
                        else if (!verdict.Valid)
                            faults.Add(new InputFault(test.Index, validator.Name, verdict.Message ?? "invalid"));
                    });
                if (ours is not null)
                    return ([], ours);
            }
        }
        return ([.. faults.OrderBy(f => f.TestIndex ?? 0).ThenBy(f => f.Validator, StringComparer.Ordinal)], null);
    }
}
