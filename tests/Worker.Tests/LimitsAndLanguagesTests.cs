using Judge.Data;
using Judge.Worker.Data;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Judge.Worker.Tests;

public class LimitsAndLanguagesTests
{
    private static readonly TestLimits Defaults = new() { CpuTimeMs = 2000, WallTimeMs = 5000, MemoryKb = 262144, Processes = 16, OutputKb = 65536 };

    [Fact]
    public void Stored_limits_are_taken_whole_the_submissions_before_the_problems_and_the_defaults_only_without_either()
    {
        var submission = new Limits(CpuTimeMs: 1000, WallTimeMs: 4000, MemoryKb: 1024, Processes: 8, OutputKb: 10);
        var problem = new Limits(CpuTimeMs: 3000, WallTimeMs: 9000, MemoryKb: 65536, Processes: 32, OutputKb: 20);

        Assert.Equal(new TestLimits { CpuTimeMs = 1000, WallTimeMs = 4000, MemoryKb = 1024, Processes = 8, OutputKb = 10 },
            TestLimits.Resolve(submission, problem, Defaults));
        Assert.Equal(TestLimits.From(problem), TestLimits.Resolve(null, problem, Defaults));
        Assert.Same(Defaults, TestLimits.Resolve(null, null, Defaults));
    }

    [Fact]
    public void Configured_limits_with_only_a_cpu_time_get_the_one_wall_time_rule()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Worker:DefaultTestLimits:CpuTimeMs"] = "10000",
        }).Build();

        var options = configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>()!;

        Assert.Equal(21_000, options.DefaultTestLimits.WallTimeMs);
        Assert.Equal(Limits.WallTimeMsFor(new WorkerOptions().DefaultTestLimits.CpuTimeMs), new WorkerOptions().DefaultTestLimits.WallTimeMs);
    }

    [Fact]
    public void Sandbox_limits_add_a_runtimes_overhead_and_minimum_threads()
    {
        var sandbox = Defaults.ToSandbox(extraMemoryBytes: 100, minProcesses: 64);
        Assert.Equal(262144L * 1024 + 100, sandbox.MemoryBytes);
        Assert.Equal(64, sandbox.Processes);
        Assert.Equal(TimeSpan.FromSeconds(2), sandbox.CpuTime);
        Assert.Equal(65536L * 1024, sandbox.OutputBytes);
    }

    [Fact]
    public void A_runtime_that_needs_a_larger_file_size_limit_gets_it_and_keeps_its_output_limit()
    {
        var sandbox = Defaults.ToSandbox(minFileSizeBytes: 256L << 20);
        Assert.Equal(256L << 20, sandbox.FileSizeBytes);
        Assert.Equal(65536L * 1024, sandbox.OutputBytes);
        Assert.Null(Defaults.ToSandbox().FileSizeBytes);
        Assert.Null(Defaults.ToSandbox(minFileSizeBytes: 1 << 20).FileSizeBytes);
    }

    [Fact]
    public void A_submission_with_no_tests_is_a_plain_run_of_its_stdin()
    {
        var claimed = new ClaimedSubmission(Guid.NewGuid(), "c", "src", "input", null, null, null, null, []);
        var judged = claimed.ToJudge(Defaults);
        var test = Assert.Single(judged.Tests);
        Assert.Equal("input", test.Input);
        Assert.Null(test.ExpectedOutput);
    }

    [Fact]
    public void The_problems_checker_wins_over_the_submissions()
    {
        var claimed = new ClaimedSubmission(Guid.NewGuid(), "c", "src", null, null, DbJson.Serialize(new CheckerSpec(CheckerKind.Exact)),
            DbJson.Serialize(new Limits(500, 2000, 65536, 16, 1024)), DbJson.Serialize(new CheckerSpec(CheckerKind.Tokens)), [new TestCase(1, "", "x", 1)]);
        var judged = claimed.ToJudge(Defaults);
        Assert.Equal(CheckerKind.Tokens, judged.Checker.Kind);
        Assert.Equal(500, judged.Limits.CpuTimeMs);
    }

    [Fact]
    public void Java_caps_its_heap_at_the_memory_limit_and_gets_room_for_the_jvm_on_top()
    {
        var java = Assert.Single(LanguageCatalog.Java());
        var command = java.RunCommand(256L << 20);
        Assert.Contains("-Xmx256m", command);
        Assert.DoesNotContain(command, arg => arg.Contains('{'));
        Assert.True(java.RunMemoryOverheadBytes > 0);
    }

    [Fact]
    public void Run_commands_take_extra_arguments_after_the_fixed_ones()
    {
        var command = LanguageCatalog.Python().RunCommand(1 << 20, ["input", "output", "answer"]);
        Assert.Equal(["/usr/bin/python3", "-B", "/prog/main.py", "input", "output", "answer"], command);
    }

    [Fact]
    public void No_language_runs_a_shell_command_string()
    {
        string[] shells = ["sh", "bash", "dash", "zsh"];
        foreach (var language in LanguageCatalog.ForThisHost())
            foreach (var command in new[] { language.Compile, language.Run, language.VersionCommand }.OfType<IReadOnlyList<string>>())
                Assert.False(shells.Contains(Path.GetFileName(command[0])) && command.Contains("-c"), $"{language.Id}: {string.Join(' ', command)}");
    }

    [Fact]
    public void The_source_is_the_only_file_name_a_command_refers_to_in_the_box()
    {
        foreach (var language in LanguageCatalog.ForThisHost())
            Assert.Contains(language.SourceFile, language.Compile ?? language.Run.Select(arg => Path.GetFileName(arg)).ToList());
    }

    [Fact]
    public void A_language_whose_compiler_is_missing_is_skipped()
    {
        var missing = LanguageCatalog.C() with { Id = "ghost", Compile = ["/nonexistent/ghostcc", "main.c"] };
        var detected = new LanguageDetector(NullLogger<LanguageDetector>.Instance).Detect([missing, LanguageCatalog.Bash()]);
        Assert.Equal(["bash"], detected.Select(l => l.Language.Id));
    }

    [Fact]
    public void Detection_resolves_alternatives_links_and_reads_the_version()
    {
        var detected = new LanguageDetector(NullLogger<LanguageDetector>.Instance).Detect([LanguageCatalog.C(), LanguageCatalog.Python()]);
        var c = detected.Single(l => l.Language.Id == "c");
        Assert.StartsWith("gcc", c.Version);
        Assert.False(new FileInfo(c.Language.Compile![0]).LinkTarget is not null, "the compiler path should be the real binary");
        Assert.StartsWith("Python 3", detected.Single(l => l.Language.Id == "python3").Version);
    }
}
