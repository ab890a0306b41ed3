namespace Judge.Sandbox.Cgroups;

public enum CgroupVersion { V1, V2 }

/// <summary>Limits written into a run's cgroup before the program starts. Null: no limit.</summary>
public sealed record CgroupLimits(
    long? MemoryBytes,
    int? Processes,
    double? CpuCores,
    BlockDeviceThrottle? Io);

/// <summary>Bytes per second on one whole block device (major:minor), for reads and writes.</summary>
public sealed record BlockDeviceThrottle(uint Major, uint Minor, long? ReadBytesPerSecond, long? WriteBytesPerSecond);

/// <summary>
/// One cgroup hierarchy layout (v1 or v2). The driver owns one parent cgroup and creates a child
/// per run. Chosen at start-up by <see cref="CgroupDriver.Detect"/>.
/// </summary>
public interface ICgroupDriver
{
    CgroupVersion Version { get; }

    /// <summary>Creates a fresh cgroup for one run, with its limits written.</summary>
    IRunCgroup CreateRun(string name, CgroupLimits limits);

    /// <summary>Kills and removes the run cgroups under the parent whose names <paramref name="isStale"/> accepts
    /// (left behind by a crashed process; other live processes may share the parent).</summary>
    void RemoveStaleRuns(Func<string, bool> isStale);
}

/// <summary>One run's cgroup (on v1: one directory per controller). Dispose kills whatever is left and removes it.</summary>
public interface IRunCgroup : IDisposable
{
    /// <summary>The <c>cgroup.procs</c> files the child's pid must be written to, one per hierarchy.</summary>
    IReadOnlyList<string> ProcsFiles { get; }

    /// <summary>CPU time of every process that ever ran in the cgroup (user + system).</summary>
    TimeSpan CpuUsage();

    /// <summary>Highest memory use seen, in bytes.</summary>
    long PeakMemoryBytes();

    /// <summary>True when the kernel's OOM killer fired in this cgroup.</summary>
    bool OomKilled();

    /// <summary>Kills every process in the cgroup and returns once it is empty.</summary>
    void KillAll();
}
