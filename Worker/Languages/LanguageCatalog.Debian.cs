using System.Text.RegularExpressions;
using Judge.Data;

namespace Judge.Worker.Languages;

/// <summary>
/// The languages Judge0 CE offers whose toolchain Debian 12 packages (<c>scripts/languages.sh</c> installs
/// them all). Each is found at the path Debian's package puts it; a missing one is simply not offered.
/// The table of keys, Judge0 ids, versions and limits is in <c>docs/languages.md</c>.
/// </summary>
public static partial class LanguageCatalog
{
    public static IReadOnlyList<Language> FromDebian() =>
    [
        .. Go(),
        Ruby(),
        Php(),
        Lua(),
        ClangC(),
        ClangCpp(),
        Fortran(),
        D(),
        ObjectiveC(),
        Sqlite(),
        OCaml(),
        Cobol(),
        Haskell(),
        CommonLisp(),
        TypeScript(),
        Prolog(),
        CSharp(),
        R(),
        .. Kotlin(),
        .. Scala(),
        .. Groovy(),
        .. Clojure(),
        Nasm(),
        Octave(),
        .. Erlang(),
        .. Elixir(),
    ];

    /// <summary>
    /// <c>go build</c> on one file, outside any module. Debian's Go 1.19 ships the standard library precompiled;
    /// go build still reads its sources to see that it is up to date, hence the whole GOROOT (src links to
    /// /usr/share). Its build cache goes to the compile step's /tmp, thrown away with it.
    /// </summary>
    public static IEnumerable<Language> Go()
    {
        var go = ResolveLinks("/usr/bin/go");
        var root = go is null ? null : Path.GetDirectoryName(Path.GetDirectoryName(go));
        if (root is null)
            yield break;
        yield return new Language
        {
            Id = "go",
            Name = "Go",
            SourceFile = "main.go",
            Compile = [$"{root}/bin/go", "build", "-o", "main", "main.go"],
            SourceExtensions = [".go"],
            CompileWith = [root, .. ExistingDirectories($"/usr/share/{Path.GetFileName(root)}")],
            Environment = new Dictionary<string, string>
            {
                ["GOCACHE"] = "/tmp/go-cache", ["GOPATH"] = "/tmp/go", ["GO111MODULE"] = "off", ["CGO_ENABLED"] = "0",
            },
            Run = NativeRun,
            // The runtime starts a thread per busy core for its scheduler and garbage collector.
            MinRunProcesses = 32,
            VersionCommand = [$"{root}/bin/go", "version"],
        };
    }

    public static Language Ruby() => new()
    {
        Id = "ruby",
        Name = "Ruby",
        SourceFile = "main.rb",
        Compile = ["/usr/bin/ruby", "-c", "main.rb"],
        CompileOnlyChecks = true,
        CompileWith = ["/usr/lib/ruby", $"{Multiarch}/ruby"],
        Run = ["/usr/bin/ruby", $"{Language.ProgramDirectory}/main.rb"],
        RunWith = ["/usr/lib/ruby", $"{Multiarch}/ruby"],
        SourceExtensions = [".rb"],
        CompilesEntryOnly = true,
        // Ruby starts a timer thread.
        MinRunProcesses = 8,
        VersionCommand = ["/usr/bin/ruby", "--version"],
    };

    /// <summary>No php.ini (-n): only what is built in. PHP's own memory_limit is lifted so that the sandbox's limit is the one that counts (MLE, not a fatal error).</summary>
    public static Language Php() => new()
    {
        Id = "php",
        Name = "PHP",
        SourceFile = "main.php",
        Compile = ["/usr/bin/php", "-n", "-l", "main.php"],
        CompileOnlyChecks = true,
        SourceExtensions = [".php"],
        CompilesEntryOnly = true,
        Run = ["/usr/bin/php", "-n", "-d", "memory_limit=-1", "-d", "date.timezone=UTC", "-d", "display_errors=stderr",
               $"{Language.ProgramDirectory}/main.php"],
        // Debian's PHP reads time zones from the system's database.
        RunWith = ["/usr/share/zoneinfo/UTC"],
        VersionCommand = ["/usr/bin/php", "-n", "-v"],
    };

