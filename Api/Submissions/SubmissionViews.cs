using System.Text;
using Judge.Api.Validation;

namespace Judge.Api.Submissions;

public sealed record SubmissionAccepted(Guid Id, string Status);

public sealed record SubmissionView(
    Guid Id,
    string Language,
    Guid? ProblemId,
    string Status,
    string? Verdict,
    int? Score,
    string? CompileOutput,
    string? Message,
    Limits Limits,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    IReadOnlyList<TestResultView> Tests);

public sealed record TestResultView(
    int Index,
    string Verdict,
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

public sealed record SubmissionSummary(
    Guid Id,
    string Language,
    Guid? ProblemId,
    string Status,
    string? Verdict,
    int? Score,
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
