using Judge.Api;
using Judge.Api.Validation;
using Judge.Data;
using Judge.Worker.Judging;
using Judge.Worker.Languages;

namespace Judge.Worker.Tests;

/// <summary>The Api and the Worker give a CPU time without a wall time the same wall time: the one rule of
/// <see cref="Limits.WallTimeFor"/> (the CLI's <c>--time</c> alone follows it too, see Sandbox.Tests).</summary>
[Collection(PostgresCollection.Name)]
public class WallTimeAgreementTests(PostgresFixture postgres)
{
    [Theory]
    [InlineData(100)]
    [InlineData(700)]
    [InlineData(2000)]
    [InlineData(20000)]
    public void The_api_and_the_worker_resolve_a_cpu_time_alone_to_the_same_limits(int cpuTimeMs)
    {
        var api = new LimitOptions();
        var errors = new ValidationErrors();

        var stored = LimitRules.Resolve(new LimitsRequest(CpuTimeMs: cpuTimeMs), LimitRules.Defaults(api), api, "limits", errors);
        var apiDefaults = LimitRules.Defaults(new LimitOptions { DefaultCpuTimeMs = cpuTimeMs });
        var workerDefaults = new WorkerOptions().DefaultTestLimits with { CpuTimeMs = cpuTimeMs };

        Assert.False(errors.Any);
        Assert.Equal(Limits.WallTimeMsFor(cpuTimeMs), stored.WallTimeMs);
        Assert.Equal(stored.WallTimeMs, apiDefaults.WallTimeMs);
        Assert.Equal(stored.WallTimeMs, workerDefaults.WallTimeMs);
    }

    [Fact]
    public async Task A_submission_that_sets_only_its_cpu_time_runs_with_the_wall_time_the_rule_gives()
    {
        var sandbox = new FakeSandbox();
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, LanguageCatalog.C());
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", limits: new LimitsRequest(CpuTimeMs: 700), tests: [("1", "1", 1)]);

        await worker.JudgeAsync(id);

        var run = sandbox.Specs.Single(spec => !FakeSandbox.IsCompile(spec));
        Assert.Equal(TimeSpan.FromMilliseconds(700), run.Limits.CpuTime);
        Assert.Equal(Limits.WallTimeFor(TimeSpan.FromMilliseconds(700)), run.Limits.WallTime);
        Assert.Equal(TimeSpan.FromMilliseconds(2400), run.Limits.WallTime);
    }
}
