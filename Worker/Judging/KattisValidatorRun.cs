using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Languages;
using Judge.Worker.Observability;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>
/// A Kattis package's own validator, compiled once for the judging of one submission, and its runs: as an output
/// validator (<c>validator input answer feedback_dir [arguments] &lt; program_output</c>) or, for an interactive
/// problem, at the same time as the program, each in its own sandbox, the program's stdout piped to the validator's
/// stdin and the validator's stdout to the program's. Exit 42 accepts, 43 rejects; anything else is the validator's
/// failure (IE, with its stderr), never the program's. Its <c>judgemessage.txt</c> becomes the test's message, and for a
/// scoring problem its <c>score.txt</c> the accepted test's score; both are read from the feedback dir without
/// following anything the validator planted there. The jury's input and answer are in a read-only folder.
/// </summary>
public sealed partial class KattisValidatorRun : IDisposable
{
    private const string FeedbackDirectory = "/box/";

    private readonly KattisValidator validator;
    private readonly KattisValidatorCache.Lease compiled;
    private readonly Language language;
    private readonly SandboxVolume program;
    private readonly ISandbox sandbox;
    private readonly WorkerOptions options;
    private readonly ILogger logger;
    private readonly Dictionary<int, double> scores = [];

    private KattisValidatorRun(KattisValidator validator, KattisValidatorCache.Lease compiled, ISandbox sandbox, WorkerOptions options, ILogger logger)
    {
        (this.validator, this.compiled, this.sandbox, this.options, this.logger) = (validator, compiled, sandbox, options, logger);
        (language, program) = (compiled.Compiled.Language, compiled.Compiled.Volume);
    }

    /// <summary>The score the validator gave an accepted test in <c>score.txt</c> (scoring problems only); null when it gave
    /// none, and the test's group's <c>accept_score</c> counts (<see cref="GradingRun"/>). A test worth nothing (a sample,
    /// unless the package says otherwise) stays so.</summary>
    public double? ScoreOf(TestCase test) => test.Points > 0 && scores.TryGetValue(test.Index, out var score) ? score : null;

    public bool Interactive => validator.Interactive;

    /// <summary>The validator ready to run for one submission's judging, compiled unless this worker has it compiled
    /// already (<paramref name="cache"/>); or why it could not be (the judge's fault: IE).</summary>
    public static async Task<(KattisValidatorRun? Run, string? Failure)> StartAsync(KattisValidator validator, KattisValidatorCache cache,
        ISandbox sandbox, LanguageSet languages, WorkerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        // The compile runs for whichever judging asked first, with its cancellation: if that one is cancelled (the worker
        // stops), the others waiting for the same validator are too, and are judged again after.
        var (lease, failure) = await cache.AcquireAsync(validator.Digest(), () => CompileAsync(validator, "validator", sandbox, languages, options, logger, cancellationToken));
        return lease is null ? (null, failure) : (new KattisValidatorRun(validator, lease, sandbox, options, logger), null);
    }

    /// <summary>The validator (or a package's grader: <paramref name="role"/> names which in failures) compiled in a
    /// sandbox, or why it could not be.</summary>
    internal static async Task<(CompiledValidator? Compiled, string? Failure)> CompileAsync(KattisValidator validator, string role, ISandbox sandbox,
        LanguageSet languages, WorkerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        if (languages.Find(validator.Language) is not { } baseLanguage)
            return (null, $"the {role} {validator.Name} is written in '{validator.Language}', which this worker does not offer");
        if (LanguageFor(validator, baseLanguage, out var problem) is not { } language)
            return (null, $"the {role} {validator.Name} cannot be built (stored as {validator.Language} with main '{validator.Main}'): {problem}");
        if (validator.Files.FirstOrDefault(f => !SafeName().IsMatch(f.Name)) is { } badFile)
            return (null, $"the {role} {validator.Name} has a file named '{badFile.Name}', which is not a plain file name");

        var volume = sandbox.CreateVolume($"{role}-", language.Compile is null ? null : options.BoxBytes);
        try
        {
            foreach (var file in validator.Files)
                volume.WriteFile(file.Name, Encoding.UTF8.GetBytes(file.Content));
            if (language.Compile is not null)
            {
                using var span = WorkerTelemetry.Source.StartActivity("compile validator");
                using var result = await sandbox.RunAsync(new SandboxSpec
                {
                    Command = language.Compile,
                    With = language.CompileWith,
                    WorkDir = volume.HostPath,
                    Environment = SubmissionJudge.EnvironmentFor(language),
                    Limits = options.CompileLimits.ToSandbox(),
                    Stdin = SandboxInput.FromBytes(ReadOnlyMemory<byte>.Empty),
                    CaptureOutput = true,
                    StderrToStdout = true,
                }, cancellationToken);
                if (result.Status != SandboxStatus.Ok)
                {
                    var output = StoredText.Decode(SubmissionJudge.Start(result.Stdout, options.CompileOutputBytes, out var cut), options.CompileOutputBytes, cut);
                    Remove(volume, logger);
                    return (null, $"the {role} {validator.Name} did not compile ({result.Message}): {output.Text.Trim()}");
                }
            }
            return (new CompiledValidator(language, volume), null);
        }
        catch
        {
            Remove(volume, logger);
            throw;
        }
    }

