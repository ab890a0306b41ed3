namespace Judge.Data;

/// <summary>
/// The <c>limits</c> column of problems and submissions: the limits a test runs under, every value present. The Api
/// resolves them (the client's overrides, then the problem's limits or the configured defaults) before it stores them.
/// </summary>
public sealed record Limits(int CpuTimeMs, int WallTimeMs, int MemoryKb, int Processes, int OutputKb)
{
    /// <summary>
    /// The wall-clock limit of a run whose wall time nobody set, wherever that happens (the Api's defaults and a
    /// client's CPU time without a wall time, the Worker's configured limits, the CLI's <c>--time</c> alone): twice
    /// the CPU time plus a second. Twice: a program that waits on I/O or on a busy machine now and then still gets
    /// all of its CPU time. Plus a second: a short CPU limit still leaves a runtime room to start. No more than that:
    /// a program that only sleeps holds its sandbox slot not much longer than its CPU limit.
    /// </summary>
    public static TimeSpan WallTimeFor(TimeSpan cpuTime) => 2 * cpuTime + TimeSpan.FromSeconds(1);

    /// <summary><see cref="WallTimeFor(TimeSpan)"/> in the milliseconds the limits are stored in.</summary>
    public static long WallTimeMsFor(long cpuTimeMs) => (long)WallTimeFor(TimeSpan.FromMilliseconds(cpuTimeMs)).TotalMilliseconds;
}
