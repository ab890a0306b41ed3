using System.Diagnostics;
using Judge.Sandbox.Cgroups;
using Judge.Testing;

namespace Judge.Sandbox.Tests.Cgroups;

/// <summary>
/// The driver <see cref="CgroupDriver.Detect"/> picks for this host, against the real kernel: v1 on
/// a v1 or hybrid host, v2 on a pure cgroup2 host. Each test class instance owns its own parent
/// cgroup and removes it afterwards.
/// </summary>
public sealed class HostCgroupDriverTests : IDisposable
{
    private const long MiB = 1024 * 1024;
    private static readonly CgroupLimits NoLimits = new(null, null, null, null);

    private readonly string _parentName = TestCgroups.Parent($"judge-test-{Guid.NewGuid():N}");
    private readonly ICgroupDriver _driver;
    private readonly List<Process> _processes = [];

    public HostCgroupDriverTests()
    {
        _driver = CgroupDriver.Detect(_parentName);
    }

    public void Dispose()
    {
        foreach (var process in _processes)
        {
            if (!process.HasExited)
                process.Kill();
            process.WaitForExit();
            process.Dispose();
        }
        _driver.RemoveStaleRuns(_ => true);
        var parents = _driver switch
        {
            CgroupV1Driver v1 => v1.ParentDirectories,
            CgroupV2Driver v2 => [v2.ParentDirectory],
            _ => throw new InvalidOperationException(),
        };
        foreach (string parent in parents)
            CgroupFileSystem.Kernel.RemoveDirectory(parent);
    }

    [Fact]
    public void Detect_picks_v2_only_where_the_cgroup_root_is_a_cgroup2_mount_with_controllers()
    {
        // On a hybrid host (v1 controllers, an empty cgroup2 at unified/) this must be v1.
        CgroupVersion mounted = TestCgroups.Mounted();
        Assert.Equal(mounted, _driver.Version);
        Assert.Equal(mounted == CgroupVersion.V2 ? typeof(CgroupV2Driver) : typeof(CgroupV1Driver), _driver.GetType());
        // A run set up for one hierarchy (JUDGE_EXPECT_CGROUP, as in the VM) fails on finding another, instead of
        // passing by testing the wrong one.
        Assert.Equal(TestCgroups.Required, mounted);
    }

    [Fact]
    public void A_run_has_the_files_its_peak_is_read_from_and_its_processes_are_killed_with()
    {
        using var run = _driver.CreateRun("files", NoLimits);

        if (_driver.Version == CgroupVersion.V1)
        {
            Assert.True(HasFile(run, "memory.max_usage_in_bytes"));
            Assert.True(HasFile(run, "freezer.state"));
        }
        else
        {
            // Without them the driver falls back to sampling memory.current and to freezing before killing.
            Version kernel = Environment.OSVersion.Version;
            Assert.Equal(kernel >= new Version(5, 19), HasFile(run, "memory.peak"));
            Assert.Equal(kernel >= new Version(5, 14), HasFile(run, "cgroup.kill"));
        }
    }

    [Fact]
    public void Limits_land_in_the_hosts_cgroup_files()
    {
        var (major, minor) = AnyWholeDisk();
        var limits = new CgroupLimits(64 * MiB, 8, 0.5, new BlockDeviceThrottle(major, minor, 1 * MiB, 2 * MiB));

        using var run = _driver.CreateRun("limits", limits);

        if (_driver.Version == CgroupVersion.V1)
        {
            Assert.Equal("67108864", Read(run, "memory.limit_in_bytes"));
            if (HasFile(run, "memory.memsw.limit_in_bytes"))
                Assert.Equal("67108864", Read(run, "memory.memsw.limit_in_bytes"));
            else
                Assert.Equal("0", Read(run, "memory.swappiness"));
            Assert.Equal("8", Read(run, "pids.max"));
            Assert.Equal("100000", Read(run, "cpu.cfs_period_us"));
            Assert.Equal("50000", Read(run, "cpu.cfs_quota_us"));
            Assert.Equal($"{major}:{minor} 1048576", Read(run, "blkio.throttle.read_bps_device"));
            Assert.Equal($"{major}:{minor} 2097152", Read(run, "blkio.throttle.write_bps_device"));
        }
        else
        {
            Assert.Equal("67108864", Read(run, "memory.max"));
            Assert.Equal("0", Read(run, "memory.swap.max"));
            Assert.Equal("8", Read(run, "pids.max"));
            Assert.Equal("50000 100000", Read(run, "cpu.max"));
            Assert.StartsWith($"{major}:{minor} rbps=1048576 wbps=2097152", Read(run, "io.max"));
        }
    }

