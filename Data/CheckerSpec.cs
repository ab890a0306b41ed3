using System.Text.Json.Serialization;

namespace Judge.Data;

/// <summary>How a test's output is compared with the expected one. The names are what the database and the Api use.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckerKind>))]
public enum CheckerKind
{
    [JsonStringEnumMemberName("exact")] Exact,
    [JsonStringEnumMemberName("lines")] Lines,
    [JsonStringEnumMemberName("tokens")] Tokens,
    [JsonStringEnumMemberName("float")] Float,
    [JsonStringEnumMemberName("custom")] Custom,
}

/// <summary>The <c>checker</c> column of problems and submissions: <c>{kind, epsilon?, source?, language?}</c>, as the Api
/// validates it. A submission without one (a problem's, which brings its own, or a plain run) stores null.</summary>
public sealed record CheckerSpec(CheckerKind Kind = CheckerKind.Lines, double? Epsilon = null, string? Source = null, string? Language = null)
{
    /// <summary>A float checker's tolerance when it names none.</summary>
    public const double DefaultEpsilon = 1e-6;

    public static readonly CheckerSpec Default = new();
}
