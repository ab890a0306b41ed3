using Judge.Data;

namespace Judge.Worker.Judging;

/// <summary>A claimed submission with everything needed to judge it.</summary>
public sealed record SubmissionToJudge(
    Guid Id,
    string LanguageId,
    string Source,
    TestLimits Limits,
    CheckerSpec Checker,
    IReadOnlyList<TestCase> Tests,
    RunOptions? Options = null,
    KattisValidator? Validator = null);

/// <summary>The final word on a submission, written in one transaction.</summary>
/// <param name="Output">The whole output of the run, for a submission whose <see cref="RunOptions.KeepOutput"/> asks for it.</param>
public sealed record JudgeOutcome(Verdict Verdict, int Score, string? CompileOutput, string? Message, IReadOnlyList<TestResult> Tests,
    RunOutput? Output = null)
{
    public static JudgeOutcome InternalError(string message, string? compileOutput = null) =>
        new(Verdict.IE, 0, compileOutput, message, []);
}

/// <summary>What a run wrote, as bytes, up to its output limit (stderr is empty when it went into stdout).</summary>
public sealed record RunOutput(byte[] Stdout, byte[] Stderr);
