using System.CommandLine;
using System.CommandLine.Help;
using System.CommandLine.Parsing;

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
/// Turns arguments into a <see cref="ParsedCommand"/> without touching the host (beyond making relative host paths
/// absolute). System.CommandLine reads the options; the table below defines them, and is also the source of the help text.
/// What the library costs, measured on the 2-core dev machine (Release build, CPU time, median of 20): about 25 ms more per
/// start of the tool (it ships without ReadyToRun code, so some 220 of its methods are jitted; about 15 ms when the tool is
/// published ReadyToRun), and nothing per sandboxed run, since --repeat parses once.
/// </summary>
internal static class CommandLine
{
    public const string DefaultShell = "/bin/sh";
    public const int MaxRepeat = 100_000;

    /// <summary>An option of <c>run</c>: its definition, the help's group it is listed in, and what its value sets.</summary>
    internal sealed record RunOption(Option Option, string Group, Action<RunBuilder, ParseResult> Apply, bool Repeatable = false)
    {
        public string Name => Option.Name;
    }

    public const string FileSystemGroup = "Filesystem", LimitsGroup = "Limits", IoGroup = "Input and output", MiscGroup = "Other";

    /// <summary>Not recursive: <c>check --help</c> stays an unexpected argument, as it always was.</summary>
    static readonly HelpOption Help = new("--help", "-h") { Description = "show this help", Recursive = false };

    /// <summary>Every option of <c>run</c>, in the order the help shows them.</summary>
    internal static readonly RunOption[] Options =
    [
        Value("--rootfs", "DIR", FileSystemGroup, "use host DIR as the root instead of a minimal image built for COMMAND",
            Values.HostPath, (r, v) => r.Spec = r.Spec with { RootfsDir = v }),
        Many("--with", "PATH", FileSystemGroup, "add host PATH to the image at the same path (ELF files with their libraries); repeatable",
            Values.HostPath, (r, v) => r.Spec = r.Spec with { With = [.. r.Spec.With, v] }),
        Many("--bind", "SRC:DST[:rw]", FileSystemGroup, "bind host SRC at DST inside, read-only unless :rw; repeatable",
            Values.Bind, (r, v) => r.Spec = r.Spec with { Binds = [.. r.Spec.Binds, v] }),
        Value("--workdir", "DIR", FileSystemGroup, "host DIR mounted read-write at /box; DIR is chowned to the sandbox user (default: a fresh empty one, removed after)",
            Values.HostPath, (r, v) => r.Spec = r.Spec with { WorkDir = v }),
        Value("--cwd", "DIR", FileSystemGroup, "working directory inside the sandbox (default /box)",
            v => v, (r, v) => r.Spec = r.Spec with { Cwd = v }),

        Value("--time", "SEC", LimitsGroup, "CPU time of all the program's processes and threads",
            Values.Seconds, (r, v) => r.Limits = r.Limits with { CpuTime = v }),
        Value("--wall-time", "SEC", LimitsGroup, "wall-clock time (default with --time: 2 x time + 1 s; else none)",
            Values.Seconds, (r, v) => r.Limits = r.Limits with { WallTime = v }),
        Value("--memory", "SIZE", LimitsGroup, "memory of all processes, no swap",
            Values.Size, (r, v) => r.Limits = r.Limits with { MemoryBytes = v }),
        Value("--processes", "N", LimitsGroup, "processes and threads at once",
            v => Values.Count(v), (r, v) => r.Limits = r.Limits with { Processes = v }),
        Value("--output-limit", "SIZE", LimitsGroup, "largest file the program may write, --stdout and --stderr included",
            Values.Size, (r, v) => r.Limits = r.Limits with { OutputBytes = v }),
        Value("--stack", "SIZE", LimitsGroup, "stack size of each process",
            Values.Size, (r, v) => r.Limits = r.Limits with { StackBytes = v }),
        Value("--open-files", "N", LimitsGroup, "open file descriptors per process",
            v => Values.Count(v), (r, v) => r.Limits = r.Limits with { OpenFiles = v }),
        Value("--cpus", "CORES", LimitsGroup, "CPU bandwidth quota in cores, fractions allowed: 1.5",
            v => (double)Values.Decimal(v, "a number of cores (use e.g. 1.5)"), (r, v) => r.Limits = r.Limits with { CpuCores = v }),
        Value("--io-read-bps", "SIZE", LimitsGroup, "bytes per second read from the disk behind the work dir",
            Values.Size, (r, v) => r.Limits = r.Limits with { IoReadBytesPerSecond = v }),
        Value("--io-write-bps", "SIZE", LimitsGroup, "bytes per second written to the disk behind the work dir",
            Values.Size, (r, v) => r.Limits = r.Limits with { IoWriteBytesPerSecond = v }),
        Value("--tmp-size", "SIZE", LimitsGroup, "size of the tmpfs at /tmp (default 64M)",
            Values.Size, (r, v) => r.Limits = r.Limits with { TmpBytes = v }),
        Value("--box-size", "SIZE", LimitsGroup, "size of the fresh /box when no --workdir is given (default 64M)",
            Values.Size, (r, v) => r.Limits = r.Limits with { BoxBytes = v }),

        Value("--stdin", "FILE", IoGroup, "host FILE as the program's stdin (default: this terminal's or pipe's)",
            Values.HostPath, (r, v) => r.Spec = r.Spec with { StdinPath = v }),
        Value("--stdout", "FILE", IoGroup, "write the program's stdout to host FILE (default: inherited)",
            Values.HostPath, (r, v) => r.Spec = r.Spec with { StdoutPath = v }),
        Value("--stderr", "FILE", IoGroup, "write the program's stderr to host FILE (default: inherited)",
            Values.HostPath, (r, v) => r.Spec = r.Spec with { StderrPath = v }),
        Value("--result", "FILE", IoGroup, "write the result as JSON (with --repeat: last run plus a \"repeat\" summary)",
            Values.HostPath, (r, v) => r.ResultPath = v),
        Flag("--quiet", IoGroup, "print no summary on stderr",
            r => r.Quiet = true),

        Many("--env", "K=V", MiscGroup, "set K in the environment (which starts as PATH, HOME, TMPDIR, LANG only); repeatable",
            Values.Assignment, (r, v) => r.Spec = r.Spec with { Environment = new Dictionary<string, string>(r.Spec.Environment) { [v.Key] = v.Value } }),
        Value("--network", "none|loopback", MiscGroup, "no network at all (default), or a loopback interface of its own",
            Values.Network, (r, v) => r.Spec = r.Spec with { Network = v }),
        Value("--hostname", "NAME", MiscGroup, "host name inside (default sandbox)",
            v => v, (r, v) => r.Spec = r.Spec with { Hostname = v }),
        Flag("--as-root", MiscGroup, "run as uid 0 inside (still unprivileged on the host, no capabilities)",
            r => r.Spec = r.Spec with { RunAsRoot = true }),
        Value("--repeat", "N", MiscGroup, "run N times, each in a fresh sandbox; print min/median/max of wall, CPU, memory",
            v => Values.Count(v, min: 1, max: MaxRepeat), (r, v) => r.Repeat = v),
        new(Help, MiscGroup, (_, _) => { }),
    ];

