using Judge.Worker.Checking;

namespace Judge.Worker.Judging;

/// <summary>A claimed submission with everything needed to judge it.</summary>
public sealed record SubmissionToJudge(
    Guid Id,
    string LanguageId,
    string Source,
    TestLimits Limits,
    CheckerSpec Checker,
    IReadOnlyList<TestCase> Tests);

/// <summary>A null expected output makes a plain run: accepted on a clean exit.</summary>
public sealed record TestCase(int Index, string Input, string? ExpectedOutput, int Points);

public sealed record TestResult(
    int Index,
    Verdict Verdict,
    long CpuTimeMs,
    long WallTimeMs,
    long MemoryKb,
    int? ExitCode,
    int? Signal,
    string Stdout,
    bool StdoutTruncated,
    string Stderr,
    bool StderrTruncated,
    string? Message);

/// <summary>The final word on a submission, written in one transaction.</summary>
public sealed record JudgeOutcome(Verdict Verdict, int Score, string? CompileOutput, string? Message, IReadOnlyList<TestResult> Tests)
{
    public static JudgeOutcome InternalError(string message, string? compileOutput = null) =>
        new(Verdict.IE, 0, compileOutput, message, []);
}
