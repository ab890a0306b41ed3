using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Judging;
using Judge.Worker.Languages;

namespace Judge.Worker.Tests;

public class VerdictRulesTests
{
    [Theory]
    [InlineData(SandboxStatus.RuntimeError, Verdict.RE)]
    [InlineData(SandboxStatus.Signaled, Verdict.RE)]
    [InlineData(SandboxStatus.TimeLimit, Verdict.TLE)]
    [InlineData(SandboxStatus.WallTimeLimit, Verdict.TLE)]
    [InlineData(SandboxStatus.MemoryLimit, Verdict.MLE)]
    [InlineData(SandboxStatus.OutputLimit, Verdict.OLE)]
    [InlineData(SandboxStatus.SetupError, Verdict.IE)]
    public void A_run_that_did_not_end_cleanly_gets_its_verdict_without_checking(SandboxStatus status, Verdict expected)
    {
        Assert.Equal(expected, VerdictRules.ForRun(Run(status, exitCode: 1)));
    }

    [Fact]
    public void A_clean_run_leaves_the_verdict_to_the_checker()
    {
        Assert.Null(VerdictRules.ForRun(Run(SandboxStatus.Ok, exitCode: 0)));
    }

    [Fact]
    public void A_runtime_that_reports_its_own_heap_running_out_gets_memory_limit()
    {
        Assert.Equal(Verdict.MLE, VerdictRules.ForRun(Run(SandboxStatus.RuntimeError, exitCode: 1), runtimeRanOutOfMemory: true));
        Assert.Equal(Verdict.RE, VerdictRules.ForRun(Run(SandboxStatus.RuntimeError, exitCode: 1), runtimeRanOutOfMemory: false));
    }

    [Theory]
    [InlineData(3, "Terminating due to java.lang.OutOfMemoryError: Java heap space", true)]
    [InlineData(1, "Exception in thread \"main\" java.lang.OutOfMemoryError: Java heap space", true)]
    [InlineData(3, "", true)]
    [InlineData(1, "Exception in thread \"main\" java.lang.IllegalStateException: crash", false)]
    public void The_jvm_running_out_of_heap_is_recognised_by_its_exit_code_or_its_error(int exitCode, string stderr, bool expected)
    {
        var java = LanguageCatalog.Java().Single();
        Assert.Equal(expected, java.ReportedOutOfMemory(Run(SandboxStatus.RuntimeError, exitCode), stderr));
    }

    [Fact]
    public void Only_a_failed_run_can_have_run_out_of_heap()
    {
        var java = LanguageCatalog.Java().Single();
        Assert.False(java.ReportedOutOfMemory(Run(SandboxStatus.Ok, exitCode: 0), "java.lang.OutOfMemoryError"));
    }

    private static SandboxResult Run(SandboxStatus status, int exitCode) => new(status, exitCode, null, 0, 0, 0, "");

    [Fact]
    public void The_submission_verdict_is_the_first_failing_test_in_order()
    {
        Assert.Equal(Verdict.TLE, VerdictRules.ForSubmission([Verdict.AC, Verdict.TLE, Verdict.WA]));
        Assert.Equal(Verdict.WA, VerdictRules.ForSubmission([Verdict.WA, Verdict.TLE]));
    }

    [Fact]
    public void All_accepted_tests_make_an_accepted_submission()
    {
        Assert.Equal(Verdict.AC, VerdictRules.ForSubmission([Verdict.AC, Verdict.AC]));
    }

    [Fact]
    public void The_score_adds_the_points_of_accepted_tests_only()
    {
        Assert.Equal(30, VerdictRules.Score([(Verdict.AC, 10), (Verdict.WA, 5), (Verdict.AC, 20), (Verdict.TLE, 7)]));
    }

    [Theory]
    [InlineData(SandboxStatus.RuntimeError, Verdict.CE)]
    [InlineData(SandboxStatus.Signaled, Verdict.CE)]
    [InlineData(SandboxStatus.TimeLimit, Verdict.CE)]
    [InlineData(SandboxStatus.WallTimeLimit, Verdict.CE)]
    [InlineData(SandboxStatus.MemoryLimit, Verdict.CE)]
    [InlineData(SandboxStatus.OutputLimit, Verdict.CE)]
    [InlineData(SandboxStatus.SetupError, Verdict.IE)]
    public void A_failed_compile_is_the_programs_fault_unless_the_sandbox_failed(SandboxStatus status, Verdict expected)
    {
        var (verdict, _) = VerdictRules.ForFailedCompile(new SandboxResult(status, 1, null, 0, 0, 0, "why"));
        Assert.Equal(expected, verdict);
    }

    [Fact]
    public void A_compile_that_hit_a_limit_says_which()
    {
        var (_, message) = VerdictRules.ForFailedCompile(new SandboxResult(SandboxStatus.TimeLimit, null, 9, 0, 0, 0, ""));
        Assert.Equal("compilation exceeded the time limit", message);
    }
}