    public static Language Lua() => new()
    {
        Id = "lua",
        Name = "Lua",
        SourceFile = "main.lua",
        // luac's parse-only mode, when Debian's liblua5.4-dev (or lua5.4's own luac) is there.
        Compile = File.Exists("/usr/bin/luac5.4") ? ["/usr/bin/luac5.4", "-p", "main.lua"] : null,
        CompileOnlyChecks = true,
        Run = ["/usr/bin/lua5.4", $"{Language.ProgramDirectory}/main.lua"],
        SourceExtensions = [".lua"],
        // Debian 12's luac 5.4.4 aborts (double free) when -p is given several files.
        CompilesEntryOnly = true,
        VersionCommand = ["/usr/bin/lua5.4", "-v"],
    };

    /// <summary>The LLVM that /usr/bin/clang belongs to (/usr/lib/llvm-14 on Debian 12).</summary>
    private static string Llvm => ResolveLinks("/usr/bin/clang") is { } clang
        ? Path.GetDirectoryName(Path.GetDirectoryName(clang))!
        : "/usr/lib/llvm-14";

    /// <summary>Clang with its own headers, linking with GNU ld against gcc's crt files and libgcc.</summary>
    private static string[] ClangToolchain() => [$"{Llvm}/lib/clang", .. GnuToolchain];

    public static Language ClangC() => new()
    {
        Id = "c-clang",
        Name = "C (Clang, C17)",
        SourceFile = "main.c",
        Compile = [$"{Llvm}/bin/clang", "-std=c17", "-O2", "-pipe", "-o", "main", "main.c", "-lm"],
        CompileWith = ClangToolchain(),
        SourceExtensions = CSources,
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = [$"{Llvm}/bin/clang", "--version"],
    };

    /// <summary>clang++ is a link to clang, and the detector resolves links: the driver mode says C++ instead.</summary>
    public static Language ClangCpp() => new()
    {
        Id = "cpp-clang",
        Name = "C++17 (Clang)",
        SourceFile = "main.cpp",
        Compile = [$"{Llvm}/bin/clang", "--driver-mode=g++", "-std=c++17", "-O2", "-pipe", "-o", "main", "main.cpp"],
        CompileWith = ClangToolchain(),
        SourceExtensions = CppSources,
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = [$"{Llvm}/bin/clang", "--version"],
    };

    /// <summary>libgfortran linked in statically, so a run needs no more than a C program's. gfortran compiles its files in
    /// the order given and a <c>use</c> reads the module's <c>.mod</c>, written when its file was compiled: so a file that
    /// defines a module comes before the files that use it (<see cref="FortranModules"/>).</summary>
    public static Language Fortran() => new()
    {
        Id = "fortran",
        Name = "Fortran (GFortran)",
        SourceFile = "main.f90",
        Compile = ["/usr/bin/gfortran", "-O2", "-pipe", "-static-libgfortran", "-o", "main", "main.f90"],
        CompileWith = GnuToolchain,
        SourceExtensions = [".f90", ".f95", ".f03", ".f08"],
        Modules = FortranModules,
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = ["/usr/bin/gfortran", "--version"],
    };

    /// <summary>GDC, GCC's D front end, linking Phobos as a shared library. gdc always adds -lz (its libgphobos.spec).</summary>
    public static Language D() => new()
    {
        Id = "d",
        Name = "D (GDC)",
        SourceFile = "main.d",
        Compile = ["/usr/bin/gdc", "-O2", "-pipe", "-o", "main", "main.d"],
        SourceExtensions = [".d"],
        CompileWith = [.. GnuToolchain, .. DRuntime, $"{Multiarch}/libz.so"],
        Run = NativeRun,
        RunWith = [.. NativeRuntime, .. DRuntime],
        VersionCommand = ["/usr/bin/gdc", "--version"],
    };

    private static readonly string[] DRuntime = [$"{Multiarch}/libgphobos.so.3", $"{Multiarch}/libgdruntime.so.3"];

    /// <summary>GCC's Objective-C with the GNU runtime (libobjc), without GNUstep's Foundation: Debian's gobjc.</summary>
    public static Language ObjectiveC() => new()
    {
        Id = "objective-c",
        Name = "Objective-C (GCC)",
        SourceFile = "main.m",
        Compile = ["/usr/bin/gcc", "-O2", "-pipe", "-o", "main", "main.m", "-lobjc"],
        SourceExtensions = [".m"],
        CompileWith = [.. GnuToolchain, $"{Multiarch}/libobjc.so.4"],
        Run = NativeRun,
        RunWith = [.. NativeRuntime, $"{Multiarch}/libobjc.so.4"],
        VersionCommand = ["/usr/bin/gcc", "--version"],
    };

