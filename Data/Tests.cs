namespace Judge.Data;

/// <summary>A row of <c>problem_tests</c> or <c>submission_tests</c>. A submission's own tests are text, given in its JSON:
/// <see cref="Input"/> and <see cref="ExpectedOutput"/>, where a null expected output makes a plain run (accepted on a clean
/// exit). A problem's tests are files of any bytes stored once by their digest (<c>test_data</c>, migration 010):
/// <see cref="InputFile"/> and <see cref="AnswerFile"/>, and then the text fields are empty. Group: the test group a Kattis
/// package put it in (<c>sample</c>, <c>secret/group1</c>, ...); null for tests without groups.</summary>
public sealed record TestCase(int Index, string Input, string? ExpectedOutput, int Points, string? Group = null)
{
    public TestFile? InputFile { get; init; }
    public TestFile? AnswerFile { get; init; }

    /// <summary>A problem's test, its files stored.</summary>
    public static TestCase Stored(int index, TestFile input, TestFile answer, int points, string? group = null) =>
        new(index, "", null, points, group) { InputFile = input, AnswerFile = answer };

    /// <summary>Whether the run is checked against an answer (or is a plain run).</summary>
    public bool HasAnswer => AnswerFile is not null || ExpectedOutput is not null;
}

/// <summary>A test file as <c>test_data</c> stores it: named by the SHA-256 of its bytes (64 lowercase hex digits).</summary>
public sealed record TestFile(string Sha256, long Size)
{
    public const int DigestHexLength = 64;
}

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
