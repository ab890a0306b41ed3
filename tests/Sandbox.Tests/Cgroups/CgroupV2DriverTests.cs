using Judge.Sandbox.Cgroups;

namespace Judge.Sandbox.Tests.Cgroups;

/// <summary>The v2 driver against <see cref="FakeCgroupV2"/>, a temp directory shaped like a cgroup2 mount.</summary>
public sealed class CgroupV2DriverTests : IDisposable
{
    private static readonly CgroupLimits NoLimits = new(null, null, null, null);

    private readonly FakeCgroupV2 _fake = new();

    public void Dispose() => _fake.Dispose();

    private CgroupV2Driver Detect(FakeCgroupV2? fake = null)
    {
        fake ??= _fake;
        var driver = CgroupDriver.Detect("judge", fake.Root, mountInfo: "", fake);
        return Assert.IsType<CgroupV2Driver>(driver);
    }

    private static string RunDir(IRunCgroup run) => Path.GetDirectoryName(Assert.Single(run.ProcsFiles))!;

    [Fact]
    public void Detect_enables_memory_cpu_pids_and_io_for_the_parent_and_its_runs()
    {
        var driver = Detect();

        Assert.Equal(CgroupVersion.V2, driver.Version);
        Assert.Equal("cpu io memory pids\n", _fake.Get(_fake.Root, "cgroup.subtree_control"));
        string parent = Path.Combine(_fake.Root, "judge");
        Assert.Equal("cpu io memory pids\n", _fake.Get(parent, "cgroup.subtree_control"));
        using var run = driver.CreateRun("run-1", NoLimits);
        Assert.Equal("cpu io memory pids\n", _fake.Get(RunDir(run), "cgroup.controllers"));
    }

    [Fact]
    public void Detect_leaves_subtree_control_alone_when_the_controllers_are_already_enabled()
    {
        Detect();
        _fake.Writes.Clear();

        Detect();

        Assert.DoesNotContain(_fake.Writes, w => w.Contains("subtree_control"));
    }

    [Fact]
    public void Limits_are_written_in_the_v2_files_and_formats()
    {
        var driver = Detect();
        var limits = new CgroupLimits(
            MemoryBytes: 256L * 1024 * 1024,
            Processes: 16,
            CpuCores: 1.5,
            Io: new BlockDeviceThrottle(8, 0, ReadBytesPerSecond: 1_048_576, WriteBytesPerSecond: null));

        using var run = driver.CreateRun("run-1", limits);

        string dir = RunDir(run);
        Assert.Equal(Path.Combine(_fake.Root, "judge", "run-1"), dir);
        Assert.Equal("268435456", _fake.Get(dir, "memory.max"));
        Assert.Equal("0", _fake.Get(dir, "memory.swap.max"));
        Assert.Equal("16", _fake.Get(dir, "pids.max"));
        Assert.Equal("150000 100000", _fake.Get(dir, "cpu.max"));
        Assert.Equal("8:0 rbps=1048576 wbps=max", _fake.Get(dir, "io.max"));
    }

    [Fact]
    public void Limits_left_null_keep_the_kernel_defaults_but_swap_is_always_off()
    {
        using var run = Detect().CreateRun("run-1", NoLimits);

        string dir = RunDir(run);
        Assert.Equal("max\n", _fake.Get(dir, "memory.max"));
        Assert.Equal("max\n", _fake.Get(dir, "pids.max"));
        Assert.Equal("max 100000\n", _fake.Get(dir, "cpu.max"));
        Assert.Equal("0", _fake.Get(dir, "memory.swap.max"));
    }

    [Fact]
    public void Cpu_time_is_read_from_usage_usec_in_cpu_stat()
    {
        using var run = Detect().CreateRun("run-1", NoLimits);
        _fake.Put(RunDir(run), "cpu.stat",
            "usage_usec 1234\nuser_usec 1000\nsystem_usec 234\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n");

        Assert.Equal(TimeSpan.FromMicroseconds(1234), run.CpuUsage());
    }

    [Fact]
    public void Peak_memory_is_read_from_memory_peak()
    {
        using var run = Detect().CreateRun("run-1", NoLimits);
        _fake.Put(RunDir(run), "memory.peak", "52428800\n");
        _fake.Put(RunDir(run), "memory.current", "4096\n");

        Assert.Equal(52_428_800, run.PeakMemoryBytes());
    }

    [Fact]
    public void Without_memory_peak_the_highest_sampled_memory_current_is_the_peak()
    {
        using var oldKernel = new FakeCgroupV2(hasMemoryPeak: false);
        using var run = Detect(oldKernel).CreateRun("run-1", NoLimits);
        string dir = RunDir(run);

        oldKernel.Put(dir, "memory.current", "8192\n");
        Assert.Equal(8192, run.PeakMemoryBytes());
        oldKernel.Put(dir, "memory.current", "4096\n");
        Assert.Equal(8192, run.PeakMemoryBytes());
    }

