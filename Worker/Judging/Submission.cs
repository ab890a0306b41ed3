using Judge.Data;

namespace Judge.Worker.Judging;

/// <summary>A claimed submission with everything needed to judge it.</summary>
/// <param name="Source">The one file; "" when the submission is <paramref name="Files"/>.</param>
/// <param name="Files">The files of a submission of several; null for one <paramref name="Source"/>.</param>
/// <param name="Entry">The file to run among <paramref name="Files"/>, when the client named one.</param>
/// <param name="Grader">A grader problem's grader; its results replace <paramref name="Tests"/>.</param>
public sealed record SubmissionToJudge(
    Guid Id,
    string LanguageId,
    string Source,
    TestLimits Limits,
    CheckerSpec Checker,
    IReadOnlyList<TestCase> Tests,
    RunOptions? Options = null,
    IReadOnlyList<SubmissionFile>? Files = null,
    string? Entry = null,
    GraderToRun? Grader = null,
    ProblemGrading? Grading = null,
    KattisValidator? Validator = null);

/// <summary>A grader problem's grader with its files.</summary>
public sealed record GraderToRun(GraderSpec Spec, IReadOnlyList<SubmissionFile> Files);

/// <summary>The final word on a submission, written in one transaction.</summary>
/// <param name="Output">The whole output of the run, for a submission whose <see cref="RunOptions.KeepOutput"/> asks for it.</param>
/// <param name="Groups">Each test group's grade, for a problem graded by groups (<see cref="GradingRun"/>).</param>
public sealed record JudgeOutcome(Verdict Verdict, double Score, string? CompileOutput, string? Message, IReadOnlyList<TestResult> Tests,
    RunOutput? Output = null, IReadOnlyList<GroupResult>? Groups = null)
{
    public static JudgeOutcome InternalError(string message, string? compileOutput = null) =>
        new(Verdict.IE, 0, compileOutput, message, []);
}

/// <summary>What a run wrote, as bytes, up to its output limit (stderr is empty when it went into stdout).</summary>
public sealed record RunOutput(byte[] Stdout, byte[] Stderr);
