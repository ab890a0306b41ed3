namespace Judge.Sandbox;

/// <summary>Everything one sandboxed run needs. Validated by <see cref="SpecValidator"/> before any syscall.</summary>
public sealed record SandboxSpec
{
    /// <summary>argv. <c>Command[0]</c> is resolved on the host (absolute path or PATH lookup) and, with its
    /// ELF closure, becomes part of the image; inside the sandbox it runs at the same path.</summary>
    public required IReadOnlyList<string> Command { get; init; }

    /// <summary>Extra host paths placed in the image at the same path (files with their ELF closure, or whole directories).</summary>
    public IReadOnlyList<string> With { get; init; } = [];

    /// <summary>Use this host directory as the root image instead of building a minimal one.</summary>
    public string? RootfsDir { get; init; }

    public IReadOnlyList<BindMount> Binds { get; init; } = [];

    /// <summary>Host directory mounted read-write at <c>/box</c>. Null: a fresh empty tmpfs of <see cref="SandboxLimits.BoxBytes"/>, gone with the run.</summary>
    public string? WorkDir { get; init; }

    /// <summary>Working directory inside the sandbox.</summary>
    public string Cwd { get; init; } = "/box";

    /// <summary>The whole environment of the program: nothing is inherited from the caller.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = DefaultEnvironment;

    public SandboxLimits Limits { get; init; } = new();

    public NetworkMode Network { get; init; } = NetworkMode.None;

    /// <summary>Host files for the standard streams, for a caller that names files (the CLI). Null: inherit the caller's
    /// stream, unless <see cref="Stdin"/> or <see cref="CaptureOutput"/> say otherwise.</summary>
    public string? StdinPath { get; init; }
    public string? StdoutPath { get; init; }
    public string? StderrPath { get; init; }

    /// <summary>Stdin given as bytes or as an earlier run's output, instead of <see cref="StdinPath"/>.</summary>
    public SandboxInput? Stdin { get; init; }

    /// <summary>Keep stdout and stderr in memory files the sandbox makes, returned in <see cref="SandboxResult.Stdout"/> and
    /// <see cref="SandboxResult.Stderr"/>, instead of <see cref="StdoutPath"/> and <see cref="StderrPath"/>.</summary>
    public bool CaptureOutput { get; init; }

    /// <summary>Stdout goes into this pipe, which another run reads at the same time (<see cref="SandboxPipe"/>); with
    /// <see cref="CaptureOutput"/>, only stderr is captured (<see cref="SandboxResult.Stdout"/> is then null).</summary>
    public SandboxPipe? StdoutPipe { get; init; }

    /// <summary>With <see cref="CaptureOutput"/>: stderr goes into stdout, one file description for both, in the order
    /// written; <see cref="SandboxResult.Stderr"/> is then null.</summary>
    public bool StderrToStdout { get; init; }

    /// <summary>Run the program as uid 0 inside the sandbox (still an unprivileged id on the host, with no capabilities).</summary>
    public bool RunAsRoot { get; init; }

    public string Hostname { get; init; } = "sandbox";

    /// <summary>
    /// Where <c>Command[0]</c> lies inside the sandbox when it is found there at run time, not on the host, and so is
    /// not part of the image (a program compiled in an earlier run, or one in the caller's work dir): under a bind's
    /// target, or under <c>/box</c> when <see cref="WorkDir"/> gives one. A path with a slash that is not absolute
    /// (<c>./prog</c>) is relative to <see cref="Cwd"/>, as execve would take it there. Null: looked up on the host.
    /// </summary>
    public string? CommandInsideSandbox
    {
        get
        {
            if (Command.Count == 0 || !Command[0].Contains('/'))
                return null;
            string inside = Path.GetFullPath(Command[0], Cwd.StartsWith('/') ? Cwd : "/");
            bool underBox = WorkDir is not null && inside.StartsWith("/box/", StringComparison.Ordinal);
            bool underBind = Binds.Any(b => inside.StartsWith(b.Target.TrimEnd('/') + "/", StringComparison.Ordinal));
            return underBox || underBind ? inside : null;
        }
    }

    public static readonly IReadOnlyDictionary<string, string> DefaultEnvironment = new Dictionary<string, string>
    {
        ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
        ["HOME"] = "/box",
        ["TMPDIR"] = "/tmp",
        ["LANG"] = "C.UTF-8",
    };
}

public sealed record BindMount(string Source, string Target, bool Writable = false);

public enum NetworkMode { None, Loopback }

/// <summary>Null means "no limit" for the optional ones.</summary>
public sealed record SandboxLimits
{
    /// <summary>CPU time of the whole process tree, measured by the cgroup.</summary>
    public TimeSpan? CpuTime { get; init; }
    public TimeSpan? WallTime { get; init; }
    /// <summary>Memory of the whole tree, swap excluded (no swap is allowed).</summary>
    public long? MemoryBytes { get; init; }
    public int? Processes { get; init; }
    /// <summary>Largest file the program may write, stdout and stderr files included (unless <see cref="FileSizeBytes"/> says more).</summary>
    public long? OutputBytes { get; init; }
    /// <summary>
    /// Largest file the program may write (RLIMIT_FSIZE) when that must be more than <see cref="OutputBytes"/>: for a runtime
    /// that sizes memory files of its own (the BEAM's JIT keeps its code in an 8 to 32 MiB memfd, which the file size limit
    /// caps). stdout and stderr are then held to <see cref="OutputBytes"/> by the runner instead of the kernel: it watches their
    /// size during the run and ends it as output-limit when one reaches the limit, so a flood may write a little more before it
    /// is stopped (into memory charged to the run). Null: <see cref="OutputBytes"/>.
    /// </summary>
    public long? FileSizeBytes { get; init; }
    public long? StackBytes { get; init; }
    public int? OpenFiles { get; init; }
    public long? IoReadBytesPerSecond { get; init; }
    public long? IoWriteBytesPerSecond { get; init; }
    /// <summary>Size of the tmpfs mounted at <c>/tmp</c>.</summary>
    public long TmpBytes { get; init; } = 64L << 20;
    /// <summary>Size of <c>/box</c> when the runner makes it (no <see cref="SandboxSpec.WorkDir"/>): a tmpfs of its own,
    /// mounted inside the sandbox. A caller-given work dir is the caller's to size (see <see cref="SafeFiles.CreateFreshDirectory"/>).</summary>
    public long BoxBytes { get; init; } = 64L << 20;
    /// <summary>CPU bandwidth quota in cores (e.g. 1.5). Null: no quota.</summary>
    public double? CpuCores { get; init; }
}