    /// <summary>
    /// The program is SQL, run by the sqlite3 shell on an empty in-memory database; it stops at the first error
    /// (-bail). The test's input is there to read as <c>readfile('/dev/stdin')</c>.
    /// </summary>
    public static Language Sqlite() => new()
    {
        Id = "sqlite",
        Name = "SQL (SQLite)",
        SourceFile = "main.sql",
        Run = ["/usr/bin/sqlite3", "-bail", "-batch", ":memory:", $".read {Language.ProgramDirectory}/main.sql"],
        VersionCommand = ["/usr/bin/sqlite3", "-version"],
    };

    /// <summary>
    /// For compilers that run the C compiler or assembler through system(3), by the names Debian's build gave
    /// them (ocamlopt, cobc, ghc): a shell in the compile image, and gcc's and as's target-prefixed names.
    /// Only the compile step gets the shell.
    /// </summary>
    private static readonly string[] GnuToolchainForDrivers =
    [
        "/bin/sh", "/usr/bin/gcc", "/usr/bin/x86_64-linux-gnu-gcc", "/usr/bin/x86_64-linux-gnu-as", .. GnuToolchain,
    ];

    /// <summary>A program that is a COBOL main program: no <c>PROCEDURE DIVISION USING</c>, which only a subprogram has (it is
    /// given its caller's data). Matches at the start of a file that has none.</summary>
    private static readonly Regex CobolMain = new(@"\A(?![\s\S]*\bPROCEDURE\s+DIVISION\s+USING\b)", RegexOptions.IgnoreCase);

    private static readonly Regex FortranComment = new("!.*$", RegexOptions.Multiline);
    private static readonly Regex FortranModule = new(@"^\s*module\s+(\w+)\s*(;|$)", RegexOptions.Multiline | RegexOptions.IgnoreCase);
    private static readonly Regex FortranUse = new(@"^\s*use\b(\s*,\s*\w+)?(\s*::)?\s*(\w+)", RegexOptions.Multiline | RegexOptions.IgnoreCase);

    /// <summary>The modules a Fortran file defines (<c>module adder</c>, not <c>module procedure</c>) and uses (<c>use adder</c>,
    /// <c>use, intrinsic :: iso_fortran_env</c>), in lower case as Fortran's names are; comments left out.</summary>
    private static (IReadOnlyCollection<string>, IReadOnlyCollection<string>) FortranModules(SubmissionFile file)
    {
        var code = FortranComment.Replace(file.Content, "");
        return (FortranModule.Matches(code).Select(m => m.Groups[1].Value.ToLowerInvariant()).ToHashSet(),
                FortranUse.Matches(code).Select(m => m.Groups[3].Value.ToLowerInvariant()).ToHashSet());
    }

    private static readonly Regex OCamlCommentOrLiteral = new(@"\(\*[\s\S]*?\*\)|""(?:[^""\\]|\\.)*""|'(?:[^'\\]|\\.)'");
    private static readonly Regex OCamlCapitalized = new(@"\b[A-Z][A-Za-z0-9_']*");

    /// <summary>An OCaml file defines the module named after it (<c>adder.ml</c>: <c>Adder</c>) and may use any capitalized name
    /// in its code, outside comments and literals, as ocamldep reads it: a constructor that happens to be named like another
    /// file's module only orders the two. An implementation also uses its own interface, which comes first.</summary>
    private static (IReadOnlyCollection<string>, IReadOnlyCollection<string>) OCamlModules(SubmissionFile file)
    {
        var stem = Path.GetFileNameWithoutExtension(file.Name);
        var module = stem.Length > 0 ? char.ToUpperInvariant(stem[0]) + stem[1..] : stem;
        var uses = OCamlCapitalized.Matches(OCamlCommentOrLiteral.Replace(file.Content, " ")).Select(m => m.Value).ToHashSet();
        if (FileNames.Extension(file.Name) == ".ml")
            uses.Add(module);
        return ([module], uses);
    }

    /// <summary>ocamlopt to native code (it assembles and links with gcc through the shell). It compiles its files in the
    /// order given, and a module must be compiled before its users (<see cref="OCamlModules"/>).</summary>
    public static Language OCaml() => new()
    {
        Id = "ocaml",
        Name = "OCaml",
        SourceFile = "main.ml",
        Compile = ["/usr/bin/ocamlopt.opt", "-o", "main", "main.ml"],
        CompileWith = ["/usr/lib/ocaml", .. GnuToolchainForDrivers],
        SourceExtensions = [".ml", ".mli"],
        Modules = OCamlModules,
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = ["/usr/bin/ocamlopt.opt", "-version"],
    };

