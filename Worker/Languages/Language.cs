using Judge.Sandbox;

namespace Judge.Worker.Languages;

/// <summary>
/// How to build and run one language. Every command is a fixed argv: nothing from a request or the
/// database is ever added to it, and nothing runs through a shell. The source is written to
/// <see cref="SourceFile"/> in the compile directory, which is <c>/box</c> while compiling and
/// is mounted read-only at <see cref="ProgramDirectory"/> for every run.
/// </summary>
public sealed record Language
{
    /// <summary>Where a run sees the compile directory.</summary>
    public const string ProgramDirectory = "/prog";

    /// <summary>Replaced, as a whole argument or inside one, by the test's memory limit in MiB (the JVM's -Xmx).</summary>
    public const string MemoryMbPlaceholder = "{memory-mb}";

    public required string Id { get; init; }
    public required string Name { get; init; }
    public required string SourceFile { get; init; }

    /// <summary>Run with cwd <c>/box</c> = the compile directory. Null: nothing to compile.</summary>
    public IReadOnlyList<string>? Compile { get; init; }

    /// <summary>Further steps of the compile, each a fixed argv run like <see cref="Compile"/> (same image files, directory and
    /// limits) once the step before it succeeded: for a toolchain of two programs (NASM, then ld), instead of a shell.</summary>
    public IReadOnlyList<IReadOnlyList<string>> ThenCompile { get; init; } = [];

    /// <summary>Run with a fresh empty <c>/box</c> as cwd and the compile directory at <see cref="ProgramDirectory"/>.</summary>
    public required IReadOnlyList<string> Run { get; init; }

    /// <summary>Host paths the compile image needs beyond the compiler binary (directories whole, ELF files with their libraries).</summary>
    public IReadOnlyList<string> CompileWith { get; init; } = [];

    /// <summary>Host paths the run image needs: the interpreter's library tree, or the shared libraries a compiled program links.</summary>
    public IReadOnlyList<string> RunWith { get; init; } = [];

    /// <summary>Added to the sandbox's default environment (PATH, HOME, TMPDIR, LANG). Constants only: never worker settings.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();

    /// <summary>Run on the host at start-up to detect the toolchain; the first line of its output is the version shown to users.</summary>
    public required IReadOnlyList<string> VersionCommand { get; init; }

    /// <summary>Memory given to the sandbox on top of the test's limit, for a runtime whose own overhead the limit
    /// should not pay (the JVM: its heap is capped at the limit with -Xmx, metaspace and thread stacks come on top).</summary>
    public long RunMemoryOverheadBytes { get; init; }

    /// <summary>The exit code the runtime uses when the heap limit it was given runs out (the JVM with
    /// -XX:+ExitOnOutOfMemoryError exits with 3). Null: only the sandbox's limit counts.</summary>
    public int? OutOfMemoryExitCode { get; init; }

    /// <summary>What the runtime writes to stderr when its heap runs out. Needed beside the exit code because
    /// the JVM does not always honour -XX:+ExitOnOutOfMemoryError: now and then the error is thrown the
    /// ordinary way and the program exits with 1 (seen in our end-to-end tests).</summary>
    public string? OutOfMemoryMessage { get; init; }

    /// <summary>The least number of tasks (threads count) a run gets, for runtimes that start threads of their own.</summary>
    public int MinRunProcesses { get; init; } = 1;

    /// <summary>The file size limit the runtime needs whatever the output limit: the BEAM's JIT keeps its code in a memory
    /// file of 8 MiB and more, which the file size limit caps. Above the output limit, the sandbox holds stdout and stderr
    /// to the output limit itself (<see cref="SandboxLimits.FileSizeBytes"/>). 0: the output limit is the file size limit.</summary>
    public long MinFileSizeBytes { get; init; }

    /// <summary>Open files per process in a run: R refuses to start below about 170 (it sizes its table of loadable libraries by it).</summary>
    public int RunOpenFiles { get; init; } = Judging.TestLimits.DefaultOpenFiles;

    /// <summary>Whether a run that failed did so because the runtime's own heap limit (below the sandbox's) ran out:
    /// that is MLE, not RE. A program can fake it, but only to earn itself a different failing verdict.</summary>
    public bool ReportedOutOfMemory(SandboxResult run, string stderr) =>
        run.Status == SandboxStatus.RuntimeError &&
        ((OutOfMemoryExitCode is { } code && run.ExitCode == code) ||
         (OutOfMemoryMessage is { } message && stderr.Contains(message, StringComparison.Ordinal)));

    public IReadOnlyList<string> RunCommand(long memoryBytes, IEnumerable<string>? extraArguments = null)
    {
        var memoryMb = Math.Max(1, memoryBytes >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. Run.Select(arg => arg.Replace(MemoryMbPlaceholder, memoryMb, StringComparison.Ordinal)), .. extraArguments ?? []];
    }
}

/// <summary>A language whose toolchain was found on this host, with the version it reported.</summary>
public sealed record DetectedLanguage(Language Language, string Version);
