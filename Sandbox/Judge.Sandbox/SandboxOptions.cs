namespace Judge.Sandbox;

/// <summary>Host-side settings of a <see cref="SandboxRunner"/>, shared by all its runs.</summary>
public sealed record SandboxOptions
{
    /// <summary>Root-owned directory for run state: the staging root, uid slot locks, devices, and the volumes of each
    /// runner (a tmpfs, under <c>volumes/</c>).</summary>
    public string StateDirectory { get; init; } = "/run/judge-sandbox";

    /// <summary>Where minimal root images are cached, keyed by content.</summary>
    public string ImageCacheDirectory { get; init; } = "/var/cache/judge-sandbox/images";

    /// <summary>Parent cgroup (relative to the hierarchy root) under which each run gets its own child.</summary>
    public string CgroupParent { get; init; } = "judge";

    /// <summary>First host uid/gid handed to sandboxes. Each concurrent run takes two ids: root and user inside.</summary>
    public uint HostIdRangeStart { get; init; } = 200_000;

    /// <summary>How many runs may hold distinct host ids at once, across all processes on the host.</summary>
    public int HostIdSlots { get; init; } = 256;

    /// <summary>The uid and gid the program runs as inside the sandbox (unless the spec asks for root).</summary>
    public uint SandboxUid { get; init; } = 1000;

    /// <summary>How many runs <see cref="SandboxRunner.RunAsync"/> starts at once, each on a thread of the runner's own;
    /// more wait their turn.</summary>
    public int ConcurrentRuns { get; init; } = Environment.ProcessorCount;
}