    /// <summary>GnuCOBOL translates to C and builds it with gcc; free-format source, as Judge0 compiles it. Of several files,
    /// the first one's program is the main one (<c>-x</c>) and the others' are subprograms it CALLs.</summary>
    public static Language Cobol() => new()
    {
        Id = "cobol",
        Name = "COBOL (GnuCOBOL)",
        SourceFile = "main.cob",
        Compile = ["/usr/bin/cobc", "-free", "-x", "-O", "-o", "main", "main.cob"],
        SourceExtensions = [".cob", ".cbl"],
        CompilesEntryFirst = true,
        EntryMarker = CobolMain,
        CompileWith = ["/usr/share/gnucobol", "/etc/gnucobol", $"{Multiarch}/libcob.so", .. GnuToolchainForDrivers],
        Run = NativeRun,
        RunWith = [.. NativeRuntime, $"{Multiarch}/libcob.so.4"],
        VersionCommand = ["/usr/bin/cobc", "--version"],
    };

    /// <summary>
    /// GHC's own binary with its library directory (-B), as Debian's ghc wrapper script runs it. It links with
    /// gold, GMP and libffi; the program needs the last two at run time. Given several files, it builds them as one program
    /// (<c>--make</c>), each module after those it imports, whose <c>main</c> is in the module <c>Main</c>.
    /// </summary>
    public static Language Haskell() => new()
    {
        Id = "haskell",
        Name = "Haskell (GHC)",
        SourceFile = "main.hs",
        Compile = ["/usr/lib/ghc/bin/ghc", "-B/usr/lib/ghc", "-O", "-o", "main", "main.hs"],
        SourceExtensions = [".hs"],
        CompileWith = ["/usr/lib/ghc", "/var/lib/ghc", "/usr/bin/ld.gold", $"{Multiarch}/libgmp.so", $"{Multiarch}/libffi.so", .. GnuToolchainForDrivers],
        Run = NativeRun,
        RunWith = [.. NativeRuntime, $"{Multiarch}/libgmp.so.10", $"{Multiarch}/libffi.so.8"],
        VersionCommand = ["/usr/lib/ghc/bin/ghc", "-B/usr/lib/ghc", "--version"],
    };

    /// <summary>SBCL running the source as a script (Judge0 does the same). Its heap is reserved, not used, so the sandbox's limit is what a hog meets.</summary>
    public static Language CommonLisp() => new()
    {
        Id = "common-lisp",
        Name = "Common Lisp (SBCL)",
        SourceFile = "main.lisp",
        Run = ["/usr/bin/sbcl", "--script", $"{Language.ProgramDirectory}/main.lisp"],
        RunWith = ["/usr/lib/sbcl"],
        VersionCommand = ["/usr/bin/sbcl", "--version"],
    };

    /// <summary>Debian's tsc, run by node, to JavaScript beside the source; a type error fails the compile step (exit 2). Files
    /// import each other as CommonJS modules (<c>import { add } from "./adder"</c>), which node runs from a <c>.js</c> file
    /// (it would refuse an ES module's <c>import</c>).</summary>
    public static Language TypeScript() => new()
    {
        Id = "typescript",
        Name = "TypeScript",
        SourceFile = "main.ts",
        Compile = ["/usr/bin/node", "/usr/share/nodejs/typescript/bin/tsc", "--target", "es2020", "--module", "commonjs", "--outDir", ".", "main.ts"],
        CompileWith = ["/usr/share/nodejs/typescript"],
        Run = ["/usr/bin/node", $"{Language.ProgramDirectory}/main.js"],
        SourceExtensions = [".ts"],
        EntryArgument = $"{Language.ProgramDirectory}/main.js",
        EntryArgumentOf = name => $"{Language.ProgramDirectory}/{Path.GetFileNameWithoutExtension(name)}.js",
        MinRunProcesses = 32,
        VersionCommand = ["/usr/bin/node", "/usr/share/nodejs/typescript/bin/tsc", "--version"],
    };

    private const string GnuProlog = "/usr/lib/gprolog";

