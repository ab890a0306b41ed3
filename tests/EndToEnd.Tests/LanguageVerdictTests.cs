using Judge.EndToEnd;
using Xunit.Abstractions;

namespace Judge.EndToEnd.Tests;

/// <summary>Every language through the whole path: HTTP, database, broker, worker, sandbox, and back.</summary>
[Collection(StackCollection.Name)]
public sealed class LanguageVerdictTests(StackFixture fixture, ITestOutputHelper output)
{
    /// <summary>What the issues promise on a machine with the toolchains; anything else detected comes on top.</summary>
    private static readonly string[] PromisedLanguages =
    [
        "c", "cpp17", "cpp20", "python3", "java", "javascript", "rust", "pascal", "bash",
        // Installed by scripts/languages.sh, which make test runs first.
        "perl", "go", "ruby", "php", "lua", "c-clang", "cpp-clang", "fortran", "d", "objective-c", "sqlite",
        "ocaml", "cobol", "haskell", "common-lisp", "typescript", "prolog", "csharp", "r", "kotlin",
        "scala", "groovy", "clojure", "nasm", "octave", "erlang", "elixir",
    ];

    private static readonly TestCase[] SumTests = [new("1 2\n", "3\n"), new("40 2\n", "42\n")];
    private static readonly TestCase[] OneSumTest = [new("1 2\n", "3\n")];

    public static TheoryData<string> Languages => new(Programs.All.Keys);

    [Fact]
    public void The_worker_offers_every_promised_language()
    {
        var offered = fixture.Stack.Languages.Select(l => l.Id).ToHashSet();
        var missing = PromisedLanguages.Where(id => !offered.Contains(id)).ToList();
        Assert.True(missing.Count == 0, $"not offered: {string.Join(", ", missing)} (is the toolchain installed? see the worker's log)\n{fixture.Stack.Log.Tail()}");
    }

    [Fact]
    public void Every_language_the_worker_offers_has_programs_in_this_suite()
    {
        var uncovered = fixture.Stack.Languages.Select(l => l.Id).Where(id => !Programs.All.ContainsKey(id)).ToList();
        Assert.True(uncovered.Count == 0, $"offered but not tested: {string.Join(", ", uncovered)}; add their programs to Programs.All");
    }

    /// <summary>
    /// Seven programs per language, judged concurrently so the worker's slots stay busy: each must get its
    /// own verdict. All seven are judged before anything is asserted, so one failure shows all of them.
    /// </summary>
    [Theory]
    [MemberData(nameof(Languages))]
    public async Task Right_wrong_uncompilable_crashing_looping_hogging_and_flooding_programs_get_AC_WA_CE_RE_TLE_MLE_OLE(string language)
    {
        Assert.Contains(language, fixture.Stack.Languages.Select(l => l.Id));
        var programs = Programs.All[language];
        (string Verdict, string Source, TestCase[] Tests)[] cases =
        [
            ("AC", programs.Correct, SumTests),
            ("WA", programs.Wrong, SumTests),
            // Interpreted languages with a syntax check get CE from it; the rest fail when they run.
            (Unchecked.Contains(language) ? "RE" : "CE", programs.CompileError, OneSumTest),
            ("RE", programs.Crash, OneSumTest),
            ("TLE", programs.EndlessLoop, OneSumTest),
            ("MLE", programs.MemoryHog, OneSumTest),
            ("OLE", programs.OutputFlood, OneSumTest),
        ];

        var judged = await Task.WhenAll(cases.Select(c =>
            fixture.JudgeAsync(new SubmissionRequest(language, c.Source) { Tests = c.Tests, Limits = LimitsFor(c.Verdict, programs.Limits) })));

        var failures = new List<string>();
        foreach (var (expected, submission) in cases.Select(c => c.Verdict).Zip(judged))
        {
            var problem = Problem(expected, submission);
            output.WriteLine($"{language} {expected}: got {submission.Verdict}{(problem is null ? "" : $" ({problem})")}, "
                + string.Join("; ", submission.Tests.Select(t => $"test {t.Index} {t.Verdict} {t.CpuTimeMs} ms cpu {t.WallTimeMs} ms wall {t.MemoryKb} KB")));
            if (problem is not null)
                failures.Add($"expected {expected}: {problem}\n{submission.Describe()}");
        }
        Assert.True(failures.Count == 0, fixture.Stack.Explain(string.Join("\n\n", failures)));
    }

    /// <summary>Interpreted languages without a syntax check (docs/languages.md): a program that cannot be parsed is RE.</summary>
    private static readonly HashSet<string> Unchecked = ["sqlite", "common-lisp", "r", "clojure", "octave", "elixir"];

    /// <summary>
    /// MLE must come from the memory limit, whatever the host's speed: how much CPU a runtime spends per byte it
    /// allocates differs between languages and grows on a slow or busy host (bash's memory hog took 1011 ms of CPU
    /// on one, and got TLE). That case gets CPU and wall time that cannot run out first; a hog that reaches the
    /// limit ends at once, so this costs nothing when it works. OLE needs no such room: the flood reaches 1 MiB in
    /// a few hundred ms in the slowest language, and a run whose output reached the limit is OLE whatever ends it.
    /// </summary>
    private static Limits LimitsFor(string verdict, Limits limits) => verdict == "MLE"
        ? limits with { CpuTimeMs = limits.CpuTimeMs * 5, WallTimeMs = limits.WallTimeMs * 5 }
        : limits;

    private static string? Problem(string expected, Submission submission)
    {
        if (submission.Verdict != expected)
            return $"verdict {submission.Verdict}";
        return expected switch
        {
            "AC" when submission.Score != SumTests.Length => $"score {submission.Score}, not {SumTests.Length}",
            "AC" when submission.Tests.Any(t => t.Verdict != "AC") => "a test is not AC",
            "CE" when string.IsNullOrWhiteSpace(submission.CompileOutput) => "no compiler output",
            "CE" when submission.Tests.Count != 0 => "tests ran after a failed compilation",
            _ when expected != "CE" && submission.Tests.Count == 0 => "no test results",
            _ => null,
        };
    }
}
