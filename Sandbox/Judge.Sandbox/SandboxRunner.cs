using System.Collections.Concurrent;
using System.Diagnostics;
using Judge.Sandbox.Cgroups;
using Judge.Sandbox.Native;
using Judge.Sandbox.Rootfs;
using Judge.Sandbox.Seccomp;
using static Tmds.Linux.LibC;
using Syscalls = Judge.Sandbox.Native.Syscalls;

namespace Judge.Sandbox;

/// <summary>
/// Runs commands in freshly built sandboxes. Thread-safe: one instance serves all of a process's runs.
/// A run: validate the spec; find or build the root image; lease host ids; create the cgroup and
/// write its limits; open the standard streams; hand everything to the C window (spawn.c), which
/// clones into new namespaces and execs; watch CPU time and wall time; kill the whole cgroup on a
/// limit; measure; classify; tear down.
/// </summary>
public sealed class SandboxRunner : ISandbox
{
    private const int SigKill = 9, SigXcpu = 24, SigXfsz = 25;

    private readonly Lazy<ICgroupDriver> _cgroups;
    private readonly IImageBuilder _images;
    private readonly HostIds _ids;
    private readonly ConcurrentDictionary<string, IReadOnlyList<ImageEntry>> _imageEntries = new();
    private readonly string _stagingRoot;
    private readonly string _devicesDirectory;
    // Process-wide: several runners in one process share the cgroup parent, so run names must not repeat.
    private static long s_runs;

    public SandboxRunner(SandboxOptions? options = null)
    {
        Options = options ?? new SandboxOptions();
        _cgroups = new Lazy<ICgroupDriver>(() => CgroupDriver.Detect(Options.CgroupParent));
        _images = new ImageBuilder(Options.ImageCacheDirectory);
        _ids = new HostIds(Path.Combine(Options.StateDirectory, "ids"), Options.HostIdRangeStart, Options.HostIdSlots);
        _stagingRoot = Path.Combine(Options.StateDirectory, "root");
        _devicesDirectory = Path.Combine(Options.StateDirectory, "dev");
        _stateDirectories = new Lazy<bool>(() =>
        {
            foreach (string dir in new[] { _stagingRoot, Path.Combine(Options.StateDirectory, "ids") })
                Directory.CreateDirectory(dir);
            DeviceDirectory.Prepare(_devicesDirectory);
            return true;
        }, LazyThreadSafetyMode.PublicationOnly); // a failure is tried again on the next run, not remembered
        _volumes = new VolumeDirectory(Path.Combine(Options.StateDirectory, "volumes"));
        _threads = new Lazy<SpawnThreads>(() => new SpawnThreads(Options.ConcurrentRuns));
    }

    private readonly VolumeDirectory _volumes;
    private readonly Lazy<SpawnThreads> _threads;

    // Made on the first run, not at construction: `judge-sandbox --help` must not touch the host.
    private readonly Lazy<bool> _stateDirectories;

    public SandboxOptions Options { get; }

    /// <summary>The cgroup hierarchy in use (detected on first use).</summary>
    public ICgroupDriver Cgroups => _cgroups.Value;

    /// <summary>
    /// Kills and removes the cgroups that runs of crashed processes left behind (named after the process
    /// that made them, so the runs of live processes sharing the parent are left alone), and removes the volumes
    /// of runners that are gone (each runner's are guarded by a lock it holds while its process lives). Call at
    /// start-up. A run leaves nothing else on the host: its fresh /box lives in its own mount namespace.
    /// </summary>
    public void RemoveStaleRuns()
    {
        Cgroups.RemoveStaleRuns(CreatorIsGone);
        _volumes.RemoveStale();
    }

    private static string RunName(long run) => $"run-{Environment.ProcessId}-{run}";

    /// <summary>True for a name "run-pid-n" (see <see cref="RunName"/>) whose process no longer exists; other names
    /// are not ours to remove.</summary>
    private static bool CreatorIsGone(string name) =>
        name.Split('-') is ["run", var pid, _] && int.TryParse(pid, out int value) && !Directory.Exists($"/proc/{value}");

