using System.Text;
using Judge.Data;

namespace Judge.Api.Submissions;

public sealed record SubmissionAccepted(Guid Id, SubmissionStatus Status);

public sealed record SubmissionView(
    Guid Id,
    string Language,
    Guid? ProblemId,
    SubmissionStatus Status,
    Verdict? Verdict,
    double? Score,
    string? CompileOutput,
    string? Message,
    Limits Limits,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    IReadOnlyList<TestResult> Tests,
    IReadOnlyList<GroupResult>? Groups = null);

public sealed record SubmissionSummary(
    Guid Id,
    string Language,
    Guid? ProblemId,
    SubmissionStatus Status,
    Verdict? Verdict,
    double? Score,
    DateTime CreatedAt,
    DateTime? FinishedAt);

public static class OutputPreview
{
    /// <summary>Cuts <paramref name="text"/> to at most <paramref name="maxBytes"/> UTF-8 bytes, never inside a character.</summary>
    public static (string Text, bool Cut) Cut(string text, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(text) <= maxBytes)
            return (text, false);
        var bytes = Encoding.UTF8.GetBytes(text);
        var end = maxBytes;
        while (end > 0 && (bytes[end] & 0xC0) == 0x80) // back off continuation bytes to a character start
            end--;
        return (Encoding.UTF8.GetString(bytes, 0, end), true);
    }
}