    /// <summary>The worker's language, made to build and run the validator's files as a submission of several files is
    /// built (<see cref="Language.ForFiles"/>): every C or C++ source compiled into one program, every Java source compiled
    /// and the class with <c>main</c> run, the chosen Python file run.</summary>
    private static Language? LanguageFor(KattisValidator validator, Language baseLanguage, out string? problem)
    {
        var entry = validator.Language == "java" && validator.Main is { } main ? main + ".java" : validator.Main;
        return baseLanguage.ForFiles([.. validator.Files.Select(f => new SubmissionFile(f.Name, f.Content))], entry, out problem);
    }

    /// <summary>Judges one output: the validator reads it as its stdin.</summary>
    public async Task<(Verdict Verdict, string? Message)> CheckAsync(TestCase test, JuryFiles jury, CapturedOutput output, CancellationToken cancellationToken)
    {
        using var files = new RunFiles(this, jury);
        var limits = options.CheckerLimits;
        using var run = await sandbox.RunAsync(ValidatorSpec(files, test, limits.ToSandbox(language.RunMemoryOverheadBytes, language.MinRunProcesses, language.RunOpenFiles))
            with { Stdin = SandboxInput.FromOutput(output) }, cancellationToken);
        return Judge(run, files, test);
    }

    /// <summary>
    /// One test of an interactive problem: <paramref name="programSpec"/> (the program's run as it would be without
    /// the validator) and the validator at the same time, joined by two pipes. The validator gets its own limits, and
    /// time for as long as the program may take on top of them: it waits for the program. Whichever side ends, the other
    /// reads end of file or gets a broken pipe, so neither can wait forever, and a program that never flushes ends at its
    /// own time limits.
    /// </summary>
    public async Task<TestResult> RunInteractiveAsync(SandboxSpec programSpec, Language programLanguage, TestCase test, JuryFiles jury, long programBytes,
        CancellationToken cancellationToken)
    {
        using var files = new RunFiles(this, jury);
        using var toValidator = SandboxPipe.Create();
        using var toProgram = SandboxPipe.Create();
        var checker = options.CheckerLimits;
        var programLimits = programSpec.Limits;
        var validatorLimits = checker.ToSandbox(language.RunMemoryOverheadBytes, language.MinRunProcesses, language.RunOpenFiles) with
        {
            CpuTime = TimeSpan.FromMilliseconds(checker.CpuTimeMs) + (programLimits.CpuTime ?? TimeSpan.Zero),
            WallTime = TimeSpan.FromMilliseconds(checker.WallTimeMs) + (programLimits.WallTime ?? TimeSpan.Zero),
        };

        var (run, validatorRun) = await sandbox.RunPairAsync(
            programSpec with { Stdin = SandboxInput.FromPipe(toProgram), StdinPath = null, StdoutPipe = toValidator, CaptureOutput = true, StderrToStdout = false },
            ValidatorSpec(files, test, validatorLimits) with { Stdin = SandboxInput.FromPipe(toValidator), StdoutPipe = toProgram },
            cancellationToken);
        using var _ = run;
        using var __ = validatorRun;

        var stderr = StoredText.Decode(SubmissionJudge.Start(run.Stderr, options.StoredOutputBytes, out var cut), options.StoredOutputBytes, cut);
        var programFailure = VerdictRules.ForRun(run, programLanguage.ReportedOutOfMemory(run, stderr.Text));
        var (verdict, message) = Judge(validatorRun, files, test);
        // The format's rule: the validator's verdict, unless the program failed first. A program killed by a broken
        // pipe wrote after the validator had ended, so the validator came first; a program that failed after the
        // validator accepted still failed.
        var programFirst = run.Signal != BrokenPipe && run.EndTimestamp <= validatorRun.EndTimestamp;
        if (programFailure is { } failed && (programFirst || verdict == Verdict.AC || failed == Verdict.IE))
            (verdict, message) = (failed, string.IsNullOrEmpty(run.Message) ? null : run.Message);
        return new TestResult(test.Index, verdict, run.CpuTimeMs, run.WallTimeMs, (run.PeakMemoryBytes + programBytes) / 1024, run.ExitCode, run.Signal,
            "", false, stderr.Text, stderr.Truncated, message);
    }

