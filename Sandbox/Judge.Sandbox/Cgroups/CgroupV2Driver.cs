using System.Globalization;
using Tmds.Linux;

namespace Judge.Sandbox.Cgroups;

/// <summary>
/// cgroup v2: one unified hierarchy, a run is <c>&lt;root&gt;/&lt;parent&gt;/&lt;run&gt;</c>. The
/// controllers a run needs are enabled once, here, in the root's and the parent's
/// <c>cgroup.subtree_control</c>.
/// </summary>
public sealed class CgroupV2Driver : ICgroupDriver
{
    private const long CpuPeriodMicroseconds = 100_000;

    /// <summary>Without these a run cannot be contained at all; cpu and io only matter when their limits are asked for.</summary>
    private static readonly string[] RequiredControllers = ["memory", "pids"];
    private static readonly string[] WantedControllers = ["memory", "cpu", "pids", "io"];

    private readonly CgroupFileSystem _fs;
    private readonly string _parent;
    private readonly HashSet<string> _enabled;
    private readonly bool _hasSwapMax;
    private readonly bool _hasPeak;
    private readonly bool _hasKill;

    /// <param name="root">The cgroup2 mount point, e.g. /sys/fs/cgroup.</param>
    /// <param name="parentName">The parent cgroup, relative to <paramref name="root"/>; created when missing.</param>
    public CgroupV2Driver(string root, string parentName) : this(root, parentName, CgroupFileSystem.Kernel)
    {
    }

    internal CgroupV2Driver(string root, string parentName, CgroupFileSystem fs)
    {
        CgroupText.ValidateName(parentName, nameof(parentName), allowNested: true);
        _fs = fs;
        _parent = Path.Combine(root, parentName);

        // Each level can only hand down what it has; enable top-down along the path to the parent.
        string current = root;
        foreach (string segment in parentName.Split('/'))
        {
            EnableControllers(current);
            current = Path.Combine(current, segment);
            fs.CreateDirectoryIfMissing(current);
        }

        var available = CgroupText.Words(fs.Read(Path.Combine(_parent, "cgroup.controllers")));
        foreach (string controller in RequiredControllers)
        {
            if (!available.Contains(controller))
                throw new CgroupException(
                    $"cgroup v2 controller '{controller}' is not available in {_parent}/cgroup.controllers: " +
                    $"it must be listed in {root}/cgroup.controllers and enabled in each cgroup.subtree_control above {_parent}");
        }
        _enabled = EnableControllers(_parent);

        _hasSwapMax = fs.FileExists(Path.Combine(_parent, "memory.swap.max"));
        _hasPeak = fs.FileExists(Path.Combine(_parent, "memory.peak"));
        _hasKill = fs.FileExists(Path.Combine(_parent, "cgroup.kill"));
    }

    public CgroupVersion Version => CgroupVersion.V2;

    internal string ParentDirectory => _parent;

    /// <summary>How long KillAll waits for the cgroup to empty, and Dispose for rmdir to stop failing with EBUSY.</summary>
    internal TimeSpan Timeout { get; init; } = CgroupProcesses.DefaultTimeout;

    public IRunCgroup CreateRun(string name, CgroupLimits limits)
    {
        CgroupText.ValidateName(name, nameof(name), allowNested: false);
        if (limits.CpuCores is not null)
            RequireEnabled("cpu", "a CPU limit");
        if (limits.Io is not null)
            RequireEnabled("io", "an I/O limit");

        var run = new RunCgroup(this, Path.Combine(_parent, name));
        _fs.CreateDirectory(run.Path);
        try
        {
            WriteLimits(run.Path, limits);
        }
        catch
        {
            CgroupProcesses.TryRemoveDirectory(_fs, run.Path); // nothing runs in it yet
            throw;
        }
        return run;
    }

    public void RemoveStaleRuns(Func<string, bool> isStale)
    {
        foreach (string dir in _fs.ChildDirectories(_parent).Where(dir => isStale(Path.GetFileName(dir))).ToList())
            new RunCgroup(this, dir).Dispose();
    }

    private void WriteLimits(string dir, CgroupLimits limits)
    {
        if (limits.MemoryBytes is long memory)
            _fs.Write(Path.Combine(dir, "memory.max"), Invariant(memory));
        if (_hasSwapMax)
            _fs.Write(Path.Combine(dir, "memory.swap.max"), "0");
        if (limits.Processes is int processes)
            _fs.Write(Path.Combine(dir, "pids.max"), Invariant(processes));
        if (limits.CpuCores is double cores)
        {
            long quota = CgroupV1Driver.CpuQuotaMicroseconds(cores, CpuPeriodMicroseconds);
            _fs.Write(Path.Combine(dir, "cpu.max"), $"{Invariant(quota)} {Invariant(CpuPeriodMicroseconds)}");
        }
        if (limits.Io is { } io)
        {
            string read = io.ReadBytesPerSecond is long r ? Invariant(r) : "max";
            string write = io.WriteBytesPerSecond is long w ? Invariant(w) : "max";
            _fs.Write(Path.Combine(dir, "io.max"), $"{io.Major}:{io.Minor} rbps={read} wbps={write}");
        }
    }