    [Fact]
    public void A_limit_the_kernel_refuses_names_the_file_and_errno_and_leaves_no_cgroup_behind()
    {
        var noSuchDisk = new BlockDeviceThrottle(4000, 0, ReadBytesPerSecond: 1 * MiB, WriteBytesPerSecond: null);
        string parentOfRuns = _driver is CgroupV2Driver v2 ? v2.ParentDirectory : ((CgroupV1Driver)_driver).ParentDirectories[0];

        var error = Assert.Throws<CgroupException>(() => _driver.CreateRun("refused", NoLimits with { Io = noSuchDisk }));

        string file = _driver.Version == CgroupVersion.V1 ? "blkio.throttle.read_bps_device" : "io.max";
        Assert.Contains($"refused/{file}", error.Message);
        Assert.Contains("ENODEV", error.Message);
        Assert.Empty(Directory.EnumerateDirectories(parentOfRuns));
    }

    [Fact]
    public void A_busy_childs_cpu_time_is_counted()
    {
        using var run = _driver.CreateRun("busy", NoLimits);
        var wall = Stopwatch.StartNew();
        var busy = StartIn(run, "sha256sum", "/dev/zero");

        // Polled rather than slept for: other tests compete for this host's cores.
        bool counted = SpinWait.SpinUntil(() => run.CpuUsage() >= TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(10));

        Assert.True(counted, $"only {run.CpuUsage().TotalMilliseconds} ms of CPU counted");
        Assert.True(run.CpuUsage() <= wall.Elapsed * Environment.ProcessorCount, "more CPU time than the cores could give");
        run.KillAll();
        Assert.True(busy.WaitForExit(10_000));
    }

    [Fact]
    public void A_cpu_quota_holds_a_busy_child_to_its_share_of_a_core()
    {
        using var run = _driver.CreateRun("quota", NoLimits with { CpuCores = 0.2 });
        StartIn(run, "sha256sum", "/dev/zero");
        // Measured from when it first ran: on a busy host a new process can wait a while for its first slice.
        Assert.True(SpinWait.SpinUntil(() => run.CpuUsage() > TimeSpan.Zero, TimeSpan.FromSeconds(30)), "the child never ran");
        TimeSpan usedBefore = run.CpuUsage();
        var wall = Stopwatch.StartNew();

        Thread.Sleep(600);

        TimeSpan used = run.CpuUsage() - usedBefore;
        // 0.2 cores over the time that really passed, plus one spare quota period (100 ms) of scheduling slack.
        // Unthrottled, it would take the whole elapsed time; on a busy host it may get less than its share.
        TimeSpan share = wall.Elapsed * 0.2 + TimeSpan.FromMilliseconds(100);
        Assert.True(used <= share, $"{used.TotalMilliseconds} ms of CPU in {wall.ElapsedMilliseconds} ms of wall time; 0.2 cores allow {share.TotalMilliseconds} ms");
    }

    [Fact]
    public void KillAll_kills_every_process_in_the_run_and_leaves_it_empty()
    {
        using var run = _driver.CreateRun("kill", NoLimits);
        var first = StartIn(run, "sleep", "30");
        var second = StartIn(run, "sleep", "30");

        run.KillAll();

        Assert.True(first.WaitForExit(10_000));
        Assert.True(second.WaitForExit(10_000));
        Assert.All(run.ProcsFiles, file => Assert.Equal("", File.ReadAllText(file)));
    }