    private const int BrokenPipe = 13;

    private SandboxSpec ValidatorSpec(RunFiles files, TestCase test, SandboxLimits limits) => new()
    {
        Command = language.RunCommand(options.CheckerLimits.MemoryBytes,
            [JuryFiles.InputPath, JuryFiles.AnswerPath, FeedbackDirectory, .. validator.ArgumentsFor(test.Group)]),
        With = language.RunWith,
        WorkDir = files.Feedback.HostPath,
        Binds = [new BindMount(program.HostPath, Language.ProgramDirectory), .. files.Jury.Binds()],
        Environment = SubmissionJudge.EnvironmentFor(language),
        Limits = limits,
        CaptureOutput = true,
    };

    /// <summary>The validator's verdict from its exit code, with its judgemessage.txt (and score.txt for a scoring problem).</summary>
    private (Verdict, string?) Judge(SandboxResult run, RunFiles files, TestCase test)
    {
        var judgeMessage = Feedback(files.Feedback, "judgemessage.txt");
        switch (run)
        {
            case { Status: SandboxStatus.RuntimeError, ExitCode: 42 }:
                if (validator.Scoring && Feedback(files.Feedback, "score.txt") is { } scoreText)
                {
                    if (!double.TryParse(scoreText, NumberStyles.Float, CultureInfo.InvariantCulture, out var score) || !double.IsFinite(score) || score < 0)
                        return (Verdict.IE, $"the validator {validator.Name} wrote a score.txt that is not a number 0 or more: '{StoredText.Cut(scoreText, 100)}'");
                    scores[test.Index] = score;
                }
                return (Verdict.AC, judgeMessage);
            case { Status: SandboxStatus.RuntimeError, ExitCode: 43 }:
                return (Verdict.WA, judgeMessage);
            default:
                var stderr = StoredText.Decode(SubmissionJudge.Start(run.Stderr, options.CheckerMessageBytes, out var cut), options.CheckerMessageBytes, cut).Text.Trim();
                return (Verdict.IE, $"the validator {validator.Name} failed ({run.Message}; exit 42 accepts, 43 rejects): " +
                    (stderr.Length > 0 ? stderr : judgeMessage ?? "it wrote nothing to stderr"));
        }
    }

    private string? Feedback(SandboxVolume feedback, string name)
    {
        if (feedback.ReadFile(name, options.CheckerMessageBytes, out var truncated) is not { } bytes)
            return null;
        var text = StoredText.Decode(bytes, options.CheckerMessageBytes, truncated).Text.Trim();
        return text.Length == 0 ? null : text;
    }

    /// <summary>A validator run's folders: the jury's input and answer (read-only for it), and its feedback dir (its /box).</summary>
    private sealed class RunFiles(KattisValidatorRun owner, JuryFiles jury) : IDisposable
    {
        public JuryFiles Jury { get; } = jury;
        public SandboxVolume Feedback { get; } = owner.sandbox.CreateVolume("feedback-", owner.options.BoxBytes);

        public void Dispose() => Remove(Feedback, owner.logger);
    }

    private static void Remove(SandboxVolume volume, ILogger logger)
    {
        try
        {
            volume.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As for every volume (SubmissionJudge.Remove): the operator must hear of it; the next worker start removes it.
            logger.LogError(e, "Could not remove the volume {Path}; it is left behind", volume.HostPath);
        }
    }

    /// <summary>The compiled validator stays with the worker's cache; this judging lets go of it.</summary>
    public void Dispose() => compiled.Dispose();

    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+\-]*$")]
    private static partial Regex SafeName();
}
