using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>
/// A Kattis package's custom grader (legacy <c>graders/</c>), compiled once for the judging of one submission (kept in the
/// worker's validator cache), and run once per group that says <c>grading: custom</c>, with the checker's limits:
/// <c>grader [grader_flags] &lt; results</c>, where results holds one line <c>VERDICT SCORE</c> per test and subgroup of
/// the group in judging order, and it answers one line <c>VERDICT SCORE</c> for the group. Verdicts are Kattis's: AC,
/// WA, TLE, RTE, JE (<see cref="KattisVerdict"/>). A grader that fails, answers anything else, or answers JE makes the
/// submission IE: it is the package's fault, never the program's.
/// </summary>
public sealed partial class KattisGraderRun : IDisposable
{
    private readonly KattisValidator grader;
    private readonly KattisValidatorCache.Lease compiled;
    private readonly ISandbox sandbox;
    private readonly WorkerOptions options;

    private KattisGraderRun(KattisValidator grader, KattisValidatorCache.Lease compiled, ISandbox sandbox, WorkerOptions options) =>
        (this.grader, this.compiled, this.sandbox, this.options) = (grader, compiled, sandbox, options);

    /// <summary>The grader ready to run, compiled unless this worker has it already; or why it could not be (IE).</summary>
    public static async Task<(KattisGraderRun? Run, string? Failure)> StartAsync(KattisValidator grader, KattisValidatorCache cache,
        ISandbox sandbox, LanguageSet languages, WorkerOptions options, ILogger logger, CancellationToken cancellationToken)
    {
        var (lease, failure) = await cache.AcquireAsync(grader.Digest(),
            () => KattisValidatorRun.CompileAsync(grader, "grader", sandbox, languages, options, logger, cancellationToken));
        return lease is null ? (null, failure) : (new KattisGraderRun(grader, lease, sandbox, options), null);
    }

    /// <summary>Judge's verdict as a grader reads it: PE is wrong output, RE, MLE and OLE are run-time errors (Kattis
    /// has no separate verdicts for them), IE is a judge error. CE never reaches a group.</summary>
    public static string KattisVerdict(Verdict verdict) => verdict switch
    {
        Verdict.AC => "AC",
        Verdict.WA or Verdict.PE => "WA",
        Verdict.TLE => "TLE",
        Verdict.RE or Verdict.MLE or Verdict.OLE => "RTE",
        _ => "JE",
    };

    /// <summary>The group's verdict and score from the grader; or why there are none (the submission is then IE).</summary>
    public async Task<((Verdict Verdict, double Score) Grade, string? Failure)> GradeAsync(GradingRun.CustomGroup group, CancellationToken cancellationToken)
    {
        var input = new StringBuilder();
        foreach (var (verdict, score) in group.Results)
            input.Append(CultureInfo.InvariantCulture, $"{KattisVerdict(verdict)} {score:R}\n");
        var language = compiled.Compiled.Language;
        var limits = options.CheckerLimits;
        using var run = await sandbox.RunAsync(new SandboxSpec
        {
            Command = language.RunCommand(limits.MemoryBytes, group.Arguments),
            With = language.RunWith,
            WorkDir = null, // a fresh, empty /box: the grader needs no files but its own
            Binds = [new BindMount(compiled.Compiled.Volume.HostPath, Language.ProgramDirectory)],
            Environment = SubmissionJudge.EnvironmentFor(language),
            Limits = limits.ToSandbox(language.RunMemoryOverheadBytes, language.MinRunProcesses, language.RunOpenFiles, language.MinFileSizeBytes),
            Stdin = SandboxInput.FromBytes(Encoding.ASCII.GetBytes(input.ToString())),
            CaptureOutput = true,
        }, cancellationToken);

        var name = group.Group == "" ? "data" : group.Group;
        var stdout = Text(run.Stdout);
        if (run.Status != SandboxStatus.Ok)
        {
            var stderr = Text(run.Stderr);
            return (default, $"the grader {grader.Name} failed on group {name} ({run.Message}; it must exit 0): " +
                (stderr.Length > 0 ? stderr : stdout.Length > 0 ? stdout : "it wrote nothing"));
        }
        var answer = Answer().Match(stdout);
        if (!answer.Success || !double.TryParse(answer.Groups[2].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var groupScore)
            || !double.IsFinite(groupScore))
            return (default, $"the grader {grader.Name} answered '{StoredText.Cut(stdout, 100)}' for group {name}; it must write one line 'VERDICT SCORE' " +
                "with VERDICT one of AC, WA, TLE, RTE, JE");
        var groupVerdict = answer.Groups[1].Value switch
        {
            "AC" => Verdict.AC,
            "WA" => Verdict.WA,
            "TLE" => Verdict.TLE,
            "RTE" => Verdict.RE,
            _ => (Verdict?)null,
        };
        return groupVerdict is { } known
            ? ((known, groupScore), null)
            : (default, $"the grader {grader.Name} judged group {name} JE (judge error)");
    }

    private string Text(CapturedOutput? output) =>
        StoredText.Decode(SubmissionJudge.Start(output, options.CheckerMessageBytes, out var cut), options.CheckerMessageBytes, cut).Text.Trim();

    /// <summary>The compiled grader stays with the worker's cache; this judging lets go of it.</summary>
    public void Dispose() => compiled.Dispose();

    /// <summary>problemtools' form of a grader's answer: a verdict, blanks, a plain decimal number (no exponent).</summary>
    [GeneratedRegex(@"^(AC|WA|TLE|RTE|JE)\s+(-?[0-9]+(?:\.[0-9]*)?|-?\.[0-9]+)$")]
    private static partial Regex Answer();
}
