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
    /// the CPU time plus a second. A program that waits on I/O or on a busy machine now and then still gets all of
    /// its CPU time, a short CPU limit leaves room for a runtime to start, and a program that only sleeps is stopped
    /// soon after its CPU limit. The Worker and the CLI had this rule already; the Api's 3 x CPU gave a long CPU
    /// limit more waiting than it needs (20 s of CPU, a minute of wall time) and a short one less start-up room.
    /// </summary>
    public static TimeSpan WallTimeFor(TimeSpan cpuTime) => 2 * cpuTime + TimeSpan.FromSeconds(1);

    /// <summary><see cref="WallTimeFor(TimeSpan)"/> in the milliseconds the limits are stored in.</summary>
    public static long WallTimeMsFor(long cpuTimeMs) => (long)WallTimeFor(TimeSpan.FromMilliseconds(cpuTimeMs)).TotalMilliseconds;
}
