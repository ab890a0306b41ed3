using Judge.Data;

namespace Judge.Worker.Checking;

/// <summary>A checker's opinion of one output. The message is for people: it says where the output went wrong.</summary>
public sealed record CheckResult(Verdict Verdict, string? Message = null)
{
    public static readonly CheckResult Accepted = new(Verdict.AC);
    public static CheckResult Wrong(string message) => new(Verdict.WA, message);
}
