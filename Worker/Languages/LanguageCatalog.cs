using System.Text.RegularExpressions;

namespace Judge.Worker.Languages;

/// <summary>
/// The languages Judge knows, as they sit on a Debian/Ubuntu x86-64 host. Paths are the host's;
/// the sandbox puts each at the same path in the language's minimal image. A language whose
/// toolchain cannot be located here is simply not in the list (the detector logs it).
/// </summary>
public static partial class LanguageCatalog
{
    private const string Multiarch = "/usr/lib/x86_64-linux-gnu";

    /// <summary>What the GNU toolchain (gcc/g++ driver, cc1, as, ld) needs to compile and link a dynamic executable.</summary>
    private static readonly string[] GnuToolchain =
    [
        "/usr/lib/gcc/x86_64-linux-gnu", "/usr/include", "/usr/bin/as", "/usr/bin/ld",
        $"{Multiarch}/Scrt1.o", $"{Multiarch}/crt1.o", $"{Multiarch}/crti.o", $"{Multiarch}/crtn.o",
        $"{Multiarch}/libc.so", $"{Multiarch}/libc_nonshared.a", $"{Multiarch}/libm.so", $"{Multiarch}/libmvec.so",
        $"{Multiarch}/libc.so.6", $"{Multiarch}/libm.so.6", $"{Multiarch}/libmvec.so.1", $"{Multiarch}/libgcc_s.so.1",
        $"{Multiarch}/libstdc++.so.6", "/lib64/ld-linux-x86-64.so.2",
        // Empty since glibc 2.34 (all merged into libc), but rustc and old build habits still pass -lpthread -ldl -lrt -lutil.
        $"{Multiarch}/libpthread.a", $"{Multiarch}/libdl.a", $"{Multiarch}/librt.a", $"{Multiarch}/libutil.a",
    ];

    /// <summary>
    /// The shared libraries a program built by gcc, g++ or rustc may link. The program itself exists
    /// only inside the sandbox, under the read-only /prog bind, so the image builder cannot read its
    /// DT_NEEDED: these are named instead.
    /// </summary>
    private static readonly string[] NativeRuntime =
    [
        "/lib64/ld-linux-x86-64.so.2", $"{Multiarch}/libc.so.6", $"{Multiarch}/libm.so.6",
        $"{Multiarch}/libmvec.so.1", $"{Multiarch}/libgcc_s.so.1", $"{Multiarch}/libstdc++.so.6",
    ];

    private static readonly string[] NativeRun = [$"{Language.ProgramDirectory}/main"];

    // Several files (docs/languages.md): which are sources, and what marks the one to run.
    private static readonly string[] CSources = [".c"];
    private static readonly string[] CppSources = [".cpp", ".cc", ".cxx"];
    private static readonly Regex PythonMain = new(@"^if\s+__name__\s*==\s*['""]__main__['""]\s*:", RegexOptions.Multiline);
    private static readonly Regex JavaMain = new(@"\bstatic\b[^;{}]*\bvoid\s+main\s*\(");
    private static readonly Regex RustMain = new(@"\bfn\s+main\s*\(");
    private static readonly Regex PascalProgram = new(@"^\s*program\b", RegexOptions.Multiline | RegexOptions.IgnoreCase);

    public static IReadOnlyList<Language> ForThisHost(string? rustToolchain = null) =>
    [
        C(),
        Cpp("cpp17", "C++17", "c++17"),
        Cpp("cpp20", "C++20", "c++20"),
        Python(),
        .. Java(),
        JavaScript(),
        .. Rust(rustToolchain),
        .. Pascal(),
        Bash(),
        Perl(),
        .. FromDebian(),
    ];

    public static Language C() => new()
    {
        Id = "c",
        Name = "C (GCC, C17)",
        SourceFile = "main.c",
        Compile = ["/usr/bin/gcc", "-std=c17", "-O2", "-pipe", "-o", "main", "main.c", "-lm"],
        CompileWith = GnuToolchain,
        SourceExtensions = CSources,
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = ["/usr/bin/gcc", "--version"],
    };

    public static Language Cpp(string id, string name, string standard) => new()
    {
        Id = id,
        Name = $"{name} (GCC)",
        SourceFile = "main.cpp",
        Compile = ["/usr/bin/g++", $"-std={standard}", "-O2", "-pipe", "-o", "main", "main.cpp"],
        CompileWith = GnuToolchain,
        SourceExtensions = CppSources,
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = ["/usr/bin/g++", "--version"],
    };

