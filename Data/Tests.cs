namespace Judge.Data;

/// <summary>A row of <c>problem_tests</c> or <c>submission_tests</c>. A null expected output (a submission's only) makes a
/// plain run: accepted on a clean exit. Group: the test group a Kattis package put it in (<c>sample</c>,
/// <c>secret/group1</c>, ...); null for tests without groups.</summary>
public sealed record TestCase(int Index, string Input, string? ExpectedOutput, int Points, string? Group = null);

/// <summary>A row of <c>test_results</c>: what the Worker writes, and the Api shows with the outputs cut to a preview (with
/// the group of the problem's test it ran, read from <c>problem_tests</c>). A grader's result (<see cref="GraderSpec"/>) also has
/// its name and its score out of its maximum, as the grader wrote them; tests have neither.</summary>
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
    string? Message,
    string? Group = null,
    string? Name = null,
    double? Score = null,
    double? MaxScore = null);