    /// <summary>
    /// GNU Prolog (Judge0's Prolog) compiled to a native program; the program runs <c>main</c> through
    /// <c>:- initialization(main).</c>. gplc finds its helpers (pl2wam, wam2ma, ma2asm) on PATH. Its stacks are
    /// fixed in size: the global stack is made large (GLOBALSZ, in KB) so that the memory limit, not the stack,
    /// is what a hog meets; the pages are only reserved until used. Several files are compiled and linked together.
    /// </summary>
    public static Language Prolog() => new()
    {
        Id = "prolog",
        Name = "Prolog (GNU Prolog)",
        SourceFile = "main.pl",
        Compile = [$"{GnuProlog}/bin/gplc", "--no-top-level", "-o", "main", "main.pl"],
        SourceExtensions = [".pl", ".pro"],
        CompileWith = [GnuProlog, .. GnuToolchainForDrivers],
        Environment = new Dictionary<string, string> { ["PATH"] = $"{GnuProlog}/bin:/usr/bin:/bin", ["GLOBALSZ"] = "1048576" },
        Run = NativeRun,
        RunWith = NativeRuntime,
        VersionCommand = [$"{GnuProlog}/bin/gplc", "--version"],
    };

    private const string MonoLibrary = "/usr/lib/mono/4.5";

    /// <summary>
    /// Mono's C# compiler (mcs.exe, which Debian's mcs script runs) and runtime, as Judge0's C# is. Mono loads its
    /// native half (libmono-native) with dlopen, so the images name it. Mono's own footprint is a few MiB: it
    /// gets no memory on top of the limit, and a heap that runs out in Mono's own accounting is MLE too.
    /// </summary>
    public static Language CSharp() => new()
    {
        Id = "csharp",
        Name = "C# (Mono)",
        SourceFile = "main.cs",
        Compile = ["/usr/bin/mono", $"{MonoLibrary}/mcs.exe", "-optimize+", "-out:main.exe", "main.cs"],
        SourceExtensions = [".cs"],
        CompileWith = ["/usr/lib/mono", .. MonoRuntime],
        Run = ["/usr/bin/mono", $"{Language.ProgramDirectory}/main.exe"],
        RunWith = [MonoLibrary, "/usr/lib/mono/gac", .. MonoRuntime],
        OutOfMemoryMessage = "System.OutOfMemoryException",
        // The finalizer thread, and SGen's workers.
        MinRunProcesses = 16,
        VersionCommand = ["/usr/bin/mono", $"{MonoLibrary}/mcs.exe", "--version"],
    };

    private static readonly string[] MonoRuntime = ["/etc/mono", "/usr/lib/libmono-native.so", "/usr/lib/libmono-native.so.0"];

    /// <summary>
    /// R's own binary, with the environment Debian's R script would give it. R runs programs through a shell:
    /// utils, which every session loads, asks <c>which</c> for programs when it loads, and R removes its
    /// temporary directory with <c>rm</c>; so the run's image has sh, which, uname and rm.
    /// </summary>
    public static Language R() => new()
    {
        Id = "r",
        Name = "R",
        SourceFile = "main.r",
        Run = ["/usr/lib/R/bin/exec/R", "--vanilla", "--slave", "-f", $"{Language.ProgramDirectory}/main.r"],
        RunWith = ["/usr/lib/R", "/usr/share/R", "/etc/R", "/bin/sh", "/usr/bin/which", "/usr/bin/uname", "/usr/bin/rm"],
        Environment = new Dictionary<string, string>
        {
            ["R_HOME"] = "/usr/lib/R", ["R_SHARE_DIR"] = "/usr/share/R/share", ["LANG"] = "C", ["LC_ALL"] = "C",
        },
        OutOfMemoryMessage = "cannot allocate vector",
        MinRunProcesses = 8,
        // R wants at least R_MAX_NUM_DLLS (100, its least) / 0.6 open files.
        RunOpenFiles = 256,
        VersionCommand = ["/usr/bin/R", "--version"],
    };

    private const string KotlinLib = "/usr/share/kotlin/kotlinc/lib";

    private static readonly Regex KotlinMain = new(@"\bfun\s+main\s*\(");
    private static readonly Regex ScalaMain = new(@"\bdef\s+main\s*\(");

    /// <summary>The class kotlinc makes of a file's top-level functions: its name without the extension, each character that
    /// is not a letter or digit made <c>_</c>, <c>_</c> before a leading digit, the first letter capitalized, then <c>Kt</c>
    /// (<c>my-solution.kt</c>: <c>My_solutionKt</c>). A <c>package</c> or <c>@file:JvmName</c> in the file is not followed.</summary>
    internal static string KotlinFileClass(string fileName)
    {
        var name = Regex.Replace(Path.GetFileNameWithoutExtension(fileName), @"[^\p{L}\p{Nd}]", "_");
        name = name.Length > 0 && char.IsDigit(name[0]) ? "_" + name : name;
        return name.Length > 0 ? char.ToUpperInvariant(name[0]) + name[1..] + "Kt" : "_Kt";
    }

