using Judge.Data;
using Judge.Sandbox;

namespace Judge.Worker.Judging;

/// <summary>The limits one run is given: a test's (from the database) or one of the worker's own (compile, checker,
/// and the fallback for a submission stored without limits).</summary>
public sealed record TestLimits
{
    private readonly long? wallTimeMs;

    public long CpuTimeMs { get; init; }

    /// <summary>When not set (the worker's configured limits may leave it out), the one wall-time rule applied to
    /// <see cref="CpuTimeMs"/> (<see cref="Limits.WallTimeFor"/>), so configuring only a CPU time is enough.</summary>
    public long WallTimeMs
    {
        get => wallTimeMs ?? Limits.WallTimeMsFor(CpuTimeMs);
        init => wallTimeMs = value;
    }

    public long MemoryKb { get; init; }
    public int Processes { get; init; }
    public long OutputKb { get; init; }

    /// <summary>The submission's stored limits, else its problem's, else the worker's defaults. Stored limits are complete
    /// (the Api resolves the client's overrides, the problem's limits and its defaults before it stores them), so they
    /// are taken whole.</summary>
    public static TestLimits Resolve(Limits? submission, Limits? problem, TestLimits defaults) =>
        (submission ?? problem) is { } stored ? From(stored) : defaults;

    public static TestLimits From(Limits limits) => new()
    {
        CpuTimeMs = limits.CpuTimeMs,
        WallTimeMs = limits.WallTimeMs,
        MemoryKb = limits.MemoryKb,
        Processes = limits.Processes,
        OutputKb = limits.OutputKb,
    };

    public long MemoryBytes => MemoryKb * 1024;
    public long OutputBytes => OutputKb * 1024;

    public SandboxLimits ToSandbox(long extraMemoryBytes = 0, int minProcesses = 1, int openFiles = DefaultOpenFiles, long minFileSizeBytes = 0) => new()
    {
        CpuTime = TimeSpan.FromMilliseconds(CpuTimeMs),
        WallTime = TimeSpan.FromMilliseconds(WallTimeMs),
        MemoryBytes = MemoryBytes + extraMemoryBytes,
        Processes = Math.Max(Processes, minProcesses),
        OutputBytes = OutputBytes,
        FileSizeBytes = minFileSizeBytes > OutputBytes ? minFileSizeBytes : null,
        // Deep recursion is normal in judged programs: the stack may use all of the memory limit.
        StackBytes = MemoryBytes,
        OpenFiles = openFiles,
    };

    /// <summary>Open files per process, unless the language needs more (<see cref="Languages.Language.RunOpenFiles"/>).</summary>
    public const int DefaultOpenFiles = 64;
}