    private void RequireEnabled(string controller, string what)
    {
        if (!_enabled.Contains(controller))
            throw new CgroupException(
                $"{what} needs cgroup v2 controller '{controller}', which is not available in {_parent}/cgroup.controllers " +
                $"(so it cannot be enabled in {_parent}/cgroup.subtree_control)");
    }

    /// <summary>Enables, in <paramref name="dir"/>'s subtree_control, the wanted controllers it has. Returns those now enabled.</summary>
    private HashSet<string> EnableControllers(string dir)
    {
        var available = CgroupText.Words(_fs.Read(Path.Combine(dir, "cgroup.controllers")));
        string subtreeControl = Path.Combine(dir, "cgroup.subtree_control");
        var enabled = CgroupText.Words(_fs.Read(subtreeControl));
        var missing = WantedControllers.Where(c => available.Contains(c) && !enabled.Contains(c)).ToList();
        if (missing.Count > 0)
        {
            try
            {
                _fs.Write(subtreeControl, string.Join(' ', missing.Select(c => "+" + c)));
            }
            catch (CgroupException e) when (e.Errno == LibC.EBUSY)
            {
                throw new CgroupException(
                    $"{e.Message}: {dir} has processes of its own, and cgroup v2 only gives controllers to the " +
                    "children of a cgroup without processes; move them into a leaf cgroup first", e.Errno);
            }
            enabled.UnionWith(missing);
        }
        return enabled;
    }

    private static string Invariant(long value) => value.ToString(CultureInfo.InvariantCulture);

    private sealed class RunCgroup(CgroupV2Driver driver, string path) : IRunCgroup
    {
        private long _sampledPeak;
        private bool _disposed;

        public string Path { get; } = path;

        public IReadOnlyList<string> ProcsFiles { get; } = [System.IO.Path.Combine(path, "cgroup.procs")];

        private CgroupFileSystem Fs => driver._fs;

        private string File(string name) => System.IO.Path.Combine(Path, name);

        public TimeSpan CpuUsage()
        {
            long microseconds = CgroupText.Field(Fs.Read(File("cpu.stat")), "usage_usec") ?? 0;
            return TimeSpan.FromMicroseconds(microseconds);
        }

        public long PeakMemoryBytes()
        {
            if (driver._hasPeak)
                return CgroupText.Number(Fs.Read(File("memory.peak"))) ?? 0;
            // memory.peak came with Linux 5.19. Before it, the best there is: the highest
            // memory.current seen by any call, so the peak is only as good as the caller's sampling.
            long current = CgroupText.Number(Fs.Read(File("memory.current"))) ?? 0;
            _sampledPeak = Math.Max(_sampledPeak, current);
            return _sampledPeak;
        }

        public bool OomKilled() => CgroupText.Field(Fs.Read(File("memory.events")), "oom_kill") > 0;

        public void KillAll()
        {
            if (driver._hasKill)
            {
                Fs.Write(File("cgroup.kill"), "1");
            }
            else
            {
                // Before Linux 5.14: freeze so nothing forks or exits while we read the pids and
                // kill them; v2 delivers SIGKILL even to frozen processes.
                Fs.Write(File("cgroup.freeze"), "1");
                CgroupProcesses.WaitUntil(() => CgroupText.Field(Fs.Read(File("cgroup.events")), "frozen") == 1, driver.Timeout);
                CgroupProcesses.Kill(CgroupText.Pids(Fs.Read(ProcsFiles[0])));
                Fs.Write(File("cgroup.freeze"), "0");
            }

            bool empty = CgroupProcesses.WaitUntil(() =>
            {
                if (!IsPopulated())
                    return true;
                if (!driver._hasKill)
                    CgroupProcesses.Kill(CgroupText.Pids(Fs.Read(ProcsFiles[0]))); // whatever forked before the freeze took hold
                return false;
            }, driver.Timeout);
            if (!empty)
                throw new CgroupException($"{File("cgroup.events")} still said populated {driver.Timeout.TotalSeconds:0.#} s after killing its processes");
        }

        public void Dispose()
        {
            if (_disposed)
                return;
            if (IsPopulated())
                KillAll();
            CgroupProcesses.RemoveDirectory(Fs, Path, driver.Timeout);
            _disposed = true;
        }

        /// <summary>"populated 1": some process is in this cgroup or below it.</summary>
        private bool IsPopulated() => CgroupText.Field(Fs.Read(File("cgroup.events")), "populated") == 1;
    }
}
