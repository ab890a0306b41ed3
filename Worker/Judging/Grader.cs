using System.Text;
using System.Text.Json;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>
/// Grades a submission to a grader problem, Gradescope's way: the teacher's files and the student's go into one fresh box,
/// the grader runs there (as its language runs a script, with the student's compiled program at <c>/prog</c>) and writes
/// <see cref="GraderSpec.ResultsFile"/>; each of its <c>tests</c> becomes a named, scored test result.
///
/// Trust: the grader and the student's code run in the same sandbox, as the same user, in the same box, so the student's
/// code can write results.json too. A grade is as trustworthy as the homework's honesty (Gradescope's own autograder is no
/// different unless the grader drops privileges, which a sandbox without setuid cannot). That is also why a missing or
/// broken results.json is RE, the submission's result, not IE: whoever broke it ran inside the submission's sandbox.
/// The worker only reads the file back: a regular file, no links followed, at most <see cref="MaxResultsBytes"/>.
/// </summary>
public sealed class Grader(ISandbox sandbox, WorkerOptions options, ILogger logger)
{
    /// <summary>Most bytes of results.json read; a longer one is refused as broken.</summary>
    public const int MaxResultsBytes = 1 << 20;

    /// <summary>Most entries of <c>tests</c> taken.</summary>
    public const int MaxResults = 1000;

    private const string Box = "/box";

    /// <param name="program">The student's program as the compile step left it, bound at /prog.</param>
    /// <param name="files">The student's files, put in the box beside the grader's.</param>
    public async Task<JudgeOutcome> GradeAsync(GraderToRun grader, Language graderLanguage, Language programLanguage, SandboxVolume program,
        long programBytes, IReadOnlyList<SubmissionFile> files, TestLimits limits, string? compileOutput, CancellationToken cancellationToken)
    {
        var box = sandbox.CreateVolume("grade-", options.BoxBytes);
        try
        {
            var graderNames = grader.Files.Select(f => f.Name).ToHashSet(StringComparer.Ordinal);
            if (files.FirstOrDefault(f => graderNames.Contains(f.Name)) is { } clash)
                return new JudgeOutcome(Verdict.CE, 0, $"'{clash.Name}' is one of the grader's own files: name yours otherwise.", null, []);
            foreach (var file in grader.Files.Concat(files))
                box.WriteFile(file.Name, Encoding.UTF8.GetBytes(file.Content));

            var environment = new Dictionary<string, string>(SubmissionJudge.EnvironmentFor(programLanguage));
            foreach (var (name, value) in graderLanguage.Environment)
                environment[name] = value;
            using var run = await sandbox.RunAsync(new SandboxSpec
            {
                Command = graderLanguage.GraderCommand(Box, grader.Spec.Entry, limits.MemoryBytes),
                // The grader may run the student's program: its runtime is in the image too.
                With = [.. graderLanguage.RunWith.Union(programLanguage.RunWith)],
                WorkDir = box.HostPath,
                Binds = [new BindMount(program.HostPath, Language.ProgramDirectory)],
                Environment = environment,
                Limits = limits.ToSandbox(Math.Max(graderLanguage.RunMemoryOverheadBytes, programLanguage.RunMemoryOverheadBytes) - programBytes,
                    Math.Max(graderLanguage.MinRunProcesses, programLanguage.MinRunProcesses),
                    Math.Max(graderLanguage.RunOpenFiles, programLanguage.RunOpenFiles)),
                Stdin = SandboxInput.FromBytes(ReadOnlyMemory<byte>.Empty),
                CaptureOutput = true,
            }, cancellationToken);

            var stderr = Text(run.Stderr);
            if (run.Status == SandboxStatus.SetupError)
                return JudgeOutcome.InternalError($"grader sandbox failed: {run.Message}", compileOutput);
            if (run.Status is not (SandboxStatus.Ok or SandboxStatus.RuntimeError or SandboxStatus.Signaled))
                return Failed(VerdictRules.ForRun(run)!.Value, $"the grader ran out of its limits ({run.Status}): {run.Message}", run, stderr, compileOutput);

            var json = box.ReadFile(GraderSpec.ResultsFile, MaxResultsBytes, out var tooLong);
            var problem = json is null ? $"the grader wrote no {GraderSpec.ResultsFile} (a regular file in its working directory)"
                : tooLong ? $"{GraderSpec.ResultsFile} is over {MaxResultsBytes} bytes"
                : null;
            var results = problem is null ? GradescopeResults.Parse(json!, out problem) : null;
            if (results is null)
                return Failed(Verdict.RE, $"{problem}; grader {Describe(run)}", run, stderr, compileOutput);

            var tests = results.Tests.Select((test, i) => new TestResult(i + 1, test.Verdict, run.CpuTimeMs, run.WallTimeMs,
                (run.PeakMemoryBytes + programBytes) / 1024, run.ExitCode, run.Signal, Cut(test.Output, out var cut), cut, "", false, null,
                Name: test.Name, Score: test.Score, MaxScore: test.MaxScore)).ToList();
            var score = results.Score ?? results.Tests.Sum(t => t.Score ?? 0);
            return new JudgeOutcome(VerdictRules.ForSubmission(tests.Select(t => t.Verdict)), score,
                compileOutput, null, tests);
        }
        finally
        {
            try
            {
                box.Dispose();
            }
            catch (IOException e)
            {
                // As SubmissionJudge does: not the submission's fault; the next worker start removes it.
                logger.LogError(e, "Could not remove the volume {Path}; it is left behind", box.HostPath);
            }
        }
    }