    /// <summary>
    /// Builds a fresh sandbox, runs the spec's command in it and tears everything down, on one of the runner's own
    /// threads: at most <see cref="SandboxOptions.ConcurrentRuns"/> at once, the rest in turn. A run blocks its thread
    /// for as long as the program runs, which the thread pool should not pay for; and the thread keeps the C
    /// helper's child stack for its next run (spawn.c).
    /// </summary>
    /// <param name="cancellationToken">Cancelling a waiting run drops it; cancelling a started one kills its whole cgroup.</param>
    /// <exception cref="SandboxSpecException">The spec is invalid; nothing was started.</exception>
    /// <exception cref="OperationCanceledException">The run was cancelled; its processes, cgroup and files are gone.</exception>
    public Task<SandboxResult> RunAsync(SandboxSpec spec, CancellationToken cancellationToken = default) =>
        _threads.Value.Run(() => Run(spec, cancellationToken), cancellationToken);

    /// <summary>
    /// Two runs at the same time, typically joined by <see cref="SandboxPipe"/>s (an interactive problem's program and
    /// validator), each in its own sandbox with its own limits. The pair takes one of the runner's threads, like one run,
    /// and the second runs on a thread of its own: two runs that wait on each other must never wait for a thread, or a
    /// busy runner would end them by their time limits. Both specs are checked before either starts.
    /// </summary>
    /// <exception cref="SandboxSpecException">A spec is invalid; nothing was started.</exception>
    /// <exception cref="OperationCanceledException">The pair was cancelled; both runs are gone.</exception>
    public Task<(SandboxResult First, SandboxResult Second)> RunPairAsync(SandboxSpec first, SandboxSpec second,
        CancellationToken cancellationToken = default)
    {
        SpecValidator.Validate(first);
        SpecValidator.Validate(second);
        return _threads.Value.Run(() =>
        {
            var other = Task.Factory.StartNew(() => Run(second, cancellationToken), CancellationToken.None,
                TaskCreationOptions.LongRunning, TaskScheduler.Default);
            SandboxResult one;
            try
            {
                one = Run(first, cancellationToken);
            }
            catch
            {
                // Cancelled: so is the second. The pair's thread is free only once both have ended.
                try
                {
                    other.GetAwaiter().GetResult().Dispose();
                }
                catch (OperationCanceledException)
                {
                }
                throw;
            }
            try
            {
                return (one, other.GetAwaiter().GetResult());
            }
            catch
            {
                one.Dispose();
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A new, empty volume for runs to see (see <see cref="SandboxVolume"/>). With <paramref name="sizeBytes"/> it is a
    /// tmpfs of its own of that size, for runs to write in; without, a directory only the trusted side writes in, which
    /// runs should see read-only (a tmpfs of its own would cost a mount and an unmount for what nobody else writes).
    /// </summary>
    public SandboxVolume CreateVolume(string prefix, long? sizeBytes = null) =>
        new(SafeFiles.CreateFreshDirectory(_volumes.Own, prefix, sizeBytes), sized: sizeBytes is not null);

    /// <summary>Builds a fresh sandbox, runs the spec's command in it, tears everything down, on the calling thread.</summary>
    /// <exception cref="SandboxSpecException">The spec is invalid; nothing was started.</exception>
    public SandboxResult Run(SandboxSpec spec) => Run(spec, CancellationToken.None);

    /// <inheritdoc cref="Run(SandboxSpec)"/>
    /// <param name="spec">What to run, with its limits.</param>
    /// <param name="cancellationToken">Cancelling kills the run's whole cgroup at once, from the cancelling thread.</param>
    /// <exception cref="OperationCanceledException">The run was cancelled; its processes, cgroup and files are gone.</exception>
    public SandboxResult Run(SandboxSpec spec, CancellationToken cancellationToken)
    {
        try
        {
            return RunOnce(spec, cancellationToken);
        }
        finally
        {
            // The pipe ends the spec names are this run's, taken or not: once it has ended nobody else may hold them,
            // or the run on the other side would wait for a peer that is gone.
            spec.Stdin?.Release();
            spec.StdoutPipe?.CloseWriteEnd();
        }
    }

    private SandboxResult RunOnce(SandboxSpec spec, CancellationToken cancellationToken)
    {
        SpecValidator.Validate(spec);
        cancellationToken.ThrowIfCancellationRequested();
        using var measurement = SandboxMetrics.Start();
        using var run = new RunResources();
        try
        {
            Prepare(spec, run);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CgroupException or InvalidOperationException)
        {
            return measurement.Record(SandboxResult.SetupError(e.Message));
        }
        return measurement.Record(Execute(spec, run, cancellationToken));
    }

    /// <summary>Everything a run holds on the host, released in reverse order whatever happens.</summary>
    private sealed class RunResources : IDisposable
    {
        public HostIds.Lease? Ids;
        public IRunCgroup? Cgroup;
        /// <summary>The caller's work dir, bound at /box; null: /box is a fresh tmpfs the child mounts.</summary>
        public string? WorkDir;
        public string ImageDirectory = "";
        public IReadOnlyList<ImageEntry> ImageEntries = [];
        public string ExecPath = "";
        public int StdinFd = -1, StdoutFd = -1, StderrFd = -1;
        /// <summary>Captured output: the result takes them (<see cref="TakeOutput"/>); otherwise they go with the run.</summary>
        public CapturedOutput? Stdout, Stderr;
        public readonly List<int> CgroupProcsFds = [];

        public SandboxResult TakeOutput(SandboxResult result)
        {
            result = result with { Stdout = Stdout, Stderr = Stderr };
            // Only the captured streams' descriptors go with them; a host file's stays the run's to close.
            if (Stdout is not null)
                (StdoutFd, StderrFd) = (-1, StderrFd == StdoutFd ? -1 : StderrFd);
            if (Stderr is not null)
                StderrFd = -1;
            (Stdout, Stderr) = (null, null);
            return result;
        }

        /// <summary>Pipe ends the run took (<see cref="SandboxPipe"/>): closed as soon as the program started.</summary>
        public bool StdinIsPipe, StdoutIsPipe;

        /// <summary>Once the program has started (or failed to): the run's copies of pipe ends go, so that the pipe
        /// ends with the program on the other side, not with this run.</summary>
        public void ClosePipeEnds()
        {
            if (StdinIsPipe)
                (StdinFd, StdinIsPipe) = (CloseFd(StdinFd), false);
            if (StdoutIsPipe)
                (StdoutFd, StdoutIsPipe) = (CloseFd(StdoutFd), false);
        }

        private static int CloseFd(int fd)
        {
            Syscalls.Close(fd);
            return -1;
        }

        public void Dispose()
        {
            Syscalls.Close(StdinFd);
            // A captured stream's descriptor belongs to its CapturedOutput; the others (host files, a pipe end) to the run.
            if (Stdout is null)
                Syscalls.Close(StdoutFd);
            if (Stderr is null && StderrFd != StdoutFd)
                Syscalls.Close(StderrFd);
            Stdout?.Dispose();
            Stderr?.Dispose();
            CgroupProcsFds.ForEach(Syscalls.Close);
            try
            {
                Cgroup?.Dispose();
            }
            finally
            {
                Ids?.Dispose();
            }
        }
    }

    private void Prepare(SandboxSpec spec, RunResources run)
    {
        _ = _stateDirectories.Value;
        ResolveRoot(spec, run);
        run.Ids = _ids.Acquire();

        // The program owns /box: it is the one place it may write besides /tmp. A fresh one is a tmpfs the
        // child mounts in its own namespace, with that owner; a given one is chowned here.
        if (spec.WorkDir is not null)
        {
            run.WorkDir = Path.GetFullPath(spec.WorkDir);
            uint owner = spec.RunAsRoot ? run.Ids.Root : run.Ids.User;
            int dir = Syscalls.Open(run.WorkDir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW);
            try
            {
                Syscalls.FChown(dir, owner, owner, run.WorkDir);
            }
            finally
            {
                Syscalls.Close(dir);
            }
        }

        int outputFlags = O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW;
        if (spec.Stdin is { } input)
            (run.StdinFd, run.StdinIsPipe) = (input.Open(), input.IsPipe);
        if (spec.StdinPath is not null)
            run.StdinFd = Syscalls.Open(spec.StdinPath, O_RDONLY | O_NOFOLLOW);
        if (spec.StdoutPipe is { } pipe)
            (run.StdoutFd, run.StdoutIsPipe) = (pipe.TakeWriteEnd(), true);
        if (spec.CaptureOutput && spec.StdoutPipe is null)
        {
            run.Stdout = new CapturedOutput(Syscalls.MemoryFile("judge-stdout"));
            run.Stderr = spec.StderrToStdout ? null : new CapturedOutput(Syscalls.MemoryFile("judge-stderr"));
            (run.StdoutFd, run.StderrFd) = (run.Stdout.Descriptor, run.Stderr?.Descriptor ?? run.Stdout.Descriptor);
        }
        else if (spec.CaptureOutput)
        {
            run.Stderr = new CapturedOutput(Syscalls.MemoryFile("judge-stderr"));
            run.StderrFd = run.Stderr.Descriptor;
        }
        if (spec.StdoutPath is not null)
            run.StdoutFd = Syscalls.Open(spec.StdoutPath, outputFlags, 0b110_100_100);
        if (spec.StderrPath is not null)
            run.StderrFd = spec.StderrPath == spec.StdoutPath ? run.StdoutFd : Syscalls.Open(spec.StderrPath, outputFlags, 0b110_100_100);

        string name = RunName(Interlocked.Increment(ref s_runs));
        run.Cgroup = _cgroups.Value.CreateRun(name, CgroupLimitsFor(spec.Limits, run.WorkDir, run.ImageDirectory));
        foreach (string procs in run.Cgroup.ProcsFiles)
            run.CgroupProcsFds.Add(Syscalls.Open(procs, O_WRONLY));
    }

    private void ResolveRoot(SandboxSpec spec, RunResources run)
    {
        string searchPath = spec.Environment.GetValueOrDefault("PATH") ?? SandboxSpec.DefaultEnvironment["PATH"];
        if (spec.RootfsDir is { } rootfs)
        {
            run.ImageDirectory = Path.GetFullPath(rootfs);
            run.ImageEntries = ImageEntry.List(run.ImageDirectory);
            run.ExecPath = ResolveInside(run.ImageDirectory, spec.Command[0], searchPath)
                ?? throw new IOException($"command {spec.Command[0]} not found in rootfs {rootfs}");
            return;
        }
        var paths = new List<string>(spec.With.Count + 1);
        if (spec.CommandInsideSandbox is { } inside)
        {
            run.ExecPath = inside;
        }
        else
        {
            run.ExecPath = ImageBuilder.ResolveCommand(spec.Command[0], searchPath)
                ?? throw new IOException($"command {spec.Command[0]} not found on the host PATH {searchPath}");
            paths.Add(run.ExecPath);
        }
        paths.AddRange(spec.With);
        RootImage image = _images.GetOrBuild(paths);
        run.ImageDirectory = image.Directory;
        run.ImageEntries = _imageEntries.GetOrAdd(image.Directory, ImageEntry.List);
    }

    private static string? ResolveInside(string rootfs, string command, string searchPath)
    {
        if (command.Contains('/'))
            return command.StartsWith('/') ? command : null;
        foreach (string dir in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            string candidate = Path.Combine(dir, command);
            if (File.Exists(rootfs + candidate))
                return candidate;
        }
        return null;
    }

    /// <summary>I/O limits apply to the disk behind /box or, when /box is a tmpfs, the disk the image is read from.</summary>
    private static CgroupLimits CgroupLimitsFor(SandboxLimits limits, string? workDir, string imageDirectory)
    {
        BlockDeviceThrottle? io = null;
        if (limits.IoReadBytesPerSecond is not null || limits.IoWriteBytesPerSecond is not null)
        {
            (uint major, uint minor) = (workDir is null ? null : BlockDevices.WholeDiskBehind(workDir)) ?? BlockDevices.WholeDiskBehind(imageDirectory)
                ?? throw new IOException($"I/O limits need a block device, but /box and the image {imageDirectory} are on virtual filesystems");
            io = new BlockDeviceThrottle(major, minor, limits.IoReadBytesPerSecond, limits.IoWriteBytesPerSecond);
        }
        return new CgroupLimits(limits.MemoryBytes, limits.Processes, limits.CpuCores, io);
    }

    private unsafe SandboxResult Execute(SandboxSpec spec, RunResources run, CancellationToken cancellationToken)
    {
        uint insideUid = spec.RunAsRoot ? 0 : Options.SandboxUid;
        var plan = MountPlan.For(spec, _stagingRoot, run.ImageDirectory, run.ImageEntries, run.WorkDir, insideUid, _devicesDirectory);
        string idMapRoot = $"0 {run.Ids!.Root} 1\n";
        string idMap = spec.RunAsRoot ? idMapRoot : idMapRoot + $"{Options.SandboxUid} {run.Ids.User} 1\n";

        int pid, statusFd;
        NativeSpawn.Error error;
        Stopwatch wall;
        using (var arena = new NativeArena())
        {
            var argv = new List<string>(spec.Command) { [0] = run.ExecPath };
            var env = spec.Environment.Select(kv => $"{kv.Key}={kv.Value}").ToList();
            NativeSpawn.MountOp[] mounts = plan.Marshal(arena);
            NativeSpawn.RlimitOp[] rlimits = RlimitsFor(spec.Limits);
            var request = new NativeSpawn.Request
            {
                Argv = arena.StringArray(argv),
                Envp = arena.StringArray(env),
                Cwd = arena.String(spec.Cwd),
                Hostname = arena.String(spec.Hostname),
                NewRoot = arena.String(_stagingRoot),
                Mounts = arena.Array<NativeSpawn.MountOp>(mounts),
                MountCount = mounts.Length,
                Rlimits = arena.Array<NativeSpawn.RlimitOp>(rlimits),
                RlimitCount = rlimits.Length,
                Seccomp = arena.Array<SockFilter>(SeccompPolicy.Filter),
                SeccompCount = SeccompPolicy.Filter.Length,
                UidMap = arena.String(idMap),
                GidMap = arena.String(idMap),
                CgroupFds = arena.Array<int>(run.CgroupProcsFds.ToArray()),
                CgroupFdCount = run.CgroupProcsFds.Count,
                StdinFd = run.StdinFd,
                StdoutFd = run.StdoutFd,
                StderrFd = run.StderrFd,
                Uid = insideUid,
                Gid = insideUid,
                LoopbackUp = spec.Network == NetworkMode.Loopback ? 1 : 0,
                KeepRoot = spec.RunAsRoot ? 1 : 0,
                InitFd = InitProgram.Fd,
            };
            pid = NativeSpawn.Spawn(&request, &error, &statusFd);
            wall = Stopwatch.StartNew();
        }
        run.ClosePipeEnds();
        if (pid < 0)
            return SandboxResult.SetupError(DescribeSetupFailure(error, plan, run.ExecPath));

        try
        {
            return Monitor(spec, run, pid, statusFd, wall, cancellationToken);
        }
        finally
        {
            Syscalls.Close(statusFd);
        }
    }

    /// <summary><c>judge-init</c> (Native/init.c), built beside this assembly: PID 1 of every run's namespace, exec'd
    /// through a descriptor opened once, so that it need not be in any run's image.</summary>
    private static class InitProgram
    {
        public static readonly string Path = System.IO.Path.Combine(AppContext.BaseDirectory, "judge-init");
        private static readonly Lazy<int> s_fd = new(() => Syscalls.Open(Path, O_RDONLY));

        public static int Fd => s_fd.Value;
    }

    /// <param name="pid">The run's init, which exits when the program does.</param>
    /// <param name="statusFd">Where init writes the program's wait status before it exits.</param>
    private SandboxResult Monitor(SandboxSpec spec, RunResources run, int pid, int statusFd, Stopwatch wall,
        CancellationToken cancellationToken)
    {
        IRunCgroup cgroup = run.Cgroup!;
        SandboxLimits limits = spec.Limits;
        // CPU time accrues at most this fast, so sleeping remaining/cores can never overshoot the limit.
        double cores = Math.Min(Environment.ProcessorCount, limits.CpuCores ?? double.MaxValue);
        SandboxStatus? killedFor = null;
        // Where the file size limit is above the output limit, the kernel does not stop a flood at the output limit: this does.
        long? watchedOutput = limits.OutputBytes is { } outputCap && limits.FileSizeBytes > outputCap ? outputCap : null;
        long ended = 0;

        int pidfd = Syscalls.PidfdOpen(pid);
        // The kill ends the init, which wakes the wait below like any other exit.
        bool cancelled = false;
        var cancellation = cancellationToken.Register(() =>
        {
            cancelled = true;
            cgroup.KillAll();
        });
        try
        {
            while (true)
            {
                TimeSpan timeout = Timeout.InfiniteTimeSpan;
                if (limits.WallTime is { } wallLimit)
                {
                    TimeSpan left = wallLimit - wall.Elapsed;
                    if (left <= TimeSpan.Zero) { killedFor = SandboxStatus.WallTimeLimit; break; }
                    timeout = left;
                }
                if (limits.CpuTime is { } cpuLimit)
                {
                    TimeSpan left = cpuLimit - cgroup.CpuUsage();
                    if (left <= TimeSpan.Zero) { killedFor = SandboxStatus.TimeLimit; break; }
                    TimeSpan step = left / cores;
                    if (timeout == Timeout.InfiniteTimeSpan || step < timeout)
                        timeout = step;
                }
                if (watchedOutput is not null && (timeout == Timeout.InfiniteTimeSpan || OutputWatchInterval < timeout))
                    timeout = OutputWatchInterval;
                int timeoutMs = timeout == Timeout.InfiniteTimeSpan ? -1 : Math.Max(1, (int)Math.Ceiling(timeout.TotalMilliseconds));
                if (Syscalls.WaitReadable(pidfd, timeoutMs))
                    break;
                if (watchedOutput is { } watched && OutputReached(run, watched)) { killedFor = SandboxStatus.OutputLimit; break; }
            }
            // Before the kill, which takes a while: a run killed at its limit ended when the limit was reached, and whoever
            // waited on it may end before the kill is done.
            ended = Stopwatch.GetTimestamp();
            if (killedFor is not null)
                cgroup.KillAll();
        }
        finally
        {
            cancellation.Dispose(); // waits for a kill in progress: the cgroup must outlive it
            Syscalls.Close(pidfd);
        }
        // When init exits the kernel kills every other process in its namespace before the exit is reported, so
        // the cgroup is already empty here (Dispose checks anyway). Init wrote the program's own wait status first,
        // unless it was killed with the rest (a limit, or a kill during set-up): then the program's is SIGKILL too.
        int initStatus = Syscalls.Reap(pid);
        int status = Syscalls.TryReadInt32(statusFd) ?? initStatus;
        long wallMs = wall.ElapsedMilliseconds;
        if (cancelled)
            throw new OperationCanceledException(cancellationToken);

        long cpuMs = (long)cgroup.CpuUsage().TotalMilliseconds;
        long peak = cgroup.PeakMemoryBytes();
        bool oom = cgroup.OomKilled();
        int? exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : null;
        int? signal = exitCode is null ? status & 0x7f : null;
        bool outputFull = limits.OutputBytes is { } cap && OutputReached(run, cap);

        SandboxStatus verdict = Classify(limits, killedFor, exitCode, signal, cpuMs, peak, oom, outputFull);
        return run.TakeOutput(new SandboxResult(verdict, exitCode, signal, cpuMs, wallMs, peak, Explain(verdict, limits, exitCode, signal))
            { EndTimestamp = ended });
    }

    /// <summary>How often stdout and stderr are measured when the runner, not the file size limit, holds them to the output limit.</summary>
    private static readonly TimeSpan OutputWatchInterval = TimeSpan.FromMilliseconds(20);

    private static bool OutputReached(RunResources run, long cap) =>
        (run.StdoutFd >= 0 && Syscalls.FileSize(run.StdoutFd) >= cap) || (run.StderrFd >= 0 && Syscalls.FileSize(run.StderrFd) >= cap);

    private static SandboxStatus Classify(SandboxLimits limits, SandboxStatus? killedFor, int? exitCode, int? signal,
        long cpuMs, long peak, bool oom, bool outputFull)
    {
        // First: past the file size limit the program gets SIGXFSZ, or EFBIG where it ignores or handles the signal, and
        // may then keep writing until a time limit; the size of its output says what happened.
        if (signal == SigXfsz || outputFull)
            return SandboxStatus.OutputLimit;
        if (killedFor is { } reason)
            return reason;
        if (oom || (exitCode is not 0 && limits.MemoryBytes is { } mem && peak >= mem * 97 / 100))
            return SandboxStatus.MemoryLimit;
        if (signal == SigXcpu || (limits.CpuTime is { } cpu && cpuMs > cpu.TotalMilliseconds))
            return SandboxStatus.TimeLimit;
        if (signal is not null)
            return SandboxStatus.Signaled;
        return exitCode == 0 ? SandboxStatus.Ok : SandboxStatus.RuntimeError;
    }

    private static string Explain(SandboxStatus status, SandboxLimits limits, int? exitCode, int? signal) => status switch
    {
        SandboxStatus.Ok => "exited normally",
        SandboxStatus.RuntimeError => $"exited with code {exitCode}",
        SandboxStatus.Signaled => $"killed by signal {signal} ({Signals.Name(signal!.Value)})",
        SandboxStatus.TimeLimit => $"CPU time limit of {limits.CpuTime!.Value.TotalMilliseconds:0} ms exceeded",
        SandboxStatus.WallTimeLimit => $"wall time limit of {limits.WallTime!.Value.TotalMilliseconds:0} ms exceeded",
        SandboxStatus.MemoryLimit => $"memory limit of {limits.MemoryBytes} bytes exceeded",
        SandboxStatus.OutputLimit => $"output limit of {limits.OutputBytes} bytes exceeded",
        _ => status.ToString(),
    };

    private static NativeSpawn.RlimitOp[] RlimitsFor(SandboxLimits limits)
    {
        const int cpu = 0, fsize = 1, stack = 3, core = 4, nofile = 7;
        const ulong infinity = ulong.MaxValue;
        var ops = new List<NativeSpawn.RlimitOp> { new() { Resource = core, Value = 0 } };
        if ((limits.FileSizeBytes ?? limits.OutputBytes) is { } fileSize)
            ops.Add(new() { Resource = fsize, Value = (ulong)fileSize });
        ops.Add(new() { Resource = stack, Value = limits.StackBytes is { } s ? (ulong)s : infinity });
        if (limits.OpenFiles is { } files)
            ops.Add(new() { Resource = nofile, Value = (ulong)files });
        // A backstop only: the cgroup watch above kills at the limit, counting every thread and child.
        if (limits.CpuTime is { } time)
            ops.Add(new() { Resource = cpu, Value = (ulong)Math.Ceiling(time.TotalSeconds) + 1 });
        return ops.ToArray();
    }

    private static string DescribeSetupFailure(NativeSpawn.Error error, MountPlan plan, string execPath)
    {
        string step = error.Stage switch
        {
            NativeSpawn.Stage.Mount when error.Index < plan.Steps.Count => MountPlan.Describe(plan.Steps[error.Index]),
            NativeSpawn.Stage.Clone => "clone (new user, pid, mount, net, ipc, uts namespaces)",
            NativeSpawn.Stage.UidMap => "write uid_map",
            NativeSpawn.Stage.GidMap => "write gid_map",
            NativeSpawn.Stage.Cgroup => "join cgroup",
            NativeSpawn.Stage.MountPrivate => "make mounts private",
            NativeSpawn.Stage.PivotRoot => "pivot_root",
            NativeSpawn.Stage.DetachOldRoot => "detach old root",
            NativeSpawn.Stage.Rlimit => "setrlimit",
            NativeSpawn.Stage.Stdio => "redirect stdio",
            NativeSpawn.Stage.CloseFds => "close descriptors",
            NativeSpawn.Stage.Chdir => "chdir to working directory",
            NativeSpawn.Stage.Exec => $"execve {execPath}",
            NativeSpawn.Stage.StartProgram => "start the program as PID 2",
            NativeSpawn.Stage.ExecInit => $"execveat {InitProgram.Path} as PID 1",
            NativeSpawn.Stage.KilledBeforeExec => "the program was killed before it could execve (by its limits, during set-up)",
            var other => other.ToString().ToLowerInvariant(),
        };
        return $"{step}: {Syscalls.Describe(error.Errno)}";
    }
}
