using System.Globalization;

namespace Judge.Sandbox.Cli;

/// <summary>The human-readable lines the CLI prints about results.</summary>
internal static class Report
{
    /// <summary>"time-limit: signal 9, cpu 1003 ms, wall 1010 ms, peak memory 1.4 MiB".</summary>
    public static string SummaryLine(SandboxResult result)
    {
        var status = ResultJson.StatusName(result.Status);
        if (result.Status == SandboxStatus.SetupError)
            return $"{status}: {result.Message}";
        var ending = result.Signal is { } signal ? $"signal {signal}" : $"exit {result.ExitCode?.ToString(CultureInfo.InvariantCulture) ?? "?"}";
        var line = $"{status}: {ending}, cpu {result.CpuTimeMs} ms, wall {result.WallTimeMs} ms, peak memory {Bytes(result.PeakMemoryBytes)}";
        return result.Message.Length == 0 ? line : $"{line}; {result.Message}";
    }

    /// <summary>The <c>--repeat</c> table: statuses, then min/median/max per measurement.</summary>
    public static IEnumerable<string> RepeatTable(RepeatSummary summary)
    {
        var statuses = string.Join(", ", summary.Statuses.Select(s => $"{s.Key} {s.Value}"));
        yield return $"{summary.Runs} runs: {statuses}";
        yield return Row("", "min", "median", "max");
        yield return Row("wall ms", summary.WallTimeMs);
        yield return Row("cpu ms", summary.CpuTimeMs);
        yield return Row("peak KiB", summary.PeakMemoryBytes with
        {
            Min = summary.PeakMemoryBytes.Min / 1024,
            Median = summary.PeakMemoryBytes.Median / 1024,
            Max = summary.PeakMemoryBytes.Max / 1024,
        });
    }

    static string Row(string name, Spread spread) =>
        Row(name, spread.Min.ToString(CultureInfo.InvariantCulture), spread.Median.ToString(CultureInfo.InvariantCulture), spread.Max.ToString(CultureInfo.InvariantCulture));

    static string Row(string name, string min, string median, string max) => $"{name,-10}{min,10}{median,10}{max,10}";

    /// <summary>"512 B", "12.0 KiB", "1.4 MiB", "2.0 GiB".</summary>
    public static string Bytes(long bytes) => bytes switch
    {
        < 1L << 10 => $"{bytes} B",
        < 1L << 20 => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1024.0:0.0} KiB"),
        < 1L << 30 => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024):0.0} MiB"),
        _ => string.Create(CultureInfo.InvariantCulture, $"{bytes / (1024.0 * 1024 * 1024):0.0} GiB"),
    };
}