    /// <summary>Every option by each of its names ("--help" and "-h").</summary>
    static readonly Dictionary<string, RunOption> ByName = Options
        .SelectMany(o => o.Option.Aliases.Append(o.Name).Select(name => KeyValuePair.Create(name, o)))
        .ToDictionary();

    static readonly Command Run = WithOptions(new Command("run"));
    static readonly Command Check = new("check");
    /// <summary>"help" with anything after it is help, as before.</summary>
    static readonly Command HelpCommand = new("help") { TreatUnmatchedTokensAsErrors = false };
    static readonly Command Root = new("judge-sandbox") { Run, Check, HelpCommand, Help };

    /// <summary>No response files ("@file" is a program's argument or an option's value) and no bundling of short options.</summary>
    static readonly ParserConfiguration Configuration = new() { EnablePosixBundling = false, ResponseFileTokenReplacer = null };

    /// <param name="stdinIsTerminal">Without a command, the default shell is interactive (<c>-i</c>) when stdin is a terminal.</param>
    /// <exception cref="UsageException"/>
    public static ParsedCommand Parse(IReadOnlyList<string> args, bool stdinIsTerminal = false)
    {
        if (args.Count == 0)
            throw new UsageException("missing command: run or check");
        var (options, program) = args[0] == "run" ? SplitRun(args.Skip(1).ToList()) : ([.. args.Skip(1)], []);
        var result = Root.Parse([args[0], .. options], Configuration);
        if (result.GetResult(Help) is not null)
            return new ShowHelp();

        var command = result.CommandResult.Command;
        // The tokenizer passes over a leading "[word]" (a directive, defined or not) and the tool's own name; neither is a command here.
        if (command == Root || args[0] == Root.Name || result.Tokens.Any(token => token.Type == TokenType.Directive))
            throw new UsageException($"unknown command \"{args[0]}\": use run or check");
        if (command == Check && result.UnmatchedTokens.Count > 0)
            throw new UsageException($"check: unexpected argument \"{result.UnmatchedTokens[0]}\"");
        if (command == Run && (result.UnmatchedTokens.Count > 0 || result.Errors.Count > 0))
            throw new UsageException(RunError(result));
        if (command == HelpCommand)
            return new ShowHelp();
        if (command == Check)
            return new CheckHost();

        var run = new RunBuilder();
        foreach (var option in Options)
            if (result.GetResult(option.Option) is { Implicit: false })
                option.Apply(run, result);
        return run.Build(program, stdinIsTerminal);
    }

