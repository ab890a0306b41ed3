using System.Text.Json;
using System.Text.Json.Serialization;

namespace Judge.Sandbox.Cli;

/// <summary>What <c>--result FILE</c> holds: one run's result, and with <c>--repeat</c> a summary of all runs.</summary>
internal sealed record ResultDocument(
    SandboxStatus Status,
    int? ExitCode,
    int? Signal,
    long CpuTimeMs,
    long WallTimeMs,
    long PeakMemoryBytes,
    string Message,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] RepeatSummary? Repeat = null)
{
    public static ResultDocument From(SandboxResult result, RepeatSummary? repeat = null) =>
        new(result.Status, result.ExitCode, result.Signal, result.CpuTimeMs, result.WallTimeMs, result.PeakMemoryBytes, result.Message, repeat);
}

/// <param name="Statuses">How many runs ended with each status, keyed by its JSON name ("ok", "time-limit").</param>
internal sealed record RepeatSummary(int Runs, Spread WallTimeMs, Spread CpuTimeMs, Spread PeakMemoryBytes, IReadOnlyDictionary<string, int> Statuses)
{
    public static RepeatSummary Of(IReadOnlyList<SandboxResult> results) => new(
        results.Count,
        Spread.Of(results.Select(r => r.WallTimeMs)),
        Spread.Of(results.Select(r => r.CpuTimeMs)),
        Spread.Of(results.Select(r => r.PeakMemoryBytes)),
        results.GroupBy(r => r.Status).OrderBy(g => g.Key).ToDictionary(g => ResultJson.StatusName(g.Key), g => g.Count()));
}

internal sealed record Spread(long Min, long Median, long Max)
{
    /// <summary>For an even count the median is the mean of the two middle values, rounded down.</summary>
    public static Spread Of(IEnumerable<long> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
            throw new ArgumentException("no values", nameof(values));
        var middle = sorted.Length / 2;
        var median = sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
        return new(sorted[0], median, sorted[^1]);
    }
}

/// <summary>Source-generated so the CLI can be trimmed; SandboxStatus brings its own string names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, WriteIndented = true)]
[JsonSerializable(typeof(ResultDocument))]
[JsonSerializable(typeof(SandboxStatus))]
internal sealed partial class ResultJsonContext : JsonSerializerContext;

internal static class ResultJson
{
    public static string Serialize(ResultDocument document) => JsonSerializer.Serialize(document, ResultJsonContext.Default.ResultDocument);

    /// <summary>"time-limit" for <see cref="SandboxStatus.TimeLimit"/>: the same name the JSON uses.</summary>
    public static string StatusName(SandboxStatus status) =>
        JsonSerializer.Serialize(status, ResultJsonContext.Default.SandboxStatus).Trim('"');
}
