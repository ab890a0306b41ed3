using Judge.Data;

namespace Judge.Worker.Judging;

/// <summary>A claimed submission with everything needed to judge it.</summary>
public sealed record SubmissionToJudge(
    Guid Id,
    string LanguageId,
    string Source,
    TestLimits Limits,
    CheckerSpec Checker,
    IReadOnlyList<TestCase> Tests);

/// <summary>The final word on a submission, written in one transaction.</summary>
public sealed record JudgeOutcome(Verdict Verdict, int Score, string? CompileOutput, string? Message, IReadOnlyList<TestResult> Tests)
{
    public static JudgeOutcome InternalError(string message, string? compileOutput = null) =>
        new(Verdict.IE, 0, compileOutput, message, []);
}