    /// <summary>
    /// Splits run's arguments into its options, for the parser, and the command with its arguments. System.CommandLine
    /// reads options anywhere on the line and has no mode where the first operand ends them (getopt's "+", picocli's
    /// stopAtPositional), but everything from the command on is the program's, as with env or unshare: <c>run --time 1
    /// /bin/ls --memory 1</c> passes --memory to ls. So the command starts at the first argument that is neither an
    /// option nor the separate value of one ("--memory 64M"; "--memory=64M" is one argument), or right after "--". An
    /// unknown option is taken as a flag; the parser reports it.
    /// </summary>
    static (List<string> Options, List<string> Command) SplitRun(List<string> args)
    {
        var end = 0;
        while (end < args.Count && args[end] != "--" && args[end].StartsWith('-') && args[end] != "-")
            end += ByName.TryGetValue(args[end], out var option) && TakesValue(option) ? 2 : 1;
        end = Math.Min(end, args.Count);
        var command = end < args.Count && args[end] == "--" ? args[(end + 1)..] : args[end..];
        return ([.. args[..end].SelectMany(WithAttachedValue)], command);
    }

    /// <summary>
    /// The parser splits "--name=value" (and "--name:value") wherever it stands, even where a value is due, but it takes
    /// "--as-root=yes" as the flag and a stray "yes" (an unknown option, it would say), and drops an empty value
    /// ("--cwd=") to take the next argument instead. Both are settled here, as they were before the library.
    /// </summary>
    static IEnumerable<string> WithAttachedValue(string arg)
    {
        if (arg.IndexOfAny(['=', ':']) is not (> 0 and var at) || !ByName.TryGetValue(arg[..at], out var option))
            return [arg];
        if (!TakesValue(option))
            throw new UsageException($"{option.Name}: takes no value");
        return at == arg.Length - 1 ? [option.Name, ""] : [arg];
    }

    /// <summary>What is wrong with run's options: an unknown one, else the first option of the table with an error. Told
    /// from the parse's state, not from the library's wording, so the messages stay ours ("--memory: needs a value (SIZE)").</summary>
    static string RunError(ParseResult result)
    {
        if (result.UnmatchedTokens.Count > 0)
            return $"unknown option {result.UnmatchedTokens[0]}";
        var error = result.Errors[0];
        if ((error.SymbolResult as OptionResult ?? (error.SymbolResult as ArgumentResult)?.Parent as OptionResult) is not { } given)
            return error.Message;
        var option = ByName[given.Option.Name];
        return $"{option.Name}: {Problem(option, given) ?? error.Message}";
    }

    /// <summary>What is wrong with how an option was given, beyond its value; its own words for what the library reports
    /// differently ("Required argument missing for option") or lets pass (a flag twice, "--env A=1 --env").</summary>
    static string? Problem(RunOption option, OptionResult given) =>
        TakesValue(option) && given.Tokens.Count < given.IdentifierTokenCount ? $"needs a value ({option.Option.HelpName})"
        : !option.Repeatable && given.IdentifierTokenCount > 1 ? "given more than once"
        : null;

    static bool TakesValue(RunOption option) => option.Option.Arity.MaximumNumberOfValues > 0;

    static Command WithOptions(Command command)
    {
        foreach (var option in Options)
        {
            option.Option.Validators.Add(given =>
            {
                if (Problem(option, given) is { } problem)
                    given.AddError(problem);
            });
            command.Options.Add(option.Option);
        }
        return command;
    }

    /// <summary>An option with one value, parsed by <paramref name="parse"/>: our value syntax (sizes like 64M, seconds like
    /// 0.5) has no counterpart among System.CommandLine's converters, and our parsers say exactly what is wrong.</summary>
    static RunOption Value<T>(string name, string valueName, string group, string help, Func<string, T> parse, Action<RunBuilder, T> apply)
    {
        var option = new Option<T>(name)
        {
            HelpName = valueName,
            Description = help,
            CustomParser = result => result.Tokens.Count == 1 ? ParseOrReport(result, result.Tokens[0].Value, parse) : default,
        };
        return new(option, group, (r, parsed) => apply(r, parsed.GetValue(option)!));
    }

    /// <summary>A repeatable option, one value each time it is given.</summary>
    static RunOption Many<T>(string name, string valueName, string group, string help, Func<string, T> parse, Action<RunBuilder, T> apply)
    {
        var option = new Option<List<T>>(name)
        {
            HelpName = valueName,
            Description = help,
            CustomParser = result => [.. result.Tokens.Select(token => ParseOrReport(result, token.Value, parse))],
        };
        return new(option, group, (r, parsed) => parsed.GetValue(option)!.ForEach(value => apply(r, value)), Repeatable: true);
    }

    static RunOption Flag(string name, string group, string help, Action<RunBuilder> apply) =>
        new(new Option<bool>(name) { Description = help, Arity = ArgumentArity.Zero }, group, (r, _) => apply(r));

    static T ParseOrReport<T>(ArgumentResult result, string text, Func<string, T> parse)
    {
        try
        {
            return parse(text);
        }
        catch (BadValueException e)
        {
            result.AddError(e.Message);
            return default!;
        }
    }

    /// <summary>Collects option values; <see cref="Build"/> applies the defaults that depend on several of them.</summary>
    internal sealed class RunBuilder
    {
        public SandboxSpec Spec = new() { Command = [] };
        public SandboxLimits Limits = new();
        public string? ResultPath;
        public int? Repeat;
        public bool Quiet;

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
