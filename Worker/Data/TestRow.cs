using Judge.Data;

namespace Judge.Worker.Data;

/// <summary>A test as the worker's queries read it: a submission's own (text) or a problem's (its files' digests and
/// sizes from <c>test_data</c>).</summary>
internal sealed record TestRow(int Index, string? Input, string? ExpectedOutput, int Points, string? Group,
    string? InputSha256, long? InputSize, string? AnswerSha256, long? AnswerSize)
{
    /// <summary>The columns after index and points, for a problem's test <c>t</c>.</summary>
    public const string ProblemColumns = """
        NULL::text AS input, NULL::text AS expectedOutput, t.points, t.test_group AS "group",
        encode(t.input_digest, 'hex') AS inputSha256, (SELECT size FROM test_data WHERE digest = t.input_digest) AS inputSize,
        encode(t.answer_digest, 'hex') AS answerSha256, (SELECT size FROM test_data WHERE digest = t.answer_digest) AS answerSize
        """;

    public TestCase ToTestCase() => InputSha256 is null
        ? new TestCase(Index, Input ?? "", ExpectedOutput, Points, Group)
        : TestCase.Stored(Index, new TestFile(InputSha256, InputSize!.Value), new TestFile(AnswerSha256!, AnswerSize!.Value), Points, Group);
}
