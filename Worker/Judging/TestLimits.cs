using System.Text.Json;
using Judge.Sandbox;

namespace Judge.Worker.Judging;

/// <summary>The <c>limits</c> column of problems and submissions: <c>{cpuTimeMs, wallTimeMs, memoryKb, processes, outputKb}</c>.
/// Every field is optional; a missing one falls back to the next source.</summary>
public sealed record LimitsJson(long? CpuTimeMs = null, long? WallTimeMs = null, long? MemoryKb = null, int? Processes = null, long? OutputKb = null)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    public static LimitsJson? Parse(string? json) =>
        string.IsNullOrWhiteSpace(json) ? null : JsonSerializer.Deserialize<LimitsJson>(json, Json);
}

/// <summary>The limits one test runs under, all fields present.</summary>
public sealed record TestLimits
{
    public long CpuTimeMs { get; init; }
    public long WallTimeMs { get; init; }
    public long MemoryKb { get; init; }
    public int Processes { get; init; }
    public long OutputKb { get; init; }

    /// <summary>The submission's overrides (already checked against the maxima by the API), then the problem's, then the worker's defaults.
    /// A wall time nobody set is derived from the CPU time, so raising only the CPU time is enough.</summary>
    public static TestLimits Resolve(LimitsJson? submission, LimitsJson? problem, TestLimits defaults)
    {
        var cpu = submission?.CpuTimeMs ?? problem?.CpuTimeMs ?? defaults.CpuTimeMs;
        var wall = submission?.WallTimeMs ?? problem?.WallTimeMs ?? Math.Max(defaults.WallTimeMs, 2 * cpu + 1000);
        return new TestLimits
        {
            CpuTimeMs = cpu,
            WallTimeMs = wall,
            MemoryKb = submission?.MemoryKb ?? problem?.MemoryKb ?? defaults.MemoryKb,
            Processes = submission?.Processes ?? problem?.Processes ?? defaults.Processes,
            OutputKb = submission?.OutputKb ?? problem?.OutputKb ?? defaults.OutputKb,
        };
    }

    public long MemoryBytes => MemoryKb * 1024;
    public long OutputBytes => OutputKb * 1024;

    public SandboxLimits ToSandbox(long extraMemoryBytes = 0, int minProcesses = 1) => new()
    {
        CpuTime = TimeSpan.FromMilliseconds(CpuTimeMs),
        WallTime = TimeSpan.FromMilliseconds(WallTimeMs),
        MemoryBytes = MemoryBytes + extraMemoryBytes,
        Processes = Math.Max(Processes, minProcesses),
        OutputBytes = OutputBytes,
        // Deep recursion is normal in judged programs: the stack may use all of the memory limit.
        StackBytes = MemoryBytes,
        OpenFiles = 64,
    };
}
