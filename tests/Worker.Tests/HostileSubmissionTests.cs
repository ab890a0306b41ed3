using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using static Judge.Worker.Tests.HostileSubmissionPrograms;

namespace Judge.Worker.Tests;

/// <summary>
/// The attacks of issue 4 that need the worker around the sandbox: compile steps that reach for host
/// files or blow up, and programs that plant links at the names the worker uses after a run. Each is
/// a real submission judged by <see cref="SubmissionJudge"/> with the real sandbox, followed by the
/// same aftermath checks: the host is unchanged, nothing the worker would store holds a line of
/// /etc/shadow, and the next submission is judged normally. The judge is built directly rather than
/// through the bus so that the compile limits can be shrunk and the bombs stay quick.
/// The attacks of issue 12 on what a program writes are here too: outputs the worker must check and store in bounded
/// memory and time. They measure this process, so the class runs alone.
/// </summary>
[Collection(WorkerMeasurementCollection.Name)]
public sealed class HostileSubmissionTests : IDisposable
{
    private const string CanaryContent = "host data the sandbox must not touch\n";
    private const UnixFileMode CanaryMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead;
    private const string OutputCutMarker = "\n[compiler output cut]";

    /// <summary>How far judging one submission may raise the worker's resident memory, whatever the program wrote (docs/security.md).</summary>
    private const long WorkerMemoryBound = 256L << 20;

    /// <summary>Throws where Npgsql would: on a lone surrogate.</summary>
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>The compile wall limit below plus room for building a language image the first time.</summary>
    private static readonly TimeSpan CompileBombBound = TimeSpan.FromSeconds(20);

    private static readonly SandboxRunner Runner = new();
    private readonly RecordingSandbox sandbox = new(Runner);

    private static readonly LanguageSet Languages = new(
        new[] { LanguageCatalog.C() }.Concat(LanguageCatalog.Pascal()).Concat(LanguageCatalog.Rust(null))
            .Select(language => new DetectedLanguage(language, "test")).ToList());

    private readonly DirectoryInfo canaryDirectory = Directory.CreateTempSubdirectory("judge-hostile-canary-");
    private readonly string canaryFile;
    private readonly byte[] shadowHash = SHA256.HashData(File.ReadAllBytes("/etc/shadow"));
    private readonly string[] shadowLines = File.ReadAllLines("/etc/shadow").Where(line => line.Length > 0).ToArray();
    private readonly WorkerOptions options;
    private readonly SubmissionJudge judge;

    public HostileSubmissionTests()
    {
        canaryFile = Path.Combine(canaryDirectory.FullName, "canary.txt");
        File.WriteAllText(canaryFile, CanaryContent);
        File.SetUnixFileMode(canaryFile, CanaryMode);

        options = new WorkerOptions
        {
            BoxBytes = 32L << 20,
            CompileLimits = new TestLimits { CpuTimeMs = 3_000, WallTimeMs = 6_000, MemoryKb = 512 << 10, Processes = 64, OutputKb = 64 << 10 },
            CompileOutputBytes = 4 << 10,
        };
        judge = new SubmissionJudge(sandbox, Languages, WorkerHarness.CacheWithoutDatabase(), Options.Create(options), NullLogger<SubmissionJudge>.Instance);
    }

    public void Dispose()
    {
        canaryDirectory.Delete(recursive: true);
    }

    [Fact]
    public async Task A_C_include_of_etc_shadow_is_a_compile_error_that_shows_none_of_it()
    {
        var outcome = await JudgeAsync("c", "#include \"/etc/shadow\"\nint main(void) { return 0; }\n");

        Assert.True(outcome.Verdict == Verdict.CE, Describe(outcome));
        // The compile image has no /etc/shadow: the compiler can only say so.
        Assert.Contains("/etc/shadow: No such file or directory", outcome.CompileOutput);
        await AssertAftermathAsync(outcome);
    }

    [Theory]
    [InlineData("static SECRET: &[u8] = include_bytes!(\"/etc/shadow\");\nfn main() { println!(\"{:?}\", SECRET); }\n")]
    [InlineData("static SECRET: &str = include_str!(\"/etc/shadow\");\nfn main() { println!(\"{}\", SECRET); }\n")]
    public async Task A_Rust_macro_including_etc_shadow_is_a_compile_error_that_shows_none_of_it(string source)
    {
        var outcome = await JudgeAsync("rust", source);

        Assert.True(outcome.Verdict == Verdict.CE, Describe(outcome));
        Assert.Contains("/etc/shadow", outcome.CompileOutput);
        Assert.Contains("No such file or directory", outcome.CompileOutput);
        await AssertAftermathAsync(outcome);
    }

