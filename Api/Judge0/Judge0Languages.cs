using System.Text.RegularExpressions;

namespace Judge.Api.Judge0;

/// <summary>One Judge0 CE 1.13 language id and the language of ours that runs it.</summary>
/// <param name="Label">The language as Judge0 names it, before the toolchain and version.</param>
/// <param name="Key">Our language id (the worker's catalog); null where we run nothing for it.</param>
/// <param name="Toolchain">Shown before the version, as Judge0 names its toolchains ("GCC" in "C (GCC 12.2.0)").</param>
/// <param name="Alias">One of several Judge0 ids for one language (C 48–50): it resolves to our toolchain, but
/// <c>/languages</c> lists only the id that is not an alias, so that a client's menu shows each language once.</param>
public sealed record Judge0Language(int Id, string Label, string? Key, string? Toolchain = null, bool Alias = false);

/// <summary>
/// The one table from Judge0 CE 1.13's language ids (43–89) to our language ids. A Judge0 id is usable while a live
/// worker offers its language, so a toolchain added to the worker's catalog lights up here with no other change;
/// its name shows the version that worker detected.
/// </summary>
public static partial class Judge0Languages
{
    public static readonly IReadOnlyList<Judge0Language> All =
    [
        new(43, "Plain Text", null),
        new(44, "Executable", null),
        new(45, "Assembly", "nasm", "NASM"),
        new(46, "Bash", "bash"),
        new(47, "Basic", "freebasic", "FBC"),
        new(48, "C", "c", "GCC", Alias: true),
        new(49, "C", "c", "GCC", Alias: true),
        new(50, "C", "c", "GCC"),
        new(51, "C#", "csharp", "Mono"),
        new(52, "C++", "cpp17", "GCC", Alias: true),
        new(53, "C++", "cpp17", "GCC", Alias: true),
        new(54, "C++", "cpp17", "GCC"),
        new(55, "Common Lisp", "common-lisp", "SBCL"),
        new(56, "D", "d", "GDC"),
        new(57, "Elixir", "elixir"),
        new(58, "Erlang", "erlang", "OTP"),
        new(59, "Fortran", "fortran", "GFortran"),
        new(60, "Go", "go"),
        new(61, "Haskell", "haskell", "GHC"),
        new(62, "Java", "java", "OpenJDK"),
        new(63, "JavaScript", "javascript", "Node.js"),
        new(64, "Lua", "lua"),
        new(65, "OCaml", "ocaml"),
        new(66, "Octave", "octave"),
        new(67, "Pascal", "pascal", "FPC"),
        new(68, "PHP", "php"),
        new(69, "Prolog", "prolog", "GNU Prolog"),
        new(70, "Python", "python2"),
        new(71, "Python", "python3"),
        new(72, "Ruby", "ruby"),
        new(73, "Rust", "rust"),
        new(74, "TypeScript", "typescript"),
        new(75, "C", "c-clang", "Clang"),
        new(76, "C++", "cpp-clang", "Clang"),
        new(77, "COBOL", "cobol", "GnuCOBOL"),
        new(78, "Kotlin", "kotlin"),
        new(79, "Objective-C", "objective-c", "GCC"),
        new(80, "R", "r"),
        new(81, "Scala", "scala"),
        new(82, "SQL", "sqlite", "SQLite"),
        new(83, "Swift", "swift"),
        new(84, "Visual Basic.Net", "vbnet", "vbnc"),
        new(85, "Perl", "perl"),
        new(86, "Clojure", "clojure"),
        new(87, "F#", "fsharp", ".NET SDK"),
        new(88, "Groovy", "groovy"),
        new(89, "Multi-file program", null),
    ];

    private static readonly Dictionary<int, Judge0Language> ById = All.ToDictionary(l => l.Id);

    public static Judge0Language? Find(int id) => ById.GetValueOrDefault(id);

    /// <summary>The id a submission of ours in <paramref name="key"/> shows: the language's id that is not an alias.</summary>
    public static int? IdOf(string key) => All.FirstOrDefault(l => l.Key == key && !l.Alias)?.Id;

    /// <summary>Judge0's way of naming a language: "C (GCC 12.2.0)", "Python (3.11.2)"; without a version when no live
    /// worker offers it.</summary>
    public static string NameOf(Judge0Language language, string? version)
    {
        var number = version is null ? null : VersionNumber().Match(version) is { Success: true } match ? match.Value : null;
        var detail = string.Join(' ', new[] { language.Toolchain, number }.Where(part => part is not null));
        return detail.Length == 0 ? language.Label : $"{language.Label} ({detail})";
    }

    /// <summary>The names of Judge0 ids given the live languages: what a submission's <c>language</c> shows.</summary>
    public sealed class Names(IReadOnlyDictionary<string, Judge0LiveLanguage> live)
    {
        public IReadOnlyDictionary<string, Judge0LiveLanguage> Live { get; } = live;

        public string Of(int id) => Find(id) is { } language
            ? NameOf(language, language.Key is not null && Live.TryGetValue(language.Key, out var offered) ? offered.Version : null)
            : $"Language {id}";

        /// <summary>Whether a live worker runs the language with this Judge0 id.</summary>
        public bool IsLive(Judge0Language language) => language.Key is not null && Live.ContainsKey(language.Key);
    }

    [GeneratedRegex(@"\d+(\.\d+)+")]
    private static partial Regex VersionNumber();
}
