using System.Text.Json;
using System.Text.Json.Serialization;

namespace Judge.Worker.Checking;

[JsonConverter(typeof(JsonStringEnumConverter<CheckerKind>))]
public enum CheckerKind
{
    [JsonStringEnumMemberName("lines")] Lines,
    [JsonStringEnumMemberName("exact")] Exact,
    [JsonStringEnumMemberName("tokens")] Tokens,
    [JsonStringEnumMemberName("float")] Float,
    [JsonStringEnumMemberName("custom")] Custom,
}

/// <summary>The <c>checker</c> column: <c>{kind, epsilon?, source?, language?}</c>.</summary>
public sealed record CheckerSpec(CheckerKind Kind = CheckerKind.Lines, double? Epsilon = null, string? Source = null, string? Language = null)
{
    public const double DefaultEpsilon = 1e-6;

    public static readonly CheckerSpec Default = new();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Null or empty JSON means the default checker.</summary>
    public static CheckerSpec Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? Default : JsonSerializer.Deserialize<CheckerSpec>(json, Json) ?? Default;
}

/// <summary>A checker's opinion of one output. The message is for people: it says where the output went wrong.</summary>
public sealed record CheckResult(Judging.Verdict Verdict, string? Message = null)
{
    public static readonly CheckResult Accepted = new(Judging.Verdict.AC);
    public static CheckResult Wrong(string message) => new(Judging.Verdict.WA, message);
}
