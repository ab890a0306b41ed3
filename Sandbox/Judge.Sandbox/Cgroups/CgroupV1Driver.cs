using System.Globalization;

namespace Judge.Sandbox.Cgroups;

/// <summary>
/// cgroup v1: every controller is its own hierarchy (some co-mounted, like cpu,cpuacct), so a run
/// is one directory per hierarchy: <c>&lt;hierarchy&gt;/&lt;parent&gt;/&lt;run&gt;</c>.
/// </summary>
public sealed class CgroupV1Driver : ICgroupDriver
{
    /// <summary>The controllers a run may use (cpu and blkio only when it limits them). cpu and cpuacct may name the same hierarchy.</summary>
    public static readonly IReadOnlyList<string> Controllers = ["memory", "cpu", "cpuacct", "pids", "blkio", "freezer"];

    private const long CfsPeriodMicroseconds = 100_000;

    private readonly CgroupFileSystem _fs;
    private readonly Dictionary<string, string> _parentDirs = [];
    private readonly bool _hasSwapAccounting;

    /// <param name="hierarchies">Each controller's hierarchy root (its mount point), e.g. "cpu" → "/sys/fs/cgroup/cpu,cpuacct".</param>
    /// <param name="parentName">The parent cgroup, relative to each hierarchy root; created when missing.</param>
    public CgroupV1Driver(IReadOnlyDictionary<string, string> hierarchies, string parentName)
        : this(hierarchies, parentName, CgroupFileSystem.Kernel)
    {
    }

    internal CgroupV1Driver(IReadOnlyDictionary<string, string> hierarchies, string parentName, CgroupFileSystem fs)
    {
        CgroupText.ValidateName(parentName, nameof(parentName), allowNested: true);
        _fs = fs;
        foreach (string controller in Controllers)
        {
            if (!hierarchies.TryGetValue(controller, out string? root))
                throw new CgroupException($"cgroup v1 controller '{controller}' has no hierarchy");
            _parentDirs[controller] = Path.Combine(root, parentName);
        }
        foreach (string root in Controllers.Select(c => hierarchies[c]).Distinct())
        {
            // mkdir -p below the hierarchy root, which is the mount point and must exist.
            string current = root;
            foreach (string segment in parentName.Split('/'))
            {
                current = Path.Combine(current, segment);
                fs.CreateDirectoryIfMissing(current);
            }
        }

        _hasSwapAccounting = fs.FileExists(Path.Combine(_parentDirs["memory"], "memory.memsw.limit_in_bytes"));
        Notes = _hasSwapAccounting
            ? []
            : ["memory.memsw.* is absent (the kernel runs without swap accounting, e.g. swapaccount=0): swap is only discouraged, with memory.swappiness=0, not limited"];
    }

    public CgroupVersion Version => CgroupVersion.V1;

    /// <summary>The parent cgroup in each hierarchy.</summary>
    internal IReadOnlyList<string> ParentDirectories => [.. _parentDirs.Values.Distinct()];

    /// <summary>Weaker guarantees this host gives, for the worker to log at start-up.</summary>
    public IReadOnlyList<string> Notes { get; }

    /// <summary>How long KillAll waits for the cgroup to empty, and Dispose for rmdir to stop failing with EBUSY.</summary>
    internal TimeSpan Timeout { get; init; } = CgroupProcesses.DefaultTimeout;

    public IRunCgroup CreateRun(string name, CgroupLimits limits)
    {
        CgroupText.ValidateName(name, nameof(name), allowNested: false);
        // cpu and blkio only when they limit something: each hierarchy joined costs a mkdir, a
        // migration and an rmdir per run, and measurement needs only memory, cpuacct and pids.
        var run = new RunCgroup(this, name, withCpu: limits.CpuCores is not null, withBlkio: limits.Io is not null);
        var created = new List<string>();
        try
        {
            foreach (string dir in run.Directories)
            {
                _fs.CreateDirectory(dir);
                created.Add(dir);
            }
            WriteLimits(run, limits);
        }
        catch
        {
            // Only what we made: on EEXIST the directory is another run's. Nothing runs in ours yet.
            foreach (string dir in created)
                CgroupProcesses.TryRemoveDirectory(_fs, dir);
            throw;
        }
        return run;
    }

    public void RemoveStaleRuns(Func<string, bool> isStale)
    {
        var names = _parentDirs.Values.Distinct()
            .SelectMany(_fs.ChildDirectories)
            .Select(Path.GetFileName)
            .Distinct()
            .Where(name => isStale(name!))
            .ToList();
        foreach (string? name in names)
            new RunCgroup(this, name!, withCpu: true, withBlkio: true).Dispose();
    }

    private void WriteLimits(RunCgroup run, CgroupLimits limits)
    {
        if (limits.MemoryBytes is long memory)
        {
            // memory.limit first: the kernel refuses memsw below it. Equal values leave no room for swap.
            _fs.Write(Path.Combine(run.Memory, "memory.limit_in_bytes"), Invariant(memory));
            if (_hasSwapAccounting)
                _fs.Write(Path.Combine(run.Memory, "memory.memsw.limit_in_bytes"), Invariant(memory));
        }
        if (!_hasSwapAccounting)
            _fs.Write(Path.Combine(run.Memory, "memory.swappiness"), "0");
        if (limits.Processes is int processes)
            _fs.Write(Path.Combine(run.Pids, "pids.max"), Invariant(processes));
        if (limits.CpuCores is double cores)
        {
            _fs.Write(Path.Combine(run.Cpu, "cpu.cfs_period_us"), Invariant(CfsPeriodMicroseconds));
            _fs.Write(Path.Combine(run.Cpu, "cpu.cfs_quota_us"), Invariant(CpuQuotaMicroseconds(cores, CfsPeriodMicroseconds)));
        }
        if (limits.Io is { } io)
        {
            if (io.ReadBytesPerSecond is long read)
                _fs.Write(Path.Combine(run.Blkio, "blkio.throttle.read_bps_device"), $"{io.Major}:{io.Minor} {Invariant(read)}");
            if (io.WriteBytesPerSecond is long write)
                _fs.Write(Path.Combine(run.Blkio, "blkio.throttle.write_bps_device"), $"{io.Major}:{io.Minor} {Invariant(write)}");
        }
    }

