using System.Text.RegularExpressions;
using Judge.Data;
using Judge.Sandbox;

namespace Judge.Worker.Languages;

/// <summary>
/// How to build and run one language. Every command is a fixed argv, and nothing runs through a shell: the only
/// thing from a request that reaches one is a submission's checked file names (below). The source is written to
/// <see cref="SourceFile"/> in the compile directory, which is <c>/box</c> while compiling and
/// is mounted read-only at <see cref="ProgramDirectory"/> for every run. A submission of several files is written
/// under its own (checked) names, and <see cref="ForFiles"/> puts those names, each as <c>./name</c>, in place of
/// <see cref="SourceFile"/> in the commands: the only thing from a request that reaches an argv.
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

    /// <summary>The compile step only checks the program's syntax (an interpreted language): what it says when the program is
    /// fine ("Syntax OK") is not kept as compile output.</summary>
    public bool CompileOnlyChecks { get; init; }

    /// <summary>The extensions of this language's sources in a submission of several files (C: <c>.c</c>; headers and other
    /// files are only there to be read). Empty: the language takes one file only.</summary>
    public IReadOnlyList<string> SourceExtensions { get; init; } = [];

    /// <summary>The compile step gets only the file to run, not every source: Rust's crate root finds its modules beside it,
    /// and <c>node --check</c>, <c>bash -n</c> and the like check one file.</summary>
    public bool CompilesEntryOnly { get; init; }

    /// <summary>The compile step gets the file to run first, then the other sources: GnuCOBOL's <c>-x</c> makes the first
    /// file's program the main one, and the others its subprograms.</summary>
    public bool CompilesEntryFirst { get; init; }

    /// <summary>For compilers that must see a module before the files that use it (Fortran, OCaml): the module names a source
    /// defines and those it uses. The compile step gets the sources in an order where each comes after the others that
    /// define what it uses; a cycle is a compilation error. Null: the compiler takes them in any order.</summary>
    public Func<SubmissionFile, (IReadOnlyCollection<string> Defines, IReadOnlyCollection<string> Uses)>? Modules { get; init; }

    /// <summary>What marks the file to run among several: Python's <c>__main__</c> guard, Java's <c>main</c>.</summary>
    public Regex? EntryMarker { get; init; }

    /// <summary>The run command's argument that names what to run (Java's class <c>Main</c>, TypeScript's <c>/prog/main.js</c>):
    /// the file to run names it instead, through <see cref="EntryArgumentOf"/>.</summary>
    public string? EntryArgument { get; init; }

    /// <summary>What the file to run puts in place of <see cref="EntryArgument"/>: by default its name without the extension
    /// (Java's <c>Different.java</c> runs the class <c>Different</c>).</summary>
    public Func<string, string> EntryArgumentOf { get; init; } = name => Path.GetFileNameWithoutExtension(name);

    /// <summary>Where a run finds the one-file program; a language that runs it by this path runs a script.</summary>
    private string ScriptPath => $"{ProgramDirectory}/{SourceFile}";

    /// <summary>Whether the run command names a file to run (an interpreter's script, Java's class), so several files need one chosen.</summary>
    private bool NeedsEntry => CompilesEntryOnly || CompilesEntryFirst || EntryArgument is not null || Run.Contains(ScriptPath);

    /// <summary>Whether a grader may be written in this language: its run command is an interpreter on a script.</summary>
    public bool RunsGraders => Run.Contains(ScriptPath);

    /// <summary>
    /// This language's commands for a submission of several <paramref name="files"/>: the compile step gets every source
    /// (or only the file to run, <see cref="CompilesEntryOnly"/>; or it first, <see cref="CompilesEntryFirst"/>; in
    /// dependency order, <see cref="Modules"/>), the run the file to run. That file is <paramref name="entry"/>
    /// when the client named it, else the one source with the <see cref="EntryMarker"/>, else the source named like the
    /// one-file <see cref="SourceFile"/>, else the only source. Null, with the reason, when the files cannot make a program
    /// of this language (the submission's fault: a compilation error).
    /// </summary>
    /// <param name="runByGrader">The program is run by a grader, not by its run command: a file to run is not needed, and
    /// when none can be told the first source stands in.</param>
    public Language? ForFiles(IReadOnlyList<SubmissionFile> files, string? entry, out string? problem, bool runByGrader = false)
    {
        problem = null;
        if (SourceExtensions.Count == 0)
        {
            problem = $"{Name} takes one file only: submit it as source.";
            return null;
        }
        if (files.FirstOrDefault(f => FileNames.Problem(f.Name) is not null) is { } badName)
        {
            problem = $"'{badName.Name}' is not a file name a box accepts.";
            return null;
        }
        var sources = files.Where(f => SourceExtensions.Contains(FileNames.Extension(f.Name))).OrderBy(f => f.Name, StringComparer.Ordinal).ToList();
        if (sources.Count == 0)
        {
            problem = $"None of the files is a {Name} source ({string.Join(", ", SourceExtensions)}).";
            return null;
        }
        string? run = null;
        if (NeedsEntry && (run = entry ?? FindEntry(sources, out problem) ?? (runByGrader ? sources[0].Name : null)) is null)
            return null;
        problem = null;
        if (run is not null && !SourceExtensions.Contains(FileNames.Extension(run)))
        {
            problem = $"The file to run, '{run}', is not a {Name} source ({string.Join(", ", SourceExtensions)}).";
            return null;
        }
        var ordered = Modules is null ? sources : InDependencyOrder(sources, Modules, out problem);
        if (ordered is null)
            return null;
        IEnumerable<string> compiled = CompilesEntryOnly ? [run!]
            : CompilesEntryFirst ? [run!, .. ordered.Select(f => f.Name).Where(name => name != run)]
            : ordered.Select(f => f.Name);
        return this with
        {
            Compile = Compile?.SelectMany(arg => arg == SourceFile ? compiled.Select(name => $"./{name}") : [arg]).ToArray(),
            Run = Run.Select(arg => arg == ScriptPath ? $"{ProgramDirectory}/{run}" : arg == EntryArgument ? EntryArgumentOf(run!) : arg).ToArray(),
        };
    }

    /// <summary>The sources, each after the others that define a module it uses; otherwise in the order given (by name).</summary>
    private static List<SubmissionFile>? InDependencyOrder(List<SubmissionFile> sources,
        Func<SubmissionFile, (IReadOnlyCollection<string> Defines, IReadOnlyCollection<string> Uses)> modules, out string? problem)
    {
        problem = null;
        var names = sources.ToDictionary(f => f.Name, modules);
        var left = sources.ToList();
        var ordered = new List<SubmissionFile>();
        while (left.Count > 0)
        {
            var next = left.FirstOrDefault(f => !left.Any(g => g != f && names[g.Name].Defines.Any(names[f.Name].Uses.Contains)));
            if (next is null)
            {
                problem = $"The modules of {string.Join(", ", left.Select(f => f.Name))} use each other in a cycle: no order compiles them.";
                return null;
            }
            ordered.Add(next);
            left.Remove(next);
        }
        return ordered;
    }

    private string? FindEntry(IReadOnlyList<SubmissionFile> sources, out string? problem)
    {
        problem = null;
        var marked = EntryMarker is null ? [] : sources.Where(f => EntryMarker.IsMatch(f.Content)).ToList();
        if (marked.Count == 1)
            return marked[0].Name;
        var candidates = marked.Count > 1 ? marked : sources;
        if (candidates.FirstOrDefault(f => f.Name == SourceFile) is { } named)
            return named.Name;
        if (candidates.Count == 1)
            return candidates[0].Name;
        problem = $"Cannot tell which file to run among {string.Join(", ", candidates.Select(f => f.Name))}: name it in entry.";
        return null;
    }

    /// <summary>This language running a grader: its interpreter on the grader's <paramref name="entry"/> in the working
    /// directory (<c>/box</c>), where the grader's and the student's files are.</summary>
    public IReadOnlyList<string> GraderCommand(string boxDirectory, string entry, long memoryBytes) =>
        [.. RunCommand(memoryBytes).Select(arg => arg == ScriptPath ? $"{boxDirectory}/{entry}" : arg)];

    public IReadOnlyList<string> RunCommand(long memoryBytes, IEnumerable<string>? extraArguments = null)
    {
        var memoryMb = Math.Max(1, memoryBytes >> 20).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return [.. Run.Select(arg => arg.Replace(MemoryMbPlaceholder, memoryMb, StringComparison.Ordinal)), .. extraArguments ?? []];
    }
}

/// <summary>A language whose toolchain was found on this host, with the version it reported.</summary>
public sealed record DetectedLanguage(Language Language, string Version);