    [Fact]
    public void Oom_kill_in_memory_events_means_the_run_was_oom_killed()
    {
        using var run = Detect().CreateRun("run-1", NoLimits);
        _fake.Put(RunDir(run), "memory.events", "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\noom_group_kill 0\n");

        Assert.True(run.OomKilled());
    }

    [Fact]
    public void Hitting_the_limit_without_an_oom_kill_is_not_an_oom_kill()
    {
        using var run = Detect().CreateRun("run-1", NoLimits);
        _fake.Put(RunDir(run), "memory.events", "low 0\nhigh 0\nmax 3\noom 0\noom_kill 0\noom_group_kill 0\n");

        Assert.False(run.OomKilled());
    }

    [Fact]
    public void A_host_without_the_pids_controller_is_refused_with_an_error_naming_it()
    {
        using var noPids = new FakeCgroupV2(rootControllers: "cpuset cpu io memory hugetlb rdma misc");

        var error = Assert.Throws<CgroupException>(() => Detect(noPids));

        Assert.Contains("controller 'pids'", error.Message);
        Assert.Contains("cgroup.controllers", error.Message);
    }

    [Fact]
    public void A_cpu_limit_on_a_host_without_the_cpu_controller_fails_naming_it()
    {
        using var noCpu = new FakeCgroupV2(rootControllers: "io memory pids");
        var driver = Detect(noCpu);

        var error = Assert.Throws<CgroupException>(() => driver.CreateRun("run-1", NoLimits with { CpuCores = 1 }));

        Assert.Contains("controller 'cpu'", error.Message);
        Assert.False(Directory.Exists(Path.Combine(noCpu.Root, "judge", "run-1")));
        using var withoutCpuLimit = driver.CreateRun("run-2", NoLimits with { MemoryBytes = 1 << 20 });
    }

    [Fact]
    public void KillAll_writes_cgroup_kill_and_returns_once_the_cgroup_is_empty()
    {
        using var run = Detect().CreateRun("run-1", NoLimits);
        _fake.AddProcess(RunDir(run), 4_000_000);

        run.KillAll();

        Assert.Contains("judge/run-1/cgroup.kill 1", _fake.Writes);
        Assert.Equal("", _fake.Get(RunDir(run), "cgroup.procs"));
    }

    [Fact]
    public void KillAll_gives_up_with_an_error_naming_the_file_when_the_cgroup_stays_populated()
    {
        var driver = new CgroupV2Driver(_fake.Root, "judge", _fake) { Timeout = TimeSpan.FromMilliseconds(50) };
        using var run = driver.CreateRun("run-1", NoLimits);
        _fake.AddProcess(RunDir(run), 4_000_000);
        _fake.KillEmptiesCgroup = false;

        var error = Assert.Throws<CgroupException>(run.KillAll);

        Assert.Contains("judge/run-1/cgroup.events still said populated", error.Message);
        _fake.KillEmptiesCgroup = true;
    }

    [Fact]
    public void Dispose_removes_the_run_cgroup()
    {
        var run = Detect().CreateRun("run-1", NoLimits);
        string dir = RunDir(run);

        run.Dispose();

        Assert.False(Directory.Exists(dir));
    }

    [Fact]
    public void Stale_runs_are_killed_and_removed_and_the_parent_kept()
    {
        var driver = Detect();
        string parent = Path.Combine(_fake.Root, "judge");
        _fake.CreateDirectory(Path.Combine(parent, "crashed-1"));
        _fake.CreateDirectory(Path.Combine(parent, "crashed-2"));
        _fake.AddProcess(Path.Combine(parent, "crashed-1"), 4_000_001);

        driver.RemoveStaleRuns(_ => true);

        Assert.Contains("judge/crashed-1/cgroup.kill 1", _fake.Writes);
        Assert.Empty(Directory.EnumerateDirectories(parent));
        Assert.True(Directory.Exists(parent));
    }

    [Fact]
    public void A_run_whose_name_is_taken_fails_and_leaves_the_other_run_alone()
    {
        var driver = Detect();
        using var first = driver.CreateRun("run-1", NoLimits);
        _fake.AddProcess(RunDir(first), 4_000_002);
        _fake.Writes.Clear();

        var error = Assert.Throws<CgroupException>(() => driver.CreateRun("run-1", NoLimits));

        Assert.Contains("EEXIST", error.Message);
        Assert.Empty(_fake.Writes);
        Assert.Equal("4000002\n", _fake.Get(RunDir(first), "cgroup.procs"));
    }

    [Fact]
    public void A_run_name_that_is_not_a_plain_directory_name_is_rejected()
    {
        var driver = Detect();

        Assert.Throws<ArgumentException>(() => driver.CreateRun("../escape", NoLimits));
        Assert.Throws<ArgumentException>(() => driver.CreateRun("a/b", NoLimits));
    }
}