    /// <summary>Debian's interpreter, not whatever python3 is first on the worker's PATH (pyenv and friends). The compile
    /// step is a syntax check of every file (<see cref="PythonSyntaxCheck"/>).</summary>
    public static Language Python() => new()
    {
        Id = "python3",
        Name = "Python 3",
        SourceFile = "main.py",
        Compile = ["/usr/bin/python3", "-B", "-c", PythonSyntaxCheck, "main.py"],
        CompileOnlyChecks = true,
        CompileWith = PythonLibraries(),
        Run = ["/usr/bin/python3", "-B", $"{Language.ProgramDirectory}/main.py"],
        RunWith = PythonLibraries(),
        Environment = new Dictionary<string, string> { ["PYTHONIOENCODING"] = "utf-8" },
        SourceExtensions = [".py"],
        EntryMarker = PythonMain,
        VersionCommand = ["/usr/bin/python3", "--version"],
    };

    /// <summary>
    /// The JVM reserves its heap up front and lives on top of it (metaspace, code cache, thread
    /// stacks, GC structures). So the program's limit caps the heap (-Xmx) and the sandbox gets
    /// <see cref="Language.RunMemoryOverheadBytes"/> more, or every Java program would be MLE.
    /// Serial GC and C1 only keep the JVM small and quick to start on a judge.
    /// </summary>
    public static IEnumerable<Language> Java()
    {
        var javaHome = JavaHome();
        if (javaHome is null)
            yield break;
        string[] jvmFlags = JvmFlags;
        string[] with = JvmFiles(javaHome);
        yield return new Language
        {
            Id = "java",
            Name = "Java",
            SourceFile = "Main.java",
            Compile = [$"{javaHome}/bin/javac", "-J-Xmx512m", .. jvmFlags.Select(f => "-J" + f), "-encoding", "UTF-8", "-d", ".", "Main.java"],
            CompileWith = with,
            Run = [.. JvmRun(javaHome), "-cp", Language.ProgramDirectory, "Main"],
            SourceExtensions = [".java"],
            EntryMarker = JavaMain,
            EntryArgument = "Main",
            OutOfMemoryExitCode = 3,
            OutOfMemoryMessage = "java.lang.OutOfMemoryError",
            RunWith = with,
            RunMemoryOverheadBytes = 192L << 20,
            MinRunProcesses = 64,
            VersionCommand = [$"{javaHome}/bin/javac", "-version"],
        };
    }

    private static readonly string[] JvmFlags = ["-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:-UsePerfData", "-Xshare:auto"];

    private static string[] JvmFiles(string javaHome) =>
        [javaHome, .. ExistingDirectories("/etc/java-17-openjdk", "/etc/java-21-openjdk", "/etc/java-11-openjdk")];

    /// <summary>The JVM of a run: heap capped at the test's memory limit, and a heap that runs out ends it (exit 3).</summary>
    private static string[] JvmRun(string javaHome) =>
        [$"{javaHome}/bin/java", $"-Xmx{Language.MemoryMbPlaceholder}m", "-Xss64m", "-XX:+ExitOnOutOfMemoryError", .. JvmFlags];

    public static Language JavaScript() => new()
    {
        Id = "javascript",
        Name = "JavaScript (Node.js)",
        SourceFile = "main.js",
        Compile = ["/usr/bin/node", "--check", "main.js"],
        CompileOnlyChecks = true,
        Run = ["/usr/bin/node", $"{Language.ProgramDirectory}/main.js"],
        SourceExtensions = [".js", ".mjs", ".cjs"],
        CompilesEntryOnly = true,
        // V8 and libuv start a handful of threads of their own.
        MinRunProcesses = 32,
        VersionCommand = ["/usr/bin/node", "--version"],
    };

    /// <summary>rustc from a rustup toolchain (the toolchain's own binary, not the rustup proxy), linking with gcc.</summary>
    public static IEnumerable<Language> Rust(string? toolchain)
    {
        toolchain ??= RustToolchain();
        if (toolchain is null)
            yield break;
        yield return new Language
        {
            Id = "rust",
            Name = "Rust",
            SourceFile = "main.rs",
            Compile = [$"{toolchain}/bin/rustc", "--edition=2021", "-O", "-C", "linker=/usr/bin/gcc", "-o", "main", "main.rs"],
            CompileWith = [$"{toolchain}/lib", "/usr/bin/gcc", .. GnuToolchain],
            SourceExtensions = [".rs"],
            CompilesEntryOnly = true,
            EntryMarker = RustMain,
            Run = NativeRun,
            RunWith = NativeRuntime,
            VersionCommand = [$"{toolchain}/bin/rustc", "--version"],
        };
    }