    internal static long CpuQuotaMicroseconds(double cores, long period)
    {
        if (!(cores > 0))
            throw new ArgumentOutOfRangeException(nameof(cores), cores, "A CPU limit must be a positive number of cores.");
        // The kernel's smallest quota is 1 ms.
        return Math.Max(1000, (long)Math.Round(cores * period));
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class RunCgroup : IRunCgroup
    {
        private readonly CgroupV1Driver _driver;
        private bool _disposed;

        public RunCgroup(CgroupV1Driver driver, string name, bool withCpu, bool withBlkio)
        {
            _driver = driver;
            string In(string controller) => Path.Combine(driver._parentDirs[controller], name);
            Memory = In("memory");
            Cpu = In("cpu");
            Cpuacct = In("cpuacct");
            Pids = In("pids");
            Blkio = In("blkio");
            Freezer = In("freezer");
            var joined = new List<string> { Memory, Cpuacct, Pids, Freezer };
            if (withCpu)
                joined.Add(Cpu);
            if (withBlkio)
                joined.Add(Blkio);
            Directories = [.. joined.Distinct()];
            ProcsFiles = [.. Directories.Select(d => Path.Combine(d, "cgroup.procs"))];
        }

        public string Memory { get; }
        public string Cpu { get; }
        public string Cpuacct { get; }
        public string Pids { get; }
        public string Blkio { get; }
        public string Freezer { get; }

        /// <summary>One per hierarchy: co-mounted controllers share one.</summary>
        public IReadOnlyList<string> Directories { get; }

        public IReadOnlyList<string> ProcsFiles { get; }

        private CgroupFileSystem Fs => _driver._fs;

        public TimeSpan CpuUsage()
        {
            long nanoseconds = CgroupText.Number(Fs.Read(Path.Combine(Cpuacct, "cpuacct.usage"))) ?? 0;
            return TimeSpan.FromTicks(nanoseconds / 100);
        }

        public long PeakMemoryBytes() =>
            CgroupText.Number(Fs.Read(Path.Combine(Memory, "memory.max_usage_in_bytes"))) ?? 0;

        public bool OomKilled()
        {
            // "oom_kill N" exists since Linux 4.13. Before that, hitting the limit (failcnt) at full
            // usage is the best hint there is, though reclaim alone can raise failcnt too.
            if (CgroupText.Field(Fs.Read(Path.Combine(Memory, "memory.oom_control")), "oom_kill") is long kills)
                return kills > 0;
            long failures = CgroupText.Number(Fs.Read(Path.Combine(Memory, "memory.failcnt"))) ?? 0;
            long limit = CgroupText.Number(Fs.Read(Path.Combine(Memory, "memory.limit_in_bytes"))) ?? long.MaxValue;
            return failures > 0 && PeakMemoryBytes() >= limit;
        }

        public void KillAll()
        {
            // Frozen processes cannot fork or exit, so the pids we read stay theirs while we kill
            // them. SIGKILL is only acted on once thawed.
            bool canFreeze = Fs.DirectoryExists(Freezer);
            string freezerState = Path.Combine(Freezer, "freezer.state");
            if (canFreeze)
            {
                Fs.Write(freezerState, "FROZEN");
                // Best effort: a task in uninterruptible sleep can hold the cgroup in FREEZING;
                // the kill loop below still catches whatever it forks.
                CgroupProcesses.WaitUntil(() => Fs.Read(freezerState)?.Trim() == "FROZEN", _driver.Timeout);
            }
            CgroupProcesses.Kill(ListProcesses());
            if (canFreeze)
                Fs.Write(freezerState, "THAWED");

            bool empty = CgroupProcesses.WaitUntil(() =>
            {
                var left = ListProcesses();
                CgroupProcesses.Kill(left);
                return left.Count == 0;
            }, _driver.Timeout);
            if (!empty)
                throw new CgroupException($"processes {string.Join(", ", ListProcesses())} were still in {string.Join(", ", ProcsFiles)} {_driver.Timeout.TotalSeconds:0.#} s after SIGKILL");
        }

        public void Dispose()
        {
            if (_disposed)
                return;
            // Normally empty by now (the program was the init of its PID namespace): rmdir first, and only
            // when the kernel says busy, kill what is left, rather than reading every cgroup.procs each run.
            // Every process is in all of the run's hierarchies, so the first one tells.
            try
            {
                Fs.RemoveDirectory(Directories[0]);
            }
            catch (CgroupException e) when (e.Errno == Tmds.Linux.LibC.EBUSY)
            {
                KillAll();
            }
            foreach (string dir in Directories)
                CgroupProcesses.RemoveDirectory(Fs, dir, _driver.Timeout);
            _disposed = true;
        }

        /// <summary>Every process in any of the run's hierarchies (the runner puts each in all of them).</summary>
        private List<int> ListProcesses() =>
            [.. ProcsFiles.SelectMany(file => CgroupText.Pids(Fs.Read(file))).Distinct()];
    }
}
