namespace Judge.Sandbox.Cli;

/// <summary>What the command line asks for.</summary>
internal abstract record ParsedCommand;
internal sealed record ShowHelp : ParsedCommand;
internal sealed record CheckHost : ParsedCommand;
/// <param name="ResultPath">Where to write the result as JSON, if anywhere.</param>
/// <param name="Repeat">With --repeat: how many times to run the spec, each in a fresh sandbox. Null: once, no summary table.</param>
/// <param name="Quiet">No summary on stderr.</param>
internal sealed record RunSandbox(SandboxSpec Spec, string? ResultPath, int? Repeat, bool Quiet) : ParsedCommand;

/// <summary>A bad command line; the message names the option and what is wrong with it.</summary>
internal sealed class UsageException(string message) : Exception(message);

/// <summary>
/// Turns arguments into a <see cref="ParsedCommand"/> without touching the host (beyond making
/// relative host paths absolute). The option table below is also the source of the help text.
/// </summary>
internal static class CommandLine
{
    public const string DefaultShell = "/bin/sh";
    public const int MaxRepeat = 100_000;

    /// <param name="stdinIsTerminal">Without a command, the default shell is interactive (<c>-i</c>) when stdin is a terminal.</param>
    /// <exception cref="UsageException"/>
    public static ParsedCommand Parse(IReadOnlyList<string> args, bool stdinIsTerminal = false)
    {
        if (args.Count == 0)
            throw new UsageException("missing command: run or check");
        return args[0] switch
        {
            "--help" or "-h" or "help" => new ShowHelp(),
            "check" when args.Count == 1 => new CheckHost(),
            "check" => throw new UsageException($"check: unexpected argument \"{args[1]}\""),
            "run" => ParseRun(args.Skip(1).ToList(), stdinIsTerminal),
            _ => throw new UsageException($"unknown command \"{args[0]}\": use run or check"),
        };
    }