    /// <summary>A grading that produced no results: one result named "grader" with the run's measures and output.</summary>
    private JudgeOutcome Failed(Verdict verdict, string message, SandboxResult run, StoredText stderr, string? compileOutput)
    {
        var stdout = Text(run.Stdout);
        var result = new TestResult(1, verdict, run.CpuTimeMs, run.WallTimeMs, run.PeakMemoryBytes / 1024, run.ExitCode, run.Signal,
            stdout.Text, stdout.Truncated, stderr.Text, stderr.Truncated, message, Name: "grader");
        return new JudgeOutcome(verdict, 0, compileOutput, message, [result]);
    }

    private static string Describe(SandboxResult run) =>
        run.Status == SandboxStatus.Ok ? "exited with 0" : run.Signal is { } signal ? $"killed by signal {signal}" : $"exited with {run.ExitCode}";

    private StoredText Text(CapturedOutput? output)
    {
        if (output is null)
            return StoredText.Decode([], options.StoredOutputBytes, false);
        var bytes = output.ReadStart(options.StoredOutputBytes, out var truncated);
        return StoredText.Decode(bytes, options.StoredOutputBytes, truncated);
    }

    private string Cut(string? text, out bool cut)
    {
        var stored = StoredText.Decode(Encoding.UTF8.GetBytes(text ?? ""), options.StoredOutputBytes, false);
        cut = stored.Truncated;
        return stored.Text;
    }
}

/// <summary>What a grader's results.json says, in Gradescope's autograder format: <c>tests[]</c> of <c>name</c>, <c>score</c>,
/// <c>max_score</c>, <c>output</c> and <c>status</c> (<c>passed</c>/<c>failed</c>), and an optional overall <c>score</c>.
/// Other fields (visibility, number, tags, ...) are read past.</summary>
public sealed record GradescopeResults(double? Score, IReadOnlyList<GradescopeTest> Tests)
{
    /// <summary>Null, with the reason, when the document is not such results.</summary>
    public static GradescopeResults? Parse(byte[] json, out string? problem)
    {
        problem = null;
        try
        {
            using var document = JsonDocument.Parse(json, new JsonDocumentOptions { MaxDepth = 16 });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
                return Refuse("is not a JSON object", out problem);
            var score = Number(root, "score", out problem);
            if (problem is not null)
                return Refuse($"has a {problem}", out problem);
            var tests = new List<GradescopeTest>();
            if (root.TryGetProperty("tests", out var array))
            {
                if (array.ValueKind != JsonValueKind.Array)
                    return Refuse("has tests that are not an array", out problem);
                if (array.GetArrayLength() > Grader.MaxResults)
                    return Refuse($"has {array.GetArrayLength()} tests; at most {Grader.MaxResults} are read", out problem);
                foreach (var test in array.EnumerateArray())
                {
                    var at = $"tests[{tests.Count}]";
                    if (test.ValueKind != JsonValueKind.Object)
                        return Refuse($"has {at} that is not an object", out problem);
                    var testScore = Number(test, "score", out problem);
                    var maxScore = problem is null ? Number(test, "max_score", out problem) : null;
                    var name = problem is null ? Text(test, "name", out problem) : null;
                    var output = problem is null ? Text(test, "output", out problem) : null;
                    var status = problem is null ? Text(test, "status", out problem) : null;
                    if (problem is null && status is not (null or "passed" or "failed"))
                        problem = $"its status is '{status}', not passed or failed";
                    if (problem is not null)
                        return Refuse($"has {at} where {problem}", out problem);
                    tests.Add(new GradescopeTest(name is null ? $"test {tests.Count + 1}" : name.Length > 200 ? name[..200] : name,
                        testScore, maxScore, output, VerdictOf(status, testScore, maxScore)));
                }
            }
            else if (score is null)
                return Refuse("has neither tests nor a score", out problem);
            return new GradescopeResults(score, tests);
        }
        catch (JsonException e)
        {
            return Refuse($"is not valid JSON: {e.Message}", out problem);
        }
    }

    /// <summary>Gradescope's status when the grader gives one; else full marks pass; a test without a maximum only reports.</summary>
    private static Verdict VerdictOf(string? status, double? score, double? maxScore) => status switch
    {
        "passed" => Verdict.AC,
        "failed" => Verdict.WA,
        _ when maxScore is { } max => (score ?? 0) >= max ? Verdict.AC : Verdict.WA,
        _ => Verdict.AC,
    };

    private static GradescopeResults? Refuse(string reason, out string problem)
    {
        problem = $"{GraderSpec.ResultsFile} {reason}";
        return null;
    }

    private static double? Number(JsonElement element, string name, out string? problem)
    {
        problem = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number))
            return number;
        problem = $"{name} is not a number";
        return null;
    }

    private static string? Text(JsonElement element, string name, out string? problem)
    {
        problem = null;
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
            return null;
        if (value.ValueKind == JsonValueKind.String)
            return value.GetString();
        problem = $"{name} is not a string";
        return null;
    }
}

/// <param name="Verdict">AC for a passed test, WA for a failed one.</param>
public sealed record GradescopeTest(string Name, double? Score, double? MaxScore, string? Output, Verdict Verdict);
