using System.Text;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Checking;
using Judge.Worker.Languages;
using Judge.Worker.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Judging;

/// <summary>
/// Judges one submission: compile once, run every test in a fresh sandbox, check, and aggregate. Only judging lives
/// here: the sandbox makes, fills and removes the volumes runs see, and holds their output. A compile volume is never
/// read by the trusted side after the compiler ran in it: runs see it only through a read-only bind at /prog, so
/// whatever links a compile step planted stay harmless.
/// </summary>
public sealed class SubmissionJudge(ISandbox sandbox, LanguageSet languages, TestDataCache testData, IOptions<WorkerOptions> options,
    ILogger<SubmissionJudge> logger)
    : IDisposable
{
    private readonly WorkerOptions options = options.Value;
    private readonly KattisValidatorCache validators = new(logger);

    public void Dispose() => validators.Dispose();

    /// <param name="compiled">Called once the program compiled, before the first test runs; not called for a
    /// language with nothing to compile.</param>
    public async Task<JudgeOutcome> JudgeAsync(SubmissionToJudge submission, Func<Task> compiled, CancellationToken cancellationToken)
    {
        var language = languages.Find(submission.LanguageId);
        if (language is null)
            return JudgeOutcome.InternalError($"language '{submission.LanguageId}' is not offered by this worker");

        Language? checkerLanguage = null;
        if (submission.Checker.Kind == CheckerKind.Custom)
        {
            if (string.IsNullOrEmpty(submission.Checker.Source) || submission.Checker.Language is null)
                return JudgeOutcome.InternalError("the custom checker has no source or no language");
            checkerLanguage = languages.Find(submission.Checker.Language);
            if (checkerLanguage is null)
                return JudgeOutcome.InternalError($"checker language '{submission.Checker.Language}' is not offered by this worker");
        }
        if (submission.Tests.Count == 0)
            return JudgeOutcome.InternalError("the submission has no tests");
        IReadOnlyList<SubmissionFile> files = [new(language.SourceFile, submission.Source)];
        if (submission.Files is not null)
        {
            if (language.ForFiles(submission.Files, submission.Entry, out var filesProblem, runByGrader: submission.Grader is not null) is not { } built)
                return new JudgeOutcome(Verdict.CE, 0, filesProblem, null, []);
            (language, files) = (built, submission.Files);
        }
        var graderLanguage = submission.Grader is { } grader ? languages.Find(grader.Spec.Language) : null;
        if (submission.Grader is not null && graderLanguage?.RunsGraders != true)
            return JudgeOutcome.InternalError($"grader language '{submission.Grader.Spec.Language}' is not offered for graders by this worker");

        Compilation? program = null, checker = null;
        KattisValidatorRun? kattis = null;
        KattisGraderRun? customGrader = null;
        try
        {
            program = await CompileAsync(language, files, "program", cancellationToken);
            if (program.Failure is { } failure)
                return new JudgeOutcome(failure.Verdict, 0, program.Output, failure.Message, []);

            if (checkerLanguage is not null)
            {
                checker = await CompileAsync(checkerLanguage, [new(checkerLanguage.SourceFile, submission.Checker.Source!)], "checker", cancellationToken);
                if (checker.Failure is { } checkerFailure)
                    return JudgeOutcome.InternalError($"the checker did not compile: {checkerFailure.Message ?? checker.Output}", program.Output);
            }

            if (submission.Validator is { } validator)
            {
                (kattis, var validatorFailure) = await KattisValidatorRun.StartAsync(validator, validators, sandbox, languages, options, logger, cancellationToken);
                if (validatorFailure is not null)
                    return JudgeOutcome.InternalError(validatorFailure, program.Output);
            }
            if (submission.Grading?.Grader is { } graderProgram)
            {
                (customGrader, var graderFailure) = await KattisGraderRun.StartAsync(graderProgram, validators, sandbox, languages, options, logger, cancellationToken);
                if (graderFailure is not null)
                    return JudgeOutcome.InternalError(graderFailure, program.Output);
            }

            if (language.Compile is not null)
                await compiled();
            if (submission.Grader is not null)
                return await new Grader(sandbox, options, logger).GradeAsync(submission.Grader, graderLanguage!, language, program.Volume,
                    program.ProgramBytes, files, submission.Limits, program.Output, cancellationToken);

            var results = new List<TestResult>(submission.Tests.Count);
            RunOutput? output = null;
            var grading = submission.Grading is null ? null : new GradingRun(submission.Grading, submission.Tests);
            string? gradingFailure = null;
            foreach (var test in submission.Tests)
            {
                // A test after a rejection in an on_reject: break group is not run, and has no result (docs/problem-packages.md).
                if (grading?.ShouldRun(test) == false)
                    continue;
                TestResult result;
                (result, output) = await RunTestAsync(language, program, test, submission, checkerLanguage, checker, kattis, cancellationToken);
                results.Add(result);
                grading?.Record(test, result.Verdict, kattis?.ScoreOf(test));
                // A failed grader makes the submission IE: the tests left would not change that.
                if (grading is not null && (gradingFailure = await GradeCustomGroupsAsync(grading, customGrader, cancellationToken)) is not null)
                    break;
            }

            var graded = grading?.Grade();
            var verdict = graded?.Verdict ?? VerdictRules.ForSubmission(results.Select(r => r.Verdict));
            var score = graded?.Score ?? VerdictRules.Score(results.Zip(submission.Tests, (r, t) => (r.Verdict, t.Points)));
            var message = verdict != Verdict.IE ? null : gradingFailure ?? results.First(r => r.Verdict == Verdict.IE).Message;
            return new JudgeOutcome(verdict, score, program.Output, message, results, output, graded?.Groups);
        }
        catch (SandboxSpecException e)
        {
            // The worker built a spec the sandbox refuses: our bug, not the program's.
            logger.LogError(e, "Sandbox refused a spec for submission {SubmissionId}", submission.Id);
            return JudgeOutcome.InternalError($"sandbox refused the run: {e.Message}");
        }
        finally
        {
            Remove(program?.Volume);
            Remove(checker?.Volume);
            kattis?.Dispose();
            customGrader?.Dispose();
        }
    }

    /// <summary>Runs the package's grader on each custom-graded group that is now complete (a group, then the groups above
    /// it that it completes); the grader's failure, which makes the submission IE, or null.</summary>
    private static async Task<string?> GradeCustomGroupsAsync(GradingRun grading, KattisGraderRun? grader, CancellationToken cancellationToken)
    {
        while (grading.Pending is { } group)
        {
            var ((verdict, score), failure) = grader is null
                ? (default, $"group {group.Group} is graded by a custom grader, but the problem has none stored")
                : await grader.GradeAsync(group, cancellationToken);
            grading.Graded(group.Group, failure is null ? verdict : Verdict.IE, failure is null ? score : 0);
            if (failure is not null)
                return failure;
        }
        return null;
    }

    private void Remove(SandboxVolume? volume)
    {
        try
        {
            volume?.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not the submission's fault, so not its verdict: but space or a mount is left behind, which an operator must
            // hear of. The next worker start removes it (SandboxRunner.RemoveStaleRuns).
            logger.LogError(e, "Could not remove the volume {Path}; it is left behind", volume!.HostPath);
        }
    }

    /// <param name="ProgramBytes">What the program's own files take in memory: a compiled program's tmpfs box as the
    /// compiler left it, or an interpreted program's source. Those pages were charged to the compile step (or the
    /// worker), not to the runs that read them; each run is charged for them instead (<see cref="RunTestAsync"/>).</param>
    private sealed record Compilation(SandboxVolume Volume, string? Output, long ProgramBytes, (Verdict Verdict, string? Message)? Failure = null);

    private async Task<Compilation> CompileAsync(Language language, IReadOnlyList<SubmissionFile> files, string name, CancellationToken cancellationToken)
    {
        // A compiler writes its output next to the source, in a volume of the size it may fill; an interpreter's source
        // is only read.
        var volume = sandbox.CreateVolume($"{name}-", language.Compile is null ? null : options.BoxBytes);
        try
        {
            foreach (var file in files)
                volume.WriteFile(file.Name, Encoding.UTF8.GetBytes(file.Content));
            if (language.Compile is null)
                return new Compilation(volume, null, volume.UsedBytes);
            using var span = WorkerTelemetry.Source.StartActivity($"compile {name}");

            // Each step in a sandbox of its own, the next only after one that succeeded; the last one run speaks for all.
            var result = await CompileStepAsync(language, language.Compile, volume, cancellationToken);
            foreach (var step in language.ThenCompile)
            {
                if (result.Status != SandboxStatus.Ok)
                    break;
                result.Dispose();
                result = await CompileStepAsync(language, step, volume, cancellationToken);
            }
            using var last = result;
            var output = CompilerOutput(result);
            return result.Status == SandboxStatus.Ok
                ? new Compilation(volume, language.CompileOnlyChecks ? null : output, volume.UsedBytes)
                : new Compilation(volume, output, volume.UsedBytes, VerdictRules.ForFailedCompile(result));
        }
        catch
        {
            Remove(volume);
            throw;
        }
    }

    private Task<SandboxResult> CompileStepAsync(Language language, IReadOnlyList<string> command, SandboxVolume volume, CancellationToken cancellationToken) =>
        sandbox.RunAsync(new SandboxSpec
        {
            Command = command,
            With = language.CompileWith,
            WorkDir = volume.HostPath,
            Environment = EnvironmentFor(language),
            Limits = options.CompileLimits.ToSandbox(minFileSizeBytes: language.MinFileSizeBytes),
            Stdin = NoInput,
            CaptureOutput = true,
        }, cancellationToken);

    // Runs without input still get one: no stdin would be the worker's own.
    private static readonly SandboxInput NoInput = SandboxInput.FromBytes(ReadOnlyMemory<byte>.Empty);

    private string? CompilerOutput(SandboxResult result)
    {
        var stderr = Start(result.Stderr, options.CompileOutputBytes, out var stderrCut);
        var stdout = Start(result.Stdout, options.CompileOutputBytes, out var stdoutCut);
        var text = StoredText.Decode([.. stderr, .. stdout], options.CompileOutputBytes, stderrCut || stdoutCut);
        return text.Text.Length == 0 ? null : text.Truncated ? text.Text + "\n[compiler output cut]" : text.Text;
    }

    /// <returns>The test's result, and with <see cref="RunOptions.KeepOutput"/> the run's whole output.</returns>
    private async Task<(TestResult, RunOutput?)> RunTestAsync(Language language, Compilation program, TestCase test, SubmissionToJudge submission,
        Language? checkerLanguage, Compilation? checker, KattisValidatorRun? kattis, CancellationToken cancellationToken)
    {
        using var span = WorkerTelemetry.Source.StartActivity($"test {test.Index}");
        var limits = submission.Limits;
        var runOptions = submission.Options ?? RunOptions.Default;
        // The program's files are memory the run can read without being charged for it: its limit makes room for them,
        // so that a constant table in the binary counts like memory the program allocates.
        var sandboxLimits = limits.ToSandbox(language.RunMemoryOverheadBytes - program.ProgramBytes, language.MinRunProcesses, language.RunOpenFiles, language.MinFileSizeBytes);
        if (runOptions.StackKb is { } stackKb)
            sandboxLimits = sandboxLimits with { StackBytes = stackKb * 1024 };
        if (sandboxLimits.MemoryBytes < SpecValidator.MinMemoryBytes)
            return (new TestResult(test.Index, Verdict.MLE, 0, 0, program.ProgramBytes / 1024, null, null, "", false, "", false,
                $"the program's files take {program.ProgramBytes / 1024} KB, which leaves less than 1 MiB of the memory limit to run in"), null);

        using var jury = await JuryFiles.OpenAsync(test, testData, sandbox, cancellationToken);
        var spec = jury.WithStdin(new SandboxSpec
        {
            Command = language.RunCommand(limits.MemoryBytes, runOptions.Arguments),
            With = language.RunWith,
            WorkDir = null, // a fresh, empty /box for every test
            Binds = [new BindMount(program.Volume.HostPath, Language.ProgramDirectory)],
            Environment = EnvironmentFor(language),
            Limits = sandboxLimits,
            CaptureOutput = true,
            StderrToStdout = runOptions.RedirectStderrToStdout,
        });
        if (kattis is { Interactive: true })
            return (await kattis.RunInteractiveAsync(spec, language, test, jury, program.ProgramBytes, cancellationToken), null);
        // Several runs (Judge0's number_of_runs) report the average time and memory; the last run's outcome stands.
        var run = await sandbox.RunAsync(spec, cancellationToken);
        long cpuTimeMs = run.CpuTimeMs, wallTimeMs = run.WallTimeMs, peakMemoryBytes = run.PeakMemoryBytes;
        var runs = 1;
        for (; runs < runOptions.Runs && run.Status == SandboxStatus.Ok; runs++)
        {
            run.Dispose();
            run = await sandbox.RunAsync(spec, cancellationToken);
            cpuTimeMs += run.CpuTimeMs;
            wallTimeMs += run.WallTimeMs;
            peakMemoryBytes += run.PeakMemoryBytes;
        }
        using var last = run;
        run = run with { CpuTimeMs = cpuTimeMs / runs, WallTimeMs = wallTimeMs / runs, PeakMemoryBytes = peakMemoryBytes / runs };

        // Only the start of the output is read to be stored (all of it, up to the output limit, when it is kept);
        // the checker reads it through.
        var readBytes = runOptions.KeepOutput ? (int)Math.Max(options.StoredOutputBytes, limits.OutputBytes) : options.StoredOutputBytes;
        var stdout = Start(run.Stdout, readBytes, out var stdoutCut);
        var stderr = Start(run.Stderr, readBytes, out var stderrCut);
        var output = runOptions.KeepOutput ? new RunOutput(stdout, stderr) : null;

        var storedStderr = StoredText.Decode(stderr, options.StoredOutputBytes, stderrCut);
        var (verdict, message) = VerdictRules.ForRun(run, language.ReportedOutOfMemory(run, storedStderr.Text)) is { } failed
            ? (failed, string.IsNullOrEmpty(run.Message) ? null : run.Message)
            : !test.HasAnswer
                ? (Verdict.AC, null)
                : kattis is not null
                    ? await kattis.CheckAsync(test, jury, run.Stdout!, cancellationToken)
                    : await CheckAsync(submission.Checker.ForGroup(test.Group), jury, run.Stdout!, checkerLanguage, checker, cancellationToken);

        var storedStdout = StoredText.Decode(stdout, options.StoredOutputBytes, stdoutCut);
        return (new TestResult(test.Index, verdict, run.CpuTimeMs, run.WallTimeMs, (run.PeakMemoryBytes + program.ProgramBytes) / 1024,
            run.ExitCode, run.Signal, storedStdout.Text, storedStdout.Truncated, storedStderr.Text, storedStderr.Truncated, message), output);
    }

    /// <param name="output">The program's stdout.</param>
    private async Task<(Verdict, string?)> CheckAsync(CheckerSpec spec, JuryFiles jury, CapturedOutput output,
        Language? checkerLanguage, Compilation? checker, CancellationToken cancellationToken)
    {
        if (spec.Kind != CheckerKind.Custom)
        {
            using var stream = output.OpenRead();
            var result = OutputCheckers.Check(spec, stream, jury.Answer);
            return (result.Verdict, result.Message);
        }
        return await RunCustomCheckerAsync(jury, output, checkerLanguage!, checker!, cancellationToken);
    }

    /// <summary>testlib's convention: <c>checker input output answer</c>; exit 0 accepts, 1 is WA, 2 is PE, anything else is the checker's failure.
    /// The input and the answer are the jury's, shown read-only at <c>/data/input</c> and <c>/data/answer</c>. None of the
    /// three is copied: the program's output, which may be as large as its output limit, is the checker's stdin, named
    /// <c>/dev/stdin</c> (Kattis validators read it from stdin too). The checker's box is its own scratch space.</summary>
    private async Task<(Verdict, string?)> RunCustomCheckerAsync(JuryFiles jury, CapturedOutput output,
        Language language, Compilation checker, CancellationToken cancellationToken)
    {
        var box = sandbox.CreateVolume("check-", options.BoxBytes);
        try
        {
            var limits = options.CheckerLimits;
            using var run = await sandbox.RunAsync(new SandboxSpec
            {
                Command = language.RunCommand(limits.MemoryBytes, [JuryFiles.InputPath, "/dev/stdin", JuryFiles.AnswerPath]),
                With = language.RunWith,
                WorkDir = box.HostPath,
                Binds = [new BindMount(checker.Volume.HostPath, Language.ProgramDirectory), .. jury.Binds()],
                Environment = EnvironmentFor(language),
                Limits = limits.ToSandbox(language.RunMemoryOverheadBytes, language.MinRunProcesses, language.RunOpenFiles, language.MinFileSizeBytes),
                Stdin = SandboxInput.FromOutput(output),
                CaptureOutput = true,
            }, cancellationToken);
            var stderr = StoredText.Decode(Start(run.Stderr, options.CheckerMessageBytes, out var cut),
                options.CheckerMessageBytes, cut).Text.Trim();
            var message = stderr.Length == 0 ? null : stderr;
            return run switch
            {
                { Status: SandboxStatus.Ok } => (Verdict.AC, message),
                { Status: SandboxStatus.RuntimeError, ExitCode: 1 } => (Verdict.WA, message),
                { Status: SandboxStatus.RuntimeError, ExitCode: 2 } => (Verdict.PE, message),
                _ => (Verdict.IE, $"checker failed ({run.Status}, exit code {run.ExitCode?.ToString() ?? "none"}): {message ?? run.Message}"),
            };
        }
        finally
        {
            Remove(box);
        }
    }

    /// <summary>The start of a run's captured output; a run that failed to set up has none.</summary>
    internal static byte[] Start(CapturedOutput? output, int maxBytes, out bool truncated)
    {
        truncated = false;
        return output is null ? [] : output.ReadStart(maxBytes, out truncated);
    }

    internal static IReadOnlyDictionary<string, string> EnvironmentFor(Language language)
    {
        var environment = new Dictionary<string, string>(SandboxSpec.DefaultEnvironment);
        foreach (var (name, value) in language.Environment)
            environment[name] = value;
        return environment;
    }
}