    static ParsedCommand ParseRun(List<string> args, bool stdinIsTerminal)
    {
        var run = new RunBuilder();
        var seen = new HashSet<string>();
        var i = 0;
        for (; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg == "--")
            {
                i++;
                break;
            }
            if (arg is "--help" or "-h")
                return new ShowHelp();
            if (!arg.StartsWith('-') || arg == "-")
                break; // the command starts here

            var (name, inlineValue) = arg.IndexOf('=') is var eq and > 0 ? (arg[..eq], arg[(eq + 1)..]) : (arg, null);
            var option = Options.FirstOrDefault(o => o.Name == name)
                ?? throw new UsageException($"unknown option {name}");
            if (!option.Repeatable && !seen.Add(name))
                throw new UsageException($"{name}: given more than once");

            string value;
            if (option.Value is null)
            {
                if (inlineValue is not null)
                    throw new UsageException($"{name}: takes no value");
                value = "";
            }
            else if (inlineValue is not null)
                value = inlineValue;
            else if (i + 1 < args.Count)
                value = args[++i];
            else
                throw new UsageException($"{name}: needs a value ({option.Value})");

            try
            {
                option.Apply(run, value);
            }
            catch (BadValueException e)
            {
                throw new UsageException($"{name}: {e.Message}");
            }
        }
        return run.Build(args.Skip(i).ToList(), stdinIsTerminal);
    }

    internal sealed record Option(string Name, string? Value, string Group, string Help, Action<RunBuilder, string> Apply, bool Repeatable = false);

    public const string FileSystemGroup = "Filesystem", LimitsGroup = "Limits", IoGroup = "Input and output", MiscGroup = "Other";

    /// <summary>Every option of <c>run</c>, in the order the help shows them.</summary>
    internal static readonly Option[] Options =
    [
        new("--rootfs", "DIR", FileSystemGroup, "use host DIR as the root instead of a minimal image built for COMMAND",
            (r, v) => r.Spec = r.Spec with { RootfsDir = Path.GetFullPath(v) }),
        new("--with", "PATH", FileSystemGroup, "add host PATH to the image at the same path (ELF files with their libraries); repeatable",
            (r, v) => r.Spec = r.Spec with { With = [.. r.Spec.With, Path.GetFullPath(v)] }, Repeatable: true),
        new("--bind", "SRC:DST[:rw]", FileSystemGroup, "bind host SRC at DST inside, read-only unless :rw; repeatable",
            (r, v) => r.Spec = r.Spec with { Binds = [.. r.Spec.Binds, Values.Bind(v)] }, Repeatable: true),
        new("--workdir", "DIR", FileSystemGroup, "host DIR mounted read-write at /box; DIR is chowned to the sandbox user (default: a fresh empty one, removed after)",
            (r, v) => r.Spec = r.Spec with { WorkDir = Path.GetFullPath(v) }),
        new("--cwd", "DIR", FileSystemGroup, "working directory inside the sandbox (default /box)",
            (r, v) => r.Spec = r.Spec with { Cwd = v }),

        new("--time", "SEC", LimitsGroup, "CPU time of all the program's processes and threads",
            (r, v) => r.Limits = r.Limits with { CpuTime = Values.Seconds(v) }),
        new("--wall-time", "SEC", LimitsGroup, "wall-clock time (default with --time: 2 x time + 1 s; else none)",
            (r, v) => r.Limits = r.Limits with { WallTime = Values.Seconds(v) }),
        new("--memory", "SIZE", LimitsGroup, "memory of all processes, no swap",
            (r, v) => r.Limits = r.Limits with { MemoryBytes = Values.Size(v) }),
        new("--processes", "N", LimitsGroup, "processes and threads at once",
            (r, v) => r.Limits = r.Limits with { Processes = Values.Count(v) }),
        new("--output-limit", "SIZE", LimitsGroup, "largest file the program may write, --stdout and --stderr included",
            (r, v) => r.Limits = r.Limits with { OutputBytes = Values.Size(v) }),
        new("--stack", "SIZE", LimitsGroup, "stack size of each process",
            (r, v) => r.Limits = r.Limits with { StackBytes = Values.Size(v) }),
        new("--open-files", "N", LimitsGroup, "open file descriptors per process",
            (r, v) => r.Limits = r.Limits with { OpenFiles = Values.Count(v) }),
        new("--cpus", "CORES", LimitsGroup, "CPU bandwidth quota in cores, fractions allowed: 1.5",
            (r, v) => r.Limits = r.Limits with { CpuCores = (double)Values.Decimal(v, "a number of cores (use e.g. 1.5)") }),
        new("--io-read-bps", "SIZE", LimitsGroup, "bytes per second read from the disk behind the work dir",
            (r, v) => r.Limits = r.Limits with { IoReadBytesPerSecond = Values.Size(v) }),
        new("--io-write-bps", "SIZE", LimitsGroup, "bytes per second written to the disk behind the work dir",
            (r, v) => r.Limits = r.Limits with { IoWriteBytesPerSecond = Values.Size(v) }),
        new("--tmp-size", "SIZE", LimitsGroup, "size of the tmpfs at /tmp (default 64M)",
            (r, v) => r.Limits = r.Limits with { TmpBytes = Values.Size(v) }),
        new("--box-size", "SIZE", LimitsGroup, "size of the fresh /box when no --workdir is given (default 64M)",
            (r, v) => r.Limits = r.Limits with { BoxBytes = Values.Size(v) }),

        new("--stdin", "FILE", IoGroup, "host FILE as the program's stdin (default: this terminal's or pipe's)",
            (r, v) => r.Spec = r.Spec with { StdinPath = Path.GetFullPath(v) }),
        new("--stdout", "FILE", IoGroup, "write the program's stdout to host FILE (default: inherited)",
            (r, v) => r.Spec = r.Spec with { StdoutPath = Path.GetFullPath(v) }),
        new("--stderr", "FILE", IoGroup, "write the program's stderr to host FILE (default: inherited)",
            (r, v) => r.Spec = r.Spec with { StderrPath = Path.GetFullPath(v) }),
        new("--result", "FILE", IoGroup, "write the result as JSON (with --repeat: last run plus a \"repeat\" summary)",
            (r, v) => r.ResultPath = Path.GetFullPath(v)),
        new("--quiet", null, IoGroup, "print no summary on stderr",
            (r, _) => r.Quiet = true),

        new("--env", "K=V", MiscGroup, "set K in the environment (which starts as PATH, HOME, TMPDIR, LANG only); repeatable",
            (r, v) => r.SetEnvironment(v), Repeatable: true),
        new("--network", "none|loopback", MiscGroup, "no network at all (default), or a loopback interface of its own",
            (r, v) => r.Spec = r.Spec with { Network = Values.Network(v) }),
        new("--hostname", "NAME", MiscGroup, "host name inside (default sandbox)",
            (r, v) => r.Spec = r.Spec with { Hostname = v }),
        new("--as-root", null, MiscGroup, "run as uid 0 inside (still unprivileged on the host, no capabilities)",
            (r, _) => r.Spec = r.Spec with { RunAsRoot = true }),
        new("--repeat", "N", MiscGroup, "run N times, each in a fresh sandbox; print min/median/max of wall, CPU, memory",
            (r, v) => r.Repeat = Values.Count(v, min: 1, max: MaxRepeat)),
        new("--help", null, MiscGroup, "show this help",
            (_, _) => { }),
    ];

    /// <summary>Collects option values; <see cref="Build"/> applies the defaults that depend on several of them.</summary>
    internal sealed class RunBuilder
    {
        public SandboxSpec Spec = new() { Command = [] };
        public SandboxLimits Limits = new();
        public string? ResultPath;
        public int? Repeat;
        public bool Quiet;

        public void SetEnvironment(string assignment)
        {
            var eq = assignment.IndexOf('=');
            if (eq <= 0)
                throw new BadValueException($"\"{assignment}\" is not NAME=VALUE");
            var environment = new Dictionary<string, string>(Spec.Environment) { [assignment[..eq]] = assignment[(eq + 1)..] };
            Spec = Spec with { Environment = environment };
        }

        public RunSandbox Build(List<string> command, bool stdinIsTerminal)
        {
            if (command.Count == 0)
                command = stdinIsTerminal && Spec.StdinPath is null ? [DefaultShell, "-i"] : [DefaultShell];
            // "./a.out" means the host file, which the image holds at the same absolute path; unless, with a work dir,
            // it names a file in /box from the working directory inside (--cwd /box -- ./a.out), as isolate users write.
            else if (Spec.RootfsDir is null && command[0].Contains('/') && !Path.IsPathRooted(command[0])
                     && (Spec with { Command = command }).CommandInsideSandbox is null)
                command[0] = Path.GetFullPath(command[0]);

            // With only --time, the wall-clock limit Judge gives every run whose wall time nobody set.
            var limits = Limits is { CpuTime: { } cpu, WallTime: null }
                ? Limits with { WallTime = Judge.Data.Limits.WallTimeFor(cpu) }
                : Limits;
            return new RunSandbox(Spec with { Command = command, Limits = limits }, ResultPath, Repeat, Quiet);
        }
    }
}
