using Judge.Sandbox.Cgroups;

namespace Judge.Sandbox.Tests.Cgroups;

public sealed class CgroupDetectTests : IDisposable
{
    // A systemd hybrid host: cpu and cpuacct co-mounted, cgroup2 at unified/ with no controllers.
    private const string HybridMountInfo = """
        25 21 0:22 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
        26 25 0:23 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw,nsdelegate
        27 25 0:24 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
        30 25 0:27 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:14 - cgroup cgroup rw,cpu,cpuacct
        31 25 0:28 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
        32 25 0:29 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,pids
        33 25 0:30 / /sys/fs/cgroup/blkio rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,blkio
        34 25 0:31 / /sys/fs/cgroup/freezer rw,nosuid,nodev,noexec,relatime shared:18 - cgroup cgroup rw,freezer
        35 25 0:32 / /sys/fs/cgroup/net_cls,net_prio rw,nosuid,nodev,noexec,relatime shared:19 - cgroup cgroup rw,net_cls,net_prio
        """;

    private readonly string _emptyRoot = Directory.CreateTempSubdirectory("cgroup-detect-").FullName;

    public void Dispose() => Directory.Delete(_emptyRoot, recursive: true);

    [Fact]
    public void Co_mounted_cpu_and_cpuacct_map_to_their_shared_mount_point()
    {
        var hierarchies = CgroupDriver.V1Hierarchies(HybridMountInfo, "/sys/fs/cgroup");

        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", hierarchies["cpu"]);
        Assert.Equal("/sys/fs/cgroup/cpu,cpuacct", hierarchies["cpuacct"]);
        Assert.Equal("/sys/fs/cgroup/memory", hierarchies["memory"]);
        Assert.Equal("/sys/fs/cgroup/freezer", hierarchies["freezer"]);
        Assert.DoesNotContain("net_cls", hierarchies.Keys);
    }

    [Fact]
    public void Controllers_mounted_elsewhere_than_the_mount_root_are_ignored()
    {
        var hierarchies = CgroupDriver.V1Hierarchies(HybridMountInfo, "/somewhere/else");

        Assert.Empty(hierarchies);
    }

    [Fact]
    public void A_v1_host_without_the_pids_controller_is_refused_with_an_error_naming_it()
    {
        string mountInfo = string.Join('\n', HybridMountInfo.Split('\n')
            .Where(line => !line.Contains("/pids "))
            .Select(line => line.Replace("/sys/fs/cgroup", _emptyRoot)));

        var error = Assert.Throws<CgroupException>(() =>
            CgroupDriver.Detect("judge", _emptyRoot, mountInfo, CgroupFileSystem.Kernel));

        Assert.Contains($"cgroup v1 controller 'pids' is not mounted at {_emptyRoot}/pids", error.Message);
        Assert.Empty(Directory.EnumerateFileSystemEntries(_emptyRoot));
    }

    [Fact]
    public void A_failed_write_names_the_file_and_the_errno()
    {
        string missing = Path.Combine(_emptyRoot, "memory.max");

        var error = Assert.Throws<CgroupException>(() => CgroupFileSystem.Kernel.Write(missing, "100"));

        Assert.Contains(missing, error.Message);
        Assert.Contains("ENOENT", error.Message);
        Assert.Equal(2, error.Errno);
    }
}