    [Fact]
    public void Dispose_kills_what_is_left_and_removes_the_run_cgroup()
    {
        var run = _driver.CreateRun("dispose", NoLimits);
        var sleeper = StartIn(run, "sleep", "30");
        var dirs = run.ProcsFiles.Select(Path.GetDirectoryName).ToList();
        Assert.All(dirs, dir => Assert.True(Directory.Exists(dir)));

        run.Dispose();

        Assert.True(sleeper.WaitForExit(10_000));
        Assert.All(dirs, dir => Assert.False(Directory.Exists(dir)));
    }

    [Fact]
    public void A_memory_hog_is_oom_killed_and_its_peak_is_near_the_limit()
    {
        long limit = 64 * MiB;
        using var run = _driver.CreateRun("oom", NoLimits with { MemoryBytes = limit });
        // Waits for a byte on stdin, so that it allocates only once it is in the cgroup.
        string python = File.Exists("/usr/bin/python3") ? "/usr/bin/python3" : "python3";
        var hog = StartIn(run, python, "-c", "import sys; sys.stdin.read(1); b = b'x' * (256 << 20)");

        hog.StandardInput.Write('g');
        hog.StandardInput.Close();

        Assert.True(hog.WaitForExit(10_000));
        Assert.Equal(128 + 9, hog.ExitCode); // SIGKILL
        Assert.True(run.OomKilled());
        Assert.InRange(run.PeakMemoryBytes(), limit * 3 / 4, limit);
    }

    [Fact]
    public void A_run_without_an_oom_kill_is_not_reported_as_one()
    {
        using var run = _driver.CreateRun("no-oom", NoLimits with { MemoryBytes = 64 * MiB });
        StartIn(run, "sleep", "30");

        run.KillAll();

        Assert.False(run.OomKilled());
    }

    [Fact]
    public void Stale_runs_left_by_a_crashed_worker_are_killed_and_removed_at_start_up()
    {
        var crashedRun = _driver.CreateRun("crashed", NoLimits with { Processes = 4 });
        var orphan = StartIn(crashedRun, "sleep", "30");
        var dirs = crashedRun.ProcsFiles.Select(Path.GetDirectoryName).ToList();

        var restarted = CgroupDriver.Detect(_parentName);
        restarted.RemoveStaleRuns(_ => true);

        Assert.True(orphan.WaitForExit(10_000));
        Assert.All(dirs, dir => Assert.False(Directory.Exists(dir)));
    }

    /// <summary>Starts a program and moves it into the run, as the runner does with its child.</summary>
    private Process StartIn(IRunCgroup run, string program, params string[] args)
    {
        var start = new ProcessStartInfo(program, args) { RedirectStandardInput = true };
        var process = Process.Start(start)!;
        _processes.Add(process);
        foreach (string procs in run.ProcsFiles)
            CgroupFileSystem.Kernel.Write(procs, process.Id.ToString());
        return process;
    }

    private static bool HasFile(IRunCgroup run, string name) =>
        run.ProcsFiles.Any(procs => File.Exists(Path.Combine(Path.GetDirectoryName(procs)!, name)));

    /// <summary>The named file in whichever of the run's directories (one per v1 hierarchy) has it.</summary>
    private static string Read(IRunCgroup run, string name) =>
        run.ProcsFiles
            .Select(procs => Path.Combine(Path.GetDirectoryName(procs)!, name))
            .Where(File.Exists)
            .Select(file => File.ReadAllText(file).Trim())
            .Single();

    /// <summary>A real whole disk (throttling rejects partitions), preferring one that is not a loop or RAM device.</summary>
    private static (uint Major, uint Minor) AnyWholeDisk()
    {
        var disks = Directory.GetDirectories("/sys/block").Select(Path.GetFileName).OrderBy(name =>
            name!.StartsWith("loop") || name.StartsWith("ram") || name.StartsWith("zram") ? 1 : 0);
        string dev = File.ReadAllText(Path.Combine("/sys/block", disks.First()!, "dev")).Trim();
        string[] parts = dev.Split(':');
        return (uint.Parse(parts[0]), uint.Parse(parts[1]));
    }
}