    /// <summary>Free Pascal's compiler proper (ppcx64), told exactly where the RTL is instead of reading /etc/fpc.cfg. Given the
    /// program, it finds the units it uses (<c>uses adder;</c>) as files beside it (<c>adder.pas</c>) and compiles them.</summary>
    public static IEnumerable<Language> Pascal()
    {
        var units = Directory.Exists($"{Multiarch}/fpc")
            ? Directory.GetDirectories($"{Multiarch}/fpc", "x86_64-linux", SearchOption.AllDirectories).Order().LastOrDefault()
            : null;
        if (units is null)
            yield break;
        yield return new Language
        {
            Id = "pascal",
            Name = "Pascal (Free Pascal)",
            SourceFile = "main.pas",
            Compile = ["/usr/bin/ppcx64", "-n", "-O2", "-XS", "-Xs", $"-Fu{units}/rtl", $"-Fu{units}/rtl-objpas", "-omain", "main.pas"],
            CompileWith = [$"{units}/rtl", $"{units}/rtl-objpas", "/usr/bin/ld.bfd", "/usr/bin/ld"],
            SourceExtensions = [".pas", ".pp"],
            CompilesEntryOnly = true,
            EntryMarker = PascalProgram,
            Run = NativeRun,
            RunWith = NativeRuntime,
            VersionCommand = ["/usr/bin/ppcx64", "-iV"],
        };
    }

    public static Language Bash() => new()
    {
        Id = "bash",
        Name = "Bash",
        SourceFile = "main.sh",
        Compile = ["/usr/bin/bash", "-n", "main.sh"],
        CompileOnlyChecks = true,
        Run = ["/usr/bin/bash", $"{Language.ProgramDirectory}/main.sh"],
        SourceExtensions = [".sh"],
        CompilesEntryOnly = true,
        VersionCommand = ["/usr/bin/bash", "--version"],
    };

    public static Language Perl() => new()
    {
        Id = "perl",
        Name = "Perl 5",
        SourceFile = "main.pl",
        // perl -c runs BEGIN blocks and use statements: in the compile step's sandbox, like any compiler.
        Compile = ["/usr/bin/perl", "-c", "main.pl"],
        CompileOnlyChecks = true,
        CompileWith = PerlLibraries(),
        Run = ["/usr/bin/perl", $"{Language.ProgramDirectory}/main.pl"],
        RunWith = PerlLibraries(),
        SourceExtensions = [".pl", ".pm"],
        CompilesEntryOnly = true,
        // The image has no locale data: without this every run warns "Setting locale failed".
        Environment = new Dictionary<string, string> { ["LANG"] = "C", ["LC_ALL"] = "C" },
        VersionCommand = ["/usr/bin/perl", "-e", "print \"$^V\\n\""],
    };

    /// <summary>
    /// What <c>python3 -m py_compile</c> checks (the files' compilation to bytecode), without writing bytecode and without
    /// py_compile's imports, which cost about 90 ms of CPU per submission against about 11 ms for this (docs/benchmarks.md).
    /// Python's own message for each file that does not compile; exit 1 if any.
    /// </summary>
    private const string PythonSyntaxCheck = """
        import sys
        failed = False
        for name in sys.argv[1:]:
            try:
                with open(name, "rb") as source:
                    compile(source.read(), name, "exec", dont_inherit=True)
            except (SyntaxError, ValueError) as error:
                import traceback
                sys.stderr.write("".join(traceback.format_exception_only(error)))
                failed = True
        sys.exit(failed)
        """;

    private static string[] PythonLibraries() =>
        ExistingDirectories(Directory.Exists("/usr/lib") ? Directory.GetDirectories("/usr/lib", "python3.*") : []);

    private static string[] PerlLibraries() =>
        ExistingDirectories("/usr/share/perl", "/usr/share/perl5", $"{Multiarch}/perl", $"{Multiarch}/perl5", $"{Multiarch}/perl-base");

    /// <summary>The JDK that /usr/bin/javac belongs to (Debian's alternatives link to it).</summary>
    private static string? JavaHome()
    {
        var javac = ResolveLinks("/usr/bin/javac");
        var home = javac is null ? null : Path.GetDirectoryName(Path.GetDirectoryName(javac));
        return home is not null && File.Exists($"{home}/bin/java") ? home : null;
    }

    private static string? RustToolchain()
    {
        var home = System.Environment.GetEnvironmentVariable("RUSTUP_HOME") ?? "/root/.rustup";
        var toolchains = $"{home}/toolchains";
        return Directory.Exists(toolchains)
            ? Directory.GetDirectories(toolchains, "stable-*").Order().FirstOrDefault(dir => File.Exists($"{dir}/bin/rustc"))
            : null;
    }

    internal static string? ResolveLinks(string path)
    {
        if (!File.Exists(path))
            return null;
        var target = new FileInfo(path).ResolveLinkTarget(returnFinalTarget: true);
        return target?.FullName ?? path;
    }

    private static string[] ExistingDirectories(params string[] paths) => paths.Where(Directory.Exists).ToArray();
}
