using System.Text.Json.Serialization;

namespace Judge.Sandbox;

[JsonConverter(typeof(JsonStringEnumConverter<SandboxStatus>))]
public enum SandboxStatus
{
    [JsonStringEnumMemberName("ok")] Ok,
    [JsonStringEnumMemberName("runtime-error")] RuntimeError,
    [JsonStringEnumMemberName("signaled")] Signaled,
    [JsonStringEnumMemberName("time-limit")] TimeLimit,
    [JsonStringEnumMemberName("wall-time-limit")] WallTimeLimit,
    [JsonStringEnumMemberName("memory-limit")] MemoryLimit,
    [JsonStringEnumMemberName("output-limit")] OutputLimit,
    [JsonStringEnumMemberName("setup-error")] SetupError,
}

/// <summary>What happened in one run. A limit being hit is a normal result, not an exception. Dispose it when the run
/// captured its output (<see cref="SandboxSpec.CaptureOutput"/>).</summary>
public sealed record SandboxResult(
    SandboxStatus Status,
    int? ExitCode,
    int? Signal,
    long CpuTimeMs,
    long WallTimeMs,
    long PeakMemoryBytes,
    string Message) : IDisposable
{
    /// <summary>The run's stdout when it was captured (also after a limit); null otherwise and after a setup error.</summary>
    public CapturedOutput? Stdout { get; init; }

    /// <summary>The run's stderr when it was captured apart; null otherwise (also when it went into stdout) and after a setup error.</summary>
    public CapturedOutput? Stderr { get; init; }

    /// <summary>When the run's program was seen to end (or was killed), as <see cref="System.Diagnostics.Stopwatch.GetTimestamp"/>:
    /// which of two runs that go on together ended first (an interactive problem's program and validator). A run that
    /// never started has 0: it ended before anything else.</summary>
    public long EndTimestamp { get; init; }

    public static SandboxResult SetupError(string message) => new(SandboxStatus.SetupError, null, null, 0, 0, 0, message);

    public void Dispose()
    {
        Stdout?.Dispose();
        Stderr?.Dispose();
    }
}
