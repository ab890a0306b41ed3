using Judge.Data;

namespace Judge.Api.Validation;

/// <summary>Limits as a client sends them: each one optional, falling back to the problem's or the defaults.</summary>
public sealed record LimitsRequest(int? CpuTimeMs = null, int? WallTimeMs = null, int? MemoryKb = null, int? Processes = null, int? OutputKb = null);

public static class LimitRules
{
    public static Limits Defaults(LimitOptions options) => new(
        options.DefaultCpuTimeMs,
        options.DefaultWallTimeMs ?? WallFor(options.DefaultCpuTimeMs, options),
        options.DefaultMemoryKb,
        options.DefaultProcesses,
        options.DefaultOutputKb);

    /// <summary>
    /// Applies the requested overrides to <paramref name="baseline"/> after checking each against the
    /// configured maximum. A new CPU time without a wall time brings its own wall time (<see cref="Limits.WallTimeFor"/>),
    /// so raising one does not leave the run killed by the old other.
    /// </summary>
    public static Limits Resolve(LimitsRequest? requested, Limits baseline, LimitOptions options, string field, ValidationErrors errors)
    {
        if (requested is null)
            return baseline;
        Check(requested.CpuTimeMs, options.MaxCpuTimeMs, $"{field}.cpuTimeMs", errors);
        Check(requested.WallTimeMs, options.MaxWallTimeMs, $"{field}.wallTimeMs", errors);
        Check(requested.MemoryKb, options.MaxMemoryKb, $"{field}.memoryKb", errors);
        Check(requested.Processes, options.MaxProcesses, $"{field}.processes", errors);
        Check(requested.OutputKb, options.MaxOutputKb, $"{field}.outputKb", errors);

        var cpu = requested.CpuTimeMs ?? baseline.CpuTimeMs;
        var wall = requested.WallTimeMs ?? (requested.CpuTimeMs is null ? baseline.WallTimeMs : WallFor(cpu, options));
        return new Limits(
            cpu,
            wall,
            requested.MemoryKb ?? baseline.MemoryKb,
            requested.Processes ?? baseline.Processes,
            requested.OutputKb ?? baseline.OutputKb);
    }

    /// <summary>The one wall-time rule, kept within the configured maximum.</summary>
    private static int WallFor(int cpuTimeMs, LimitOptions options) =>
        (int)Math.Min(Limits.WallTimeMsFor(cpuTimeMs), options.MaxWallTimeMs);

    private static void Check(int? value, int max, string field, ValidationErrors errors)
    {
        if (value is { } v && (v < 1 || v > max))
            errors.Add(field, $"Must be between 1 and {max}; was {v}.");
    }
}