    /// <summary>
    /// Kotlin on the JDK that Java uses, with Java's limits and flags: the compiler is started as Debian's kotlinc
    /// script starts it (the preloader, then K2JVMCompiler), and a run puts the standard library on the class path.
    /// Several files are compiled together; the run is the class of the file with <c>fun main</c> (<see cref="KotlinFileClass"/>).
    /// </summary>
    public static IEnumerable<Language> Kotlin()
    {
        var javaHome = JavaHome();
        if (javaHome is null || !Directory.Exists(KotlinLib))
            yield break;
        string[] compiler = [$"{javaHome}/bin/java", "-Xmx512m", .. JvmFlags, "-Dkotlin.home=/usr/share/kotlin/kotlinc",
            "-cp", $"{KotlinLib}/kotlin-preloader.jar", "org.jetbrains.kotlin.preloading.Preloader",
            "-cp", $"{KotlinLib}/kotlin-compiler.jar", "org.jetbrains.kotlin.cli.jvm.K2JVMCompiler"];
        yield return new Language
        {
            Id = "kotlin",
            Name = "Kotlin",
            SourceFile = "main.kt",
            Compile = [.. compiler, "-d", ".", "main.kt"],
            CompileWith = [.. JvmFiles(javaHome), "/usr/share/kotlin", .. KotlinJars()],
            Run = [.. JvmRun(javaHome), "-cp", $"{Language.ProgramDirectory}:{KotlinLib}/kotlin-stdlib.jar", "MainKt"],
            RunWith = [.. JvmFiles(javaHome), $"{KotlinLib}/kotlin-stdlib.jar"],
            SourceExtensions = [".kt"],
            EntryMarker = KotlinMain,
            EntryArgument = "MainKt",
            EntryArgumentOf = KotlinFileClass,
            OutOfMemoryExitCode = 3,
            OutOfMemoryMessage = "java.lang.OutOfMemoryError",
            RunMemoryOverheadBytes = 192L << 20,
            MinRunProcesses = 64,
            VersionCommand = [.. compiler, "-version"],
        };
    }

    /// <summary>Kotlin's jars, named one by one: each is a link into /usr/share/java (sometimes through a second
    /// link), and a named path brings every link on its way and its target, where a directory's links stay dangling.</summary>
    private static string[] KotlinJars() => Directory.GetFiles(KotlinLib, "*.jar");

    private const string JavaLibraries = "/usr/share/java";

    /// <summary>A JVM language's run: Java's flags, heap cap at the limit, 192 MiB on top and 64 threads.</summary>
    private static Language OnTheJvm(Language language) => language with
    {
        OutOfMemoryExitCode = 3,
        OutOfMemoryMessage = "java.lang.OutOfMemoryError",
        RunMemoryOverheadBytes = 192L << 20,
        MinRunProcesses = 64,
    };

    /// <summary>
    /// Debian's Scala 2.11 compiler (what its scalac script runs: scala.tools.nsc.Main with the JDK's classes) and a run of
    /// <c>Main</c> with the Scala library on the class path. The jars are named by their real files in /usr/share/java.
    /// Several files are compiled together and the run is the object the file to run is named after, as Java's class.
    /// </summary>
    public static IEnumerable<Language> Scala()
    {
        var javaHome = JavaHome();
        var library = ResolveLinks($"{JavaLibraries}/scala-library.jar");
        if (javaHome is null || library is null)
            yield break;
        string[] jars = [.. new[] { "scala-compiler.jar", "scala-reflect.jar", "scala-xml.jar" }
            .Select(jar => ResolveLinks($"{JavaLibraries}/{jar}")).OfType<string>(), library];
        string[] compiler = [$"{javaHome}/bin/java", "-Xmx512m", .. JvmFlags, "-Dscala.usejavacp=true",
            "-cp", string.Join(':', jars), "scala.tools.nsc.Main"];
        yield return OnTheJvm(new Language
        {
            Id = "scala",
            Name = "Scala",
            SourceFile = "Main.scala",
            Compile = [.. compiler, "-d", ".", "Main.scala"],
            CompileWith = [.. JvmFiles(javaHome), .. jars],
            Run = [.. JvmRun(javaHome), "-cp", $"{Language.ProgramDirectory}:{library}", "Main"],
            RunWith = [.. JvmFiles(javaHome), library],
            SourceExtensions = [".scala"],
            EntryMarker = ScalaMain,
            EntryArgument = "Main",
            VersionCommand = [.. compiler, "-version"],
        });
    }