    [Theory]
    [InlineData("c", "macro bomb")]
    [InlineData("c", "include /dev/zero")]
    [InlineData("pascal", "macro bomb")]
    public async Task A_compile_bomb_is_stopped_by_the_compile_limits_and_is_a_compile_error(string language, string bomb)
    {
        var source = (language, bomb) switch
        {
            ("c", "macro bomb") => CMacroBomb(),
            ("c", "include /dev/zero") => CIncludeDevZero,
            ("pascal", "macro bomb") => PascalMacroBomb(),
            _ => throw new ArgumentException($"no {bomb} in {language}"),
        };
        var clock = Stopwatch.StartNew();

        var outcome = await JudgeAsync(language, source);

        Assert.True(clock.Elapsed < CompileBombBound, $"judging took {clock.Elapsed}");
        Assert.True(outcome.Verdict == Verdict.CE, Describe(outcome));
        // The user is told something: the limit that stopped the compiler, or the compiler's own complaint.
        Assert.False(string.IsNullOrWhiteSpace(outcome.Message ?? outcome.CompileOutput), Describe(outcome));
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task A_Pascal_source_that_includes_itself_is_a_compile_error_without_recursing_forever()
    {
        var clock = Stopwatch.StartNew();

        var outcome = await JudgeAsync("pascal", PascalIncludesItself);

        Assert.True(clock.Elapsed < CompileBombBound, $"judging took {clock.Elapsed}");
        Assert.True(outcome.Verdict == Verdict.CE, Describe(outcome));
        Assert.Contains("main.pas", outcome.CompileOutput);
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task A_flood_of_compiler_errors_is_a_compile_error_whose_output_is_cut_to_the_configured_size()
    {
        var outcome = await JudgeAsync("c", CErrorFlood(5_000));

        Assert.True(outcome.Verdict == Verdict.CE, Describe(outcome));
        Assert.Contains("in program", outcome.CompileOutput);
        Assert.EndsWith(OutputCutMarker, outcome.CompileOutput);
        Assert.InRange(Encoding.UTF8.GetByteCount(outcome.CompileOutput!), 1, options.CompileOutputBytes + OutputCutMarker.Length);
        await AssertAftermathAsync(outcome);
    }

    /// <summary>1 GiB is stopped writing the object file (file size limit or the sandbox's /tmp); 48 MiB gets an
    /// object but no executable: the linker runs out of the compile box (<see cref="WorkerOptions.BoxBytes"/>).</summary>
    [Theory]
    [InlineData("1 << 30", "")]
    [InlineData("48 << 20", "No space left on device")]
    public async Task A_C_program_with_a_huge_data_section_is_a_compile_error_in_bounded_time(string size, string compilerSays)
    {
        var clock = Stopwatch.StartNew();

        var outcome = await JudgeAsync("c", CHugeDataSection(size));

        Assert.True(clock.Elapsed < CompileBombBound, $"judging took {clock.Elapsed}");
        Assert.True(outcome.Verdict == Verdict.CE, Describe(outcome));
        Assert.False(string.IsNullOrWhiteSpace(outcome.Message ?? outcome.CompileOutput), Describe(outcome));
        Assert.Contains(compilerSays, outcome.CompileOutput);
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task Links_planted_at_run_time_at_every_name_the_worker_uses_redirect_nothing()
    {
        var outcome = await JudgeAsync("c", CPlantLinks(canaryFile, canaryDirectory.FullName), new TestCase(1, "", null, 1));

        Assert.True(outcome.Verdict == Verdict.AC, Describe(outcome));
        var lines = outcome.Tests.Single().Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // What the program printed, not the canary: the worker read its stdout, not a planted link.
        Assert.Equal(8, lines.Length);
        Assert.Equal($"planted {2 * (WorkerFileNames.Length + 3)} links", lines[0]);
        Assert.Equal("write_through_link ENOENT", lines[1]);
        Assert.Contains(lines[2], new[] { "hardlink_passwd ENOENT", "hardlink_passwd EXDEV" });
        // Opening for writing may be refused by the file's owner and mode before the read-only mount is looked at.
        Assert.Contains(lines[4], new[] { "open_program_for_writing EROFS", "open_program_for_writing EACCES" });
        Assert.Equal(
            ["hardlink_program EXDEV", "unlink_program EROFS", "rename_over_program EROFS", "create_in_prog EROFS"],
            [lines[3], .. lines[5..]]);
        // The links lived in the sandbox's own /tmp and /box, not the host's.
        foreach (var name in new[] { "...", "..main", "host-dir", "nested" })
            Assert.False(Appeared(Path.Combine("/tmp", name)), $"/tmp/{name} appeared on the host");
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task A_program_sees_only_the_allow_listed_environment_in_itself_and_in_every_process_it_can_see()
    {
        string[] allowed = ["PATH", "HOME", "TMPDIR", "LANG"];

        var outcome = await JudgeAsync("c", CPrintEnvironments, new TestCase(1, "", null, 1));

        Assert.True(outcome.Verdict == Verdict.AC, Describe(outcome));
        var stdout = outcome.Tests.Single().Stdout;
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Its own environment, and (it is PID 2 of its namespace, under our init) the same again through /proc.
        Assert.Contains(lines, line => line.StartsWith("environ PATH=", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("pid 2 PATH=", StringComparison.Ordinal));
        var names = lines.Select(line => line.StartsWith("pid ") ? line.Split(' ', 3)[2] : line["environ ".Length..])
            .Select(variable => variable.Split('=')[0]).Distinct();
        Assert.All(names, name => Assert.Contains(name, allowed));
        foreach (var secret in new[] { "ConnectionStrings", "RabbitMq", "DOTNET", "Password" })
            Assert.DoesNotContain(secret, stdout, StringComparison.OrdinalIgnoreCase);
        foreach (var name in Environment.GetEnvironmentVariables().Keys.Cast<string>().Except(allowed))
            Assert.DoesNotContain($"{name}=", stdout);
        if (Environment.GetEnvironmentVariable("PATH") is { } workerPath && workerPath != SandboxSpec.DefaultEnvironment["PATH"])
            Assert.DoesNotContain(workerPath, stdout);
        await AssertAftermathAsync(outcome);
    }

    /// <summary>The table's pages were written by the compiler into its box, and charged to the compile step: unless the
    /// run is charged for them, a program reads a table larger than its memory limit for free.</summary>
    [Theory]
    [InlineData(24, 0, "MLE")] // the binary alone is larger than the limit
    [InlineData(15, 0, "MLE")] // the binary leaves less than the sandbox's smallest memory limit
    [InlineData(12, 8, "MLE")] // neither alone is, together they are
    [InlineData(2, 2, "AC")]   // what fits is still accepted
    public async Task A_constant_table_in_the_binary_counts_against_the_memory_limit(int tableMiB, int allocateMiB, string verdict)
    {
        var limits = options.DefaultTestLimits with { MemoryKb = 16 << 10 };

        var outcome = await JudgeAsync("c", CConstantTable(tableMiB, allocateMiB), limits, CheckerSpec.Default, new TestCase(1, "", "1\n", 1));

        Assert.True(outcome.Verdict.ToString() == verdict, Describe(outcome));
        if (verdict == "MLE")
            Assert.InRange(outcome.Tests.Single().MemoryKb, (tableMiB << 10) * 9 / 10, long.MaxValue);
        await AssertAftermathAsync(outcome);
    }

    /// <summary>1 GiB is the Api's largest output limit (<c>MaxOutputKb</c>); the file stays a page under it, or it would be OLE.</summary>
    [Theory]
    [InlineData(CheckerKind.Lines, "expected 1 lines, got 2")]
    [InlineData(CheckerKind.Tokens, "expected 1 tokens, got 2")]
    [InlineData(CheckerKind.Float, "expected 1 tokens, got 2")]
    [InlineData(CheckerKind.Exact, "outputs differ at character 3: expected end of output, got \"\0")]
    public async Task A_gibibyte_sparse_stdout_is_a_wrong_answer_and_the_worker_memory_stays_bounded(CheckerKind checker, string message)
    {
        var limits = options.DefaultTestLimits with { OutputKb = 1 << 20 };

        var (outcome, memoryRise) = await MeasureMemoryAsync(() =>
            JudgeAsync("c", CSparseStdout((1L << 30) - 4096), limits, new CheckerSpec(checker), new TestCase(1, "", "3\n", 1)));

        Assert.True(outcome.Verdict == Verdict.WA, Describe(outcome));
        var test = outcome.Tests.Single();
        Assert.StartsWith(message.Replace('\0', '\uFFFD'), test.Message);
        Assert.True(test.StdoutTruncated);
        Assert.True(memoryRise < WorkerMemoryBound, $"judging took {memoryRise >> 20} MiB of the worker's memory");
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task Blocks_reserved_behind_an_empty_stdout_are_refused_and_a_submission_judged_beside_it_is_unharmed()
    {
        var tests = Enumerable.Range(1, 4).Select(i => new TestCase(i, "", "", 1)).ToArray();

        var judged = await Task.WhenAll(
            JudgeAsync("c", CReserveBehindStdout, tests),
            JudgeAsync("c", CSum, new TestCase(1, "1 2\n", "3\n", 1), new TestCase(2, "40 2\n", "42\n", 1)));

        Assert.All(judged[0].Tests, test => Assert.Equal("fallocate EOPNOTSUPP\n", test.Stderr));
        Assert.True(judged[1].Verdict == Verdict.AC, Describe(judged[1]));
        await AssertAftermathAsync(judged[0]);
    }

    [Fact]
    public async Task A_custom_checker_leaving_names_that_are_not_utf8_in_its_box_leaves_no_mount_or_file_behind()
    {
        var checker = new CheckerSpec(CheckerKind.Custom, Source: CCheckerLeavingUndecodableNames, Language: "c");

        var outcome = await JudgeAsync("c", CSum, options.DefaultTestLimits, checker,
            new TestCase(1, "1 2\n", "3\n", 1), new TestCase(2, "40 2\n", "42\n", 1));

        Assert.True(outcome.Verdict == Verdict.AC, Describe(outcome));
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task Sixty_four_MiB_of_bare_newlines_are_a_wrong_answer_checked_in_well_under_a_second_of_worker_CPU()
    {
        var limits = options.DefaultTestLimits with { OutputKb = 128 << 10 };
        await JudgeAsync("c", CSum); // builds the C image, which costs this process CPU once
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;

        var outcome = await JudgeAsync("c", CBareNewlines, limits, CheckerSpec.Default, new TestCase(1, "", "3\n", 1));

        // The compiler and the program run in other processes: this is the worker's own share, the check included.
        var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
        Assert.True(outcome.Verdict == Verdict.WA, Describe(outcome));
        Assert.Equal("expected 1 lines, got 0", outcome.Tests.Single().Message);
        Assert.True(cpu < TimeSpan.FromSeconds(1), $"the worker used {cpu} of CPU");
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task A_wrong_answer_whose_message_cut_falls_inside_a_surrogate_pair_has_text_the_database_takes()
    {
        var outcome = await JudgeAsync("c", CEmojiAtTheCut, new TestCase(1, "", "c\n", 1));

        Assert.True(outcome.Verdict == Verdict.WA, Describe(outcome));
        var test = outcome.Tests.Single();
        Assert.Equal($"line 1: expected \"c\", got \"{new string('a', 59)}…\"", test.Message);
        Assert.Equal(new string('a', 59) + "\U0001F600b\n", test.Stdout);
        foreach (var text in new[] { test.Message, test.Stdout, test.Stderr, outcome.CompileOutput ?? "" })
            Assert.Equal(text, StrictUtf8.GetString(StrictUtf8.GetBytes(text!)));
        await AssertAftermathAsync(outcome);
    }

    /// <summary>The checker's box (<see cref="WorkerOptions.BoxBytes"/>, 32 MiB here) could not hold a copy of the output.</summary>
    [Fact]
    public async Task A_custom_checker_reads_the_whole_of_a_300_MiB_sparse_stdout_and_its_verdict_stands()
    {
        var limits = options.DefaultTestLimits with { OutputKb = 512 << 10 };
        var checker = new CheckerSpec(CheckerKind.Custom, Source: CCheckerCountingOutput, Language: "c");

        var (outcome, memoryRise) = await MeasureMemoryAsync(() =>
            JudgeAsync("c", CSparseStdout(300L << 20), limits, checker, new TestCase(1, "", "3\n", 1)));

        Assert.True(outcome.Verdict == Verdict.WA, Describe(outcome));
        Assert.Equal($"read {300L << 20} bytes of output", outcome.Tests.Single().Message);
        Assert.True(memoryRise < WorkerMemoryBound, $"judging took {memoryRise >> 20} MiB of the worker's memory");
        await AssertAftermathAsync(outcome);
    }

    [Fact]
    public async Task Cancelling_judging_kills_the_running_program_at_once_and_leaves_no_volume()
    {
        // Limits far beyond the test's own bounds: only the cancellation can end this in time.
        var limits = options.DefaultTestLimits with { CpuTimeMs = 60_000, WallTimeMs = 120_000 };
        var submission = new SubmissionToJudge(Guid.NewGuid(), "c", "int main(void) { for (;;) ; }\n", limits, CheckerSpec.Default,
            [new TestCase(1, "", "1\n", 1)]);
        using var cancellation = new CancellationTokenSource();
        var compiled = new TaskCompletionSource();

        var judging = judge.JudgeAsync(submission, () => { compiled.SetResult(); return Task.CompletedTask; }, cancellation.Token);
        await compiled.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await Task.Delay(TimeSpan.FromMilliseconds(500)); // the test's run has started, or is about to
        var clock = Stopwatch.StartNew();
        cancellation.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => judging.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"judging took {clock.Elapsed} to stop after it was cancelled");
        Assert.True(sandbox.AllVolumesRemoved());
    }

    private Task<JudgeOutcome> JudgeAsync(string language, string source, params TestCase[] tests) =>
        JudgeAsync(language, source, options.DefaultTestLimits, CheckerSpec.Default, tests);

    private Task<JudgeOutcome> JudgeAsync(string language, string source, TestLimits limits, CheckerSpec checker, params TestCase[] tests)
    {
        var submission = new SubmissionToJudge(Guid.NewGuid(), language, source, limits, checker,
            tests.Length > 0 ? tests : [new TestCase(1, "1 2\n", "3\n", 1)]);
        return judge.JudgeAsync(submission, () => Task.CompletedTask, CancellationToken.None);
    }

    /// <summary>Judges, and says how much memory that took: the rise of this process's peak resident memory above where it
    /// was before, or the bytes allocated on the managed heap, whichever is more. The second counts even when the heap
    /// still holds memory from an earlier test, which the first would miss.</summary>
    private static async Task<(JudgeOutcome Outcome, long RiseBytes)> MeasureMemoryAsync(Func<Task<JudgeOutcome>> judging)
    {
        GC.Collect();
        var residentBefore = StatusKb("VmRSS") * 1024;
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        // "5" resets the peak (VmHWM) to the present resident size.
        File.WriteAllText("/proc/self/clear_refs", "5");
        var outcome = await judging();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        return (outcome, Math.Max(StatusKb("VmHWM") * 1024 - residentBefore, allocated));
    }

    private static long StatusKb(string field) =>
        long.Parse(File.ReadLines("/proc/self/status").Single(line => line.StartsWith(field + ":"))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]);

    /// <summary>What every attack must leave behind: an unchanged host, nothing secret to store, and a worker that still judges.</summary>
    private async Task AssertAftermathAsync(JudgeOutcome attack)
    {
        AssertNoShadowLineIn(attack);
        AssertHostUnchanged();

        var next = await JudgeAsync("c", CSum, new TestCase(1, "1 2\n", "3\n", 1), new TestCase(2, "40 2\n", "42\n", 1));

        Assert.True(next.Verdict == Verdict.AC, $"the next submission: {Describe(next)}");
        AssertHostUnchanged();
    }

    private void AssertNoShadowLineIn(JudgeOutcome outcome)
    {
        string?[] stored = [outcome.CompileOutput, outcome.Message, .. outcome.Tests.SelectMany(t => new[] { t.Stdout, t.Stderr, t.Message })];
        foreach (var text in stored.OfType<string>())
            Assert.DoesNotContain(shadowLines, text.Contains);
    }

    private void AssertHostUnchanged()
    {
        Assert.Equal(CanaryContent, File.ReadAllText(canaryFile));
        Assert.Equal(CanaryMode, File.GetUnixFileMode(canaryFile));
        Assert.Equal([canaryFile], Directory.GetFileSystemEntries(canaryDirectory.FullName));
        Assert.Equal(shadowHash, SHA256.HashData(File.ReadAllBytes("/etc/shadow")));
        // Once a submission is judged, none of its volumes is left, mount or files.
        Assert.True(sandbox.AllVolumesRemoved());
    }

    /// <summary>True for anything at the path, a dangling link included.</summary>
    private static bool Appeared(string path) => Path.Exists(path) || new FileInfo(path).LinkTarget is not null;

    private static string Describe(JudgeOutcome outcome) =>
        $"{outcome.Verdict}: {outcome.Message} | compile output: {outcome.CompileOutput} | tests: " +
        string.Join(" | ", outcome.Tests.Select(t => $"{t.Verdict} {t.Message} {t.MemoryKb} KB stdout={t.Stdout} stderr={t.Stderr}"));
}

/// <summary>Tests that measure the worker process's memory or CPU: they run alone, so no other test's load is counted.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class WorkerMeasurementCollection
{
    public const string Name = "Worker measurements";
}
