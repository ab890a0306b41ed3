using Judge.Sandbox.Cgroups;
using Judge.Testing;

namespace Judge.Sandbox.Tests.Cli;

public sealed class HostCheckTests : IDisposable
{
    readonly string _fakeHost = Directory.CreateTempSubdirectory("fake-host-").FullName;

    public void Dispose() => Directory.Delete(_fakeHost, recursive: true);

    static HostCheckItem Item(IReadOnlyList<HostCheckItem> items, string name) => Assert.Single(items, i => i.Name == name);

    [Fact]
    public void On_this_host_root_user_namespaces_cgroups_seccomp_and_libseccomp_are_ok()
    {
        var items = HostCheck.Run();
        foreach (var name in new[] { "kernel", "running as root", "user namespaces", "cgroup version", "seccomp", "libseccomp" })
            Assert.True(Item(items, name).Ok, $"{name}: {Item(items, name).Detail}");
        Assert.All(items, i => Assert.False(string.IsNullOrWhiteSpace(i.Detail)));
        Assert.All(items.Where(i => !i.Ok), i => Assert.NotNull(i.Fix));
    }

    [Fact]
    public void On_this_host_the_check_names_the_cgroup_hierarchy_the_sandbox_uses()
    {
        var version = Item(HostCheck.Run(), "cgroup version");

        Assert.StartsWith(TestCgroups.Required == CgroupVersion.V2 ? "v2 at /sys/fs/cgroup" : "v1", version.Detail);
    }

    void FakeFile(string relativePath, string content)
    {
        var path = Path.Combine(_fakeHost, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content + "\n");
    }

    [Fact]
    public void A_v2_host_with_io_not_delegated_reports_how_to_enable_it()
    {
        FakeFile("proc/sys/kernel/osrelease", "6.1.0-18-amd64");
        FakeFile("proc/sys/user/max_user_namespaces", "0");
        FakeFile("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
        FakeFile("proc/self/mounts", "sysfs /sys sysfs rw 0 0\ncgroup2 /sys/fs/cgroup cgroup2 rw,nosuid,nodev,noexec,relatime 0 0");
        FakeFile("sys/fs/cgroup/cgroup.controllers", "cpuset cpu io memory hugetlb pids rdma misc");
        FakeFile("sys/fs/cgroup/cgroup.subtree_control", "cpu memory pids");

        var items = HostCheck.Run(new HostFiles(_fakeHost));

        Assert.Equal("v2 at /sys/fs/cgroup", Item(items, "cgroup version").Detail);
        Assert.True(Item(items, "cgroup v2 memory controller").Ok);
        Assert.True(Item(items, "cgroup v2 pids controller").Ok);
        var io = Item(items, "cgroup v2 io controller");
        Assert.False(io.Ok);
        Assert.False(io.Required);
        Assert.Equal("echo +io > /sys/fs/cgroup/cgroup.subtree_control", io.Fix);
        var userns = Item(items, "user namespaces");
        Assert.False(userns.Ok);
        Assert.Equal("sysctl -w user.max_user_namespaces=15000", userns.Fix);
        Assert.False(Item(items, "AppArmor user namespace restriction").Ok);
        Assert.False(Item(items, "seccomp").Ok);
        Assert.True(Item(items, "close_range").Ok); // 6.1 ≥ 5.9
        Assert.DoesNotContain(items, i => i.Name.StartsWith("cgroup v1", StringComparison.Ordinal));
    }

    [Fact]
    public void A_hybrid_host_is_reported_as_v1_with_each_controller_mount()
    {
        FakeFile("proc/sys/kernel/osrelease", "4.19.0");
        FakeFile("proc/self/mounts", string.Join('\n',
            "cgroup2 /sys/fs/cgroup/unified cgroup2 rw 0 0",
            "cgroup /sys/fs/cgroup/cpu,cpuacct cgroup rw,cpu,cpuacct 0 0",
            "cgroup /sys/fs/cgroup/memory cgroup rw,memory 0 0",
            "cgroup /sys/fs/cgroup/pids cgroup rw,pids 0 0"));

        var items = HostCheck.Run(new HostFiles(_fakeHost));

        Assert.Equal("v1 (hybrid: cgroup2 at /sys/fs/cgroup/unified is not used)", Item(items, "cgroup version").Detail);
        Assert.Equal("at /sys/fs/cgroup/cpu,cpuacct (CPU time of the process tree)", Item(items, "cgroup v1 cpuacct controller").Detail);
        var freezer = Item(items, "cgroup v1 freezer controller");
        Assert.False(freezer.Ok);
        Assert.True(freezer.Required);
        Assert.False(Item(items, "cgroup v1 swap accounting").Ok);
        Assert.False(Item(items, "pidfd_open").Ok); // 4.19 < 5.3
    }
}
