using System.Text;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Checking;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Judging;

/// <summary>
/// Judges one submission: compile once, run every test in a fresh sandbox, check, and aggregate.
/// The compile directory is never read by the trusted side after the compiler ran in it: runs see it
/// only through a read-only bind at /prog, so whatever links a compile step planted stay harmless.
/// </summary>
public sealed class SubmissionJudge(ISandbox sandbox, LanguageSet languages, IOptions<WorkerOptions> options, ILogger<SubmissionJudge> logger)
{
    private readonly WorkerOptions options = options.Value;

    // One per slot: at most Slots sandboxes run at once, however many submissions are being judged.
    private readonly SandboxThreads threads = new(options.Value.Slots);

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

        using var workspace = new Workspace(options, logger, ScratchBytesFor(submission));
        try
        {
            var program = await CompileAsync(language, submission.Source, workspace, "program");
            if (program.Failure is { } failure)
                return new JudgeOutcome(failure.Verdict, 0, program.Output, failure.Message, []);

            Compilation? checker = null;
            if (checkerLanguage is not null)
            {
                checker = await CompileAsync(checkerLanguage, submission.Checker.Source!, workspace, "checker");
                if (checker.Failure is { } checkerFailure)
                    return JudgeOutcome.InternalError($"the checker did not compile: {checkerFailure.Message ?? checker.Output}", program.Output);
            }

            if (language.Compile is not null)
                await compiled();

            var results = new List<TestResult>(submission.Tests.Count);
            foreach (var test in submission.Tests)
            {
                cancellationToken.ThrowIfCancellationRequested();
                results.Add(await RunTestAsync(language, program, test, submission, checkerLanguage, checker, workspace));
            }

            var verdict = VerdictRules.ForSubmission(results.Select(r => r.Verdict));
            var score = VerdictRules.Score(results.Zip(submission.Tests, (r, t) => (r.Verdict, t.Points)));
            var message = verdict == Verdict.IE ? results.First(r => r.Verdict == Verdict.IE).Message : null;
            return new JudgeOutcome(verdict, score, program.Output, message, results);
        }
        catch (SandboxSpecException e)
        {
            // The worker built a spec the sandbox refuses: our bug, not the program's.
            logger.LogError(e, "Sandbox refused a spec for submission {SubmissionId}", submission.Id);
            return JudgeOutcome.InternalError($"sandbox refused the run: {e.Message}");
        }
    }

    /// <summary>
    /// The most a submission's files in scratch take at once. Before the tests: the compiler's stdout and stderr. Then
    /// for one test at a time (its files are removed before the next): its input, the program's stdout and stderr and
    /// a custom checker's. Each output is capped by its run's file size limit, and no run can reserve blocks beyond a
    /// file's size (the seccomp policy refuses fallocate), so the submission cannot need more than this.
    /// </summary>
    private long ScratchBytesFor(SubmissionToJudge submission)
    {
        const long Slack = 1 << 20; // the empty input file, and rounding to pages
        long largestInput = submission.Tests.Count == 0 ? 0 : submission.Tests.Max(t => (long)Encoding.UTF8.GetByteCount(t.Input));
        long test = largestInput + 2 * submission.Limits.OutputBytes + 2 * options.CheckerLimits.OutputBytes;
        long compile = 2 * options.CompileLimits.OutputBytes;
        return Math.Max(test, compile) + Slack;
    }

    /// <param name="ProgramBytes">What the program's own files take in memory: a compiled program's tmpfs box as the
    /// compiler left it, or an interpreted program's source. Those pages were charged to the compile step (or the
    /// worker), not to the runs that read them; each run is charged for them instead (<see cref="RunTestAsync"/>).</param>
    private sealed record Compilation(string Directory, string? Output, long ProgramBytes, (Verdict Verdict, string? Message)? Failure = null);

    private async Task<Compilation> CompileAsync(Language language, string source, Workspace workspace, string name)
    {
        // A compiler writes its output next to the source; an interpreter's source is only read.
        var directory = language.Compile is null ? workspace.NewReadOnlyBox($"{name}-") : workspace.NewBox($"{name}-");
        var sourceBytes = Encoding.UTF8.GetBytes(source);
        SafeFiles.WriteNewFile(directory, language.SourceFile, sourceBytes);
        if (language.Compile is null)
            return new Compilation(directory, null, sourceBytes.Length);

        var result = await RunAsync(new SandboxSpec
        {
            Command = language.Compile,
            With = language.CompileWith,
            WorkDir = directory,
            Environment = EnvironmentFor(language),
            Limits = options.CompileLimits.ToSandbox(),
            StdinPath = workspace.ScratchPath(Workspace.EmptyInput),
            StdoutPath = workspace.ScratchPath($"{name}.compile.out"),
            StderrPath = workspace.ScratchPath($"{name}.compile.err"),
        });
        var output = CompilerOutput(workspace, name);
        workspace.RemoveScratch($"{name}.compile.out", $"{name}.compile.err");
        // Counted by the box's file system, not by walking what the compiler left: no name or link it planted is followed.
        var programBytes = SafeFiles.UsedBytes(directory);
        return result.Status == SandboxStatus.Ok
            ? new Compilation(directory, output, programBytes)
            : new Compilation(directory, output, programBytes, VerdictRules.ForFailedCompile(result));
    }

    private string? CompilerOutput(Workspace workspace, string name)
    {
        var stderr = workspace.ReadScratch($"{name}.compile.err", options.CompileOutputBytes, out var stderrCut);
        var stdout = workspace.ReadScratch($"{name}.compile.out", options.CompileOutputBytes, out var stdoutCut);
        var text = StoredText.Decode([.. stderr, .. stdout], options.CompileOutputBytes, stderrCut || stdoutCut);
        return text.Text.Length == 0 ? null : text.Truncated ? text.Text + "\n[compiler output cut]" : text.Text;
    }

    private async Task<TestResult> RunTestAsync(Language language, Compilation program, TestCase test, SubmissionToJudge submission,
        Language? checkerLanguage, Compilation? checker, Workspace workspace)
    {
        var limits = submission.Limits;
        // The program's files are memory the run can read without being charged for it: its limit makes room for them,
        // so that a constant table in the binary counts like memory the program allocates.
        var sandboxLimits = limits.ToSandbox(language.RunMemoryOverheadBytes - program.ProgramBytes, language.MinRunProcesses, language.RunOpenFiles);
        if (sandboxLimits.MemoryBytes < SpecValidator.MinMemoryBytes)
            return new TestResult(test.Index, Verdict.MLE, 0, 0, program.ProgramBytes / 1024, null, null, "", false, "", false,
                $"the program's files take {program.ProgramBytes / 1024} KB, which leaves less than 1 MiB of the memory limit to run in");

        var input = Encoding.UTF8.GetBytes(test.Input);
        var prefix = $"test-{test.Index}";
        SafeFiles.WriteNewFile(workspace.Scratch, $"{prefix}.in", input);

        var run = await RunAsync(new SandboxSpec
        {
            Command = language.RunCommand(limits.MemoryBytes),
            With = language.RunWith,
            WorkDir = null, // a fresh, empty /box for every test
            Binds = [new BindMount(program.Directory, Language.ProgramDirectory)],
            Environment = EnvironmentFor(language),
            Limits = sandboxLimits,
            StdinPath = workspace.ScratchPath($"{prefix}.in"),
            StdoutPath = workspace.ScratchPath($"{prefix}.out"),
            StderrPath = workspace.ScratchPath($"{prefix}.err"),
        });

        // Only the start of the output is read to be stored; the checker reads it through, from the file.
        var stdout = workspace.ReadScratch($"{prefix}.out", options.StoredOutputBytes, out var stdoutCut);
        var stderr = workspace.ReadScratch($"{prefix}.err", options.StoredOutputBytes, out var stderrCut);

        var storedStderr = StoredText.Decode(stderr, options.StoredOutputBytes, stderrCut);
        var (verdict, message) = VerdictRules.ForRun(run, language.ReportedOutOfMemory(run, storedStderr.Text)) is { } failed
            ? (failed, string.IsNullOrEmpty(run.Message) ? null : run.Message)
            : test.ExpectedOutput is null
                ? (Verdict.AC, null)
                : await CheckAsync(submission.Checker, test, input, $"{prefix}.out", checkerLanguage, checker, workspace);

        var storedStdout = StoredText.Decode(stdout, options.StoredOutputBytes, stdoutCut);
        workspace.RemoveScratch($"{prefix}.in", $"{prefix}.out", $"{prefix}.err");
        return new TestResult(test.Index, verdict, run.CpuTimeMs, run.WallTimeMs, (run.PeakMemoryBytes + program.ProgramBytes) / 1024,
            run.ExitCode, run.Signal, storedStdout.Text, storedStdout.Truncated, storedStderr.Text, storedStderr.Truncated, message);
    }

    /// <param name="output">The name of the program's stdout in the scratch directory.</param>
    private async Task<(Verdict, string?)> CheckAsync(CheckerSpec spec, TestCase test, byte[] input, string output,
        Language? checkerLanguage, Compilation? checker, Workspace workspace)
    {
        if (spec.Kind != CheckerKind.Custom)
        {
            using var stream = workspace.OpenScratch(output);
            var result = OutputCheckers.Check(spec, stream, Encoding.UTF8.GetBytes(test.ExpectedOutput!));
            return (result.Verdict, result.Message);
        }
        return await RunCustomCheckerAsync(test, input, output, checkerLanguage!, checker!, workspace);
    }

    /// <summary>testlib's convention: <c>checker input output answer</c>; exit 0 accepts, 1 is WA, 2 is PE, anything else is the checker's failure.
    /// The input and the answer are the jury's and are written into the checker's box. The program's output, which may be
    /// as large as its output limit, is not copied anywhere: the checker gets the scratch file as its stdin, opened by the
    /// sandbox, and its name as <c>/dev/stdin</c> (Kattis validators read it from stdin too).</summary>
    private async Task<(Verdict, string?)> RunCustomCheckerAsync(TestCase test, byte[] input, string output,
        Language language, Compilation checker, Workspace workspace)
    {
        var box = workspace.NewBox("check-");
        try
        {
            SafeFiles.WriteNewFile(box, "input", input);
            SafeFiles.WriteNewFile(box, "answer", Encoding.UTF8.GetBytes(test.ExpectedOutput!));
            var prefix = $"check-{test.Index}";
            var limits = options.CheckerLimits;
            var run = await RunAsync(new SandboxSpec
            {
                Command = language.RunCommand(limits.MemoryBytes, ["input", "/dev/stdin", "answer"]),
                With = language.RunWith,
                WorkDir = box,
                Binds = [new BindMount(checker.Directory, Language.ProgramDirectory)],
                Environment = EnvironmentFor(language),
                Limits = limits.ToSandbox(language.RunMemoryOverheadBytes, language.MinRunProcesses, language.RunOpenFiles),
                StdinPath = workspace.ScratchPath(output),
                StdoutPath = workspace.ScratchPath($"{prefix}.out"),
                StderrPath = workspace.ScratchPath($"{prefix}.err"),
            });
            var stderr = StoredText.Decode(workspace.ReadScratch($"{prefix}.err", options.CheckerMessageBytes, out var cut),
                options.CheckerMessageBytes, cut).Text.Trim();
            workspace.RemoveScratch($"{prefix}.out", $"{prefix}.err");
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
            workspace.RemoveBox(box);
        }
    }

    private static IReadOnlyDictionary<string, string> EnvironmentFor(Language language)
    {
        var environment = new Dictionary<string, string>(SandboxSpec.DefaultEnvironment);
        foreach (var (name, value) in language.Environment)
            environment[name] = value;
        return environment;
    }

    private Task<SandboxResult> RunAsync(SandboxSpec spec) => threads.Run(() => sandbox.Run(spec));
}
