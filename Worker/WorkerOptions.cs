namespace Judge.Worker;

/// <summary>The <c>Worker</c> configuration section.</summary>
public sealed class WorkerOptions
{
    public const string Section = "Worker";

    /// <summary>Sandboxes run at once (the sandbox runner's <c>ConcurrentRuns</c>).</summary>
    public int Slots { get; set; } = Environment.ProcessorCount;

    /// <summary>Submissions taken from the queue at once; null: two per slot. More submissions than slots
    /// keep the slots busy while a submission waits on the database or the broker before and after its
    /// runs; their sandbox runs queue for the slots.</summary>
    public int? SubmissionsInFlight { get; set; }

    public int EffectiveSubmissionsInFlight => Math.Max(1, SubmissionsInFlight ?? 2 * Math.Max(1, Slots));

    /// <summary>Names this worker in <c>worker_languages</c>.</summary>
    public string Id { get; set; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>Size of each volume a sandbox writes in (a compile step, a custom checker): a tmpfs of its own, so that
    /// it cannot fill the host's disk. A test's fresh /box is the sandbox's own (<c>SandboxLimits.BoxBytes</c>).</summary>
    public long BoxBytes { get; set; } = 256L << 20;

    /// <summary>Where the worker keeps the problems' test files it fetched (<see cref="Judging.TestDataCache"/>): a directory
    /// per worker in it. On disk, not in memory: a problem may have a gigabyte of them.</summary>
    public string TestDataDirectory { get; set; } = "/var/cache/judge/test-data";

    /// <summary>How much the cache keeps of files no run uses at the moment; files in use are kept whatever their size.</summary>
    public long TestDataCacheBytes { get; set; } = 4L << 30;

    /// <summary>Limits of one compilation (the submission's and a custom checker's).</summary>
    public Judging.TestLimits CompileLimits { get; set; } = new() { CpuTimeMs = 15_000, WallTimeMs = 30_000, MemoryKb = 1 << 20, Processes = 128, OutputKb = 256 << 10 };

    /// <summary>Limits of a test when neither the submission nor its problem has any stored (the Api always stores them).
    /// The wall time is left to the one rule (<c>Judge.Data.Limits.WallTimeFor</c>): configuring only a CPU time raises it too.</summary>
    public Judging.TestLimits DefaultTestLimits { get; set; } = new() { CpuTimeMs = 2_000, MemoryKb = 256 << 10, Processes = 16, OutputKb = 64 << 10 };

    /// <summary>Limits of one custom checker run.</summary>
    public Judging.TestLimits CheckerLimits { get; set; } = new() { CpuTimeMs = 10_000, WallTimeMs = 20_000, MemoryKb = 512 << 10, Processes = 16, OutputKb = 1 << 10 };

    /// <summary>How much of the compiler's output is kept.</summary>
    public int CompileOutputBytes { get; set; } = 64 << 10;

    /// <summary>How much of each test's stdout and stderr is stored (checking always sees the whole output).</summary>
    public int StoredOutputBytes { get; set; } = 64 << 10;

    /// <summary>How much of a custom checker's stderr becomes the test's message.</summary>
    public int CheckerMessageBytes { get; set; } = 4 << 10;

    /// <summary>How often this worker refreshes its languages' <c>last_seen</c>.</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>How long a worker told to stop (SIGTERM, Ctrl-C) lets the submissions it holds finish. Then their runs are
    /// cancelled (each sandbox's cgroup killed, its files removed) and their messages go back to the broker for another worker.
    /// It takes no new message meanwhile. Whoever stops the worker (systemd's TimeoutStopSec) should wait
    /// <see cref="ShutdownTimeout"/>.</summary>
    public TimeSpan ShutdownGrace { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The most a stop takes: the grace period, then cancelling the runs and handing the messages back.</summary>
    public TimeSpan ShutdownTimeout => ShutdownGrace + TimeSpan.FromSeconds(15);

    /// <summary>Waits between attempts at a submission whose judging failed because the database or the broker was away
    /// (never for a verdict, nor for a bug). After the last one the submission ends IE with the reason. Null: 1, 5, 15 and
    /// 30 s, which ride out a database restart.</summary>
    public TimeSpan[]? RetryIntervals { get; set; }

    public TimeSpan[] EffectiveRetryIntervals => RetryIntervals ?? [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30)];

    /// <summary>Where a rustup toolchain lives; null: the first stable one under $RUSTUP_HOME or /root/.rustup.</summary>
    public string? RustToolchain { get; set; }
}