    /// <summary>Groovy compiled ahead (groovyc's FileSystemCompiler, as Judge0 does) to the script's class <c>main</c>, run with
    /// Groovy's runtime (groovy-all) on the class path. Several files are compiled together; each script is a class named
    /// after its file, and the run is the file to run's.</summary>
    public static IEnumerable<Language> Groovy()
    {
        var javaHome = JavaHome();
        var groovy = ResolveLinks($"{JavaLibraries}/groovy-all.jar");
        if (javaHome is null || groovy is null)
            yield break;
        yield return OnTheJvm(new Language
        {
            Id = "groovy",
            Name = "Groovy",
            SourceFile = "main.groovy",
            Compile = [$"{javaHome}/bin/java", "-Xmx512m", .. JvmFlags, "-cp", groovy, "org.codehaus.groovy.tools.FileSystemCompiler", "-d", ".", "main.groovy"],
            CompileWith = [.. JvmFiles(javaHome), groovy],
            Run = [.. JvmRun(javaHome), "-cp", $"{Language.ProgramDirectory}:{groovy}", "main"],
            RunWith = [.. JvmFiles(javaHome), groovy],
            SourceExtensions = [".groovy"],
            EntryArgument = "main",
            VersionCommand = [$"{javaHome}/bin/java", "-cp", groovy, "groovy.ui.GroovyMain", "--version"],
        });
    }

    /// <summary>Clojure runs the source as a script (clojure.main, as Judge0 and Debian's clojure script do): no compile
    /// step. Its jar's manifest names spec.alpha and core.specs.alpha by links under /usr/share/maven-repo; the class path
    /// names their real files instead.</summary>
    public static IEnumerable<Language> Clojure()
    {
        var javaHome = JavaHome();
        var clojure = ResolveLinks($"{JavaLibraries}/clojure.jar");
        if (javaHome is null || clojure is null)
            yield break;
        string[] jars = [clojure, .. new[] { "spec.alpha.jar", "core.specs.alpha.jar" }.Select(jar => ResolveLinks($"{JavaLibraries}/{jar}")).OfType<string>()];
        var classPath = string.Join(':', jars);
        yield return OnTheJvm(new Language
        {
            Id = "clojure",
            Name = "Clojure",
            SourceFile = "main.clj",
            Run = [.. JvmRun(javaHome), "-cp", classPath, "clojure.main", $"{Language.ProgramDirectory}/main.clj"],
            RunWith = [.. JvmFiles(javaHome), .. jars],
            VersionCommand = [$"{javaHome}/bin/java", "-cp", classPath, "clojure.main", "-e", "(println (clojure-version))"],
        });
    }

    /// <summary>
    /// NASM, then GNU ld, as Judge0's nasmld script does, as two fixed steps. The program is a static executable with its
    /// own <c>_start</c> (no libc), so a run needs nothing in its image. Of several files, NASM assembles the one with
    /// <c>global _start</c>, which reads the others with <c>%include</c> from its working directory, where they are.
    /// </summary>
    public static Language Nasm() => new()
    {
        Id = "nasm",
        Name = "Assembly (NASM)",
        SourceFile = "main.asm",
        Compile = ["/usr/bin/nasm", "-f", "elf64", "-o", "main.o", "main.asm"],
        ThenCompile = [["/usr/bin/ld", "-o", "main", "main.o"]],
        SourceExtensions = [".asm"],
        CompilesEntryOnly = true,
        EntryMarker = NasmStart,
        CompileWith = ["/usr/bin/nasm", "/usr/bin/ld"],
        Run = NativeRun,
        VersionCommand = ["/usr/bin/nasm", "-v"],
    };

    private static readonly Regex NasmStart = new(@"^\s*global\s+_start\b", RegexOptions.Multiline | RegexOptions.IgnoreCase);

    /// <summary>octave-cli on the script, as Judge0 runs it, without the user's or the site's start-up files.</summary>
    public static Language Octave() => new()
    {
        Id = "octave",
        Name = "Octave",
        SourceFile = "main.m",
        Run = ["/usr/bin/octave-cli", "--quiet", "--no-gui", "--no-history", "--no-init-file", "--no-site-file", $"{Language.ProgramDirectory}/main.m"],
        RunWith = ["/usr/share/octave", $"{Multiarch}/octave"],
        VersionCommand = ["/usr/bin/octave-cli", "--version"],
    };

    private const string ErlangRoot = "/usr/lib/erlang";

    /// <summary>The BEAM's own launcher (erlexec), with the environment Debian's erl script gives it.</summary>
    private static (string Erts, Dictionary<string, string> Environment)? Beam()
    {
        var erts = Directory.Exists(ErlangRoot) ? Directory.GetDirectories(ErlangRoot, "erts-*").Order().LastOrDefault() : null;
        if (erts is null)
            return null;
        return (erts, new Dictionary<string, string>
        {
            ["ROOTDIR"] = ErlangRoot, ["BINDIR"] = $"{erts}/bin", ["EMU"] = "beam", ["PROGNAME"] = "erl",
            // No erl_crash.dump in the program's directory when the BEAM dies (out of memory, an uncaught error at boot).
            ["ERL_CRASH_DUMP_SECONDS"] = "0",
        });
    }

    /// <summary>
    /// One scheduler of each kind that never spins waiting for work (spinning would be CPU time charged to the program),
    /// so a BEAM starts 9 threads whatever the host's cores.
    /// </summary>
    private static readonly string[] BeamFlags = ["+S", "1", "+SDcpu", "1", "+SDio", "1", "+sbwt", "none", "+sbwtdcpu", "none", "+sbwtdio", "none"];

    /// <summary>
    /// What the BEAM needs beyond the defaults. OTP 25's JIT keeps its code in memory files (memfd + ftruncate) of 8 MiB,
    /// then 16 and more as code is loaded, and the file size limit caps them: below it the BEAM dies of SIGXFSZ at
    /// start-up. So its runs may write files up to 256 MiB while stdout and stderr stay held to the output limit.
    /// </summary>
    private static Language OnTheBeam(Language language) => language with
    {
        MinFileSizeBytes = 256L << 20,
        MinRunProcesses = 16,
    };

    /// <summary>
    /// Erlang as Judge0 runs it: an escript (<c>main(Args)</c>, no module needed), whose first line escript skips, so Judge0
    /// puts a line before the source. The compile step does the same in two fixed steps: a constant Erlang expression writes
    /// main.escript ("#!" and the file named after -extra), then escript checks it (<c>escript -s</c>: a syntax or semantic
    /// error is CE). A run is what the escript program would start. Line numbers in messages count the added line.
    /// </summary>
    public static IEnumerable<Language> Erlang()
    {
        if (Beam() is not var (erts, environment))
            yield break;
        string[] erlexec = [$"{erts}/bin/erlexec", .. BeamFlags, "-noshell"];
        yield return OnTheBeam(new Language
        {
            Id = "erlang",
            Name = "Erlang (OTP)",
            SourceFile = "main.erl",
            Compile = [.. erlexec, "-eval",
                "[Source] = init:get_plain_arguments(), {ok, Code} = file:read_file(Source), ok = file:write_file(\"main.escript\", [\"#!\\n\", Code]), halt().",
                "-extra", "main.erl"],
            ThenCompile = [[.. erlexec, "-run", "escript", "start", "s", "-extra", "main.escript"]],
            CompileWith = [ErlangRoot],
            Run = [.. erlexec, "+B", "-boot", "start_clean", "-run", "escript", "start", "-extra", $"{Language.ProgramDirectory}/main.escript"],
            RunWith = [ErlangRoot],
            Environment = environment,
            VersionCommand = ["/usr/bin/erl", "-noshell", "-eval",
                "{ok, V} = file:read_file(filename:join([code:root_dir(), \"releases\", erlang:system_info(otp_release), \"OTP_VERSION\"])), io:put_chars(V), halt()."],
        });
    }

    private const string ElixirRoot = "/usr/lib/elixir";

    /// <summary>Elixir runs the source as a script (<c>elixir main.exs</c>, as Judge0): the BEAM started as Debian's elixir
    /// script starts it, with Elixir's applications on the code path. No compile step.</summary>
    public static IEnumerable<Language> Elixir()
    {
        if (Beam() is not var (erts, environment) || !Directory.Exists($"{ElixirRoot}/lib"))
            yield break;
        string[] codePath = [.. Directory.GetDirectories($"{ElixirRoot}/lib").Order().Select(app => $"{app}/ebin").Where(Directory.Exists)];
        yield return OnTheBeam(new Language
        {
            Id = "elixir",
            Name = "Elixir",
            SourceFile = "main.exs",
            Run = [$"{erts}/bin/erlexec", .. BeamFlags, "-pa", .. codePath, "-noshell", "-s", "elixir", "start_cli",
                "-extra", $"{Language.ProgramDirectory}/main.exs"],
            RunWith = [ErlangRoot, ElixirRoot],
            Environment = environment,
            VersionCommand = ["/usr/bin/elixir", "-e", "IO.puts(System.version())"],
        });
    }
}
