
namespace Judge.Worker.Tests;

/// <summary>A Kattis package stored as the Api stores an upload, judged by the default output validator in the real sandbox.</summary>
[Collection(PostgresCollection.Name)]
public class KattisJudgingTests(PostgresFixture postgres)
{
    [Fact]
    public async Task A_package_with_a_float_tolerance_accepts_other_formatting_and_rejects_a_number_out_of_tolerance()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(
            ("thirds/problem.yaml", "name: Thirds\nvalidator_flags: float_tolerance 1e-6\n"),
            ("thirds/data/sample/1.in", "1 3\n"), ("thirds/data/sample/1.ans", "Ratio 0.333333\n"),
            ("thirds/data/secret/1.in", "2 3\n"), ("thirds/data/secret/1.ans", "ratio 6.666666667E-1\n"),
            ("thirds/data/secret/2.in", "1 7\n"), ("thirds/data/secret/2.ans", "RATIO 0.142857142857\n"));
        // Prints 0.3333333333333333, 0.6666666666666666 and 0.14285714285714285, in its own case.
        var exact = await worker.InsertSubmissionAsync("python3", "a, b = map(int, input().split())\nprint('ratio', a / b)\n", problemId: problem);
        // Right to 1e-4 only: beyond the tolerance on every test.
        var rounded = await worker.InsertSubmissionAsync("python3", "a, b = map(int, input().split())\nprint('ratio', f'{a / b:.4f}')\n", problemId: problem);

        await worker.JudgeAsync(exact);
        await worker.JudgeAsync(rounded);

        var accepted = await worker.SubmissionAsync(exact);
        Assert.True(accepted.Verdict == "AC", $"{accepted.Verdict}: {accepted.Message} {accepted.CompileOutput} " +
            string.Join(" | ", (await worker.TestResultsAsync(exact)).Select(t => $"{t.Verdict} {t.Message} {t.Stderr}")));
        Assert.Equal(2, accepted.Score); // the sample scores nothing
        var rejected = await worker.TestResultsAsync(rounded);
        Assert.Equal(["WA", "WA", "WA"], rejected.Select(t => t.Verdict));
        Assert.Contains("absolute error", rejected[1].Message);
        Assert.Equal(0, (await worker.SubmissionAsync(rounded)).Score);
    }

    [Fact]
    public async Task Each_group_is_judged_with_its_own_validator_flags()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(
            ("answer/problem.yaml", "name: Answer\n"),
            ("answer/data/secret/loose/1.in", "\n"), ("answer/data/secret/loose/1.ans", "Yes\n"),
            ("answer/data/secret/strict/testdata.yaml", "output_validator_flags: case_sensitive\n"),
            ("answer/data/secret/strict/1.in", "\n"), ("answer/data/secret/strict/1.ans", "Yes\n"));
        var lower = await worker.InsertSubmissionAsync("python3", "print('yes')\n", problemId: problem);

        await worker.JudgeAsync(lower);

        var tests = await worker.TestResultsAsync(lower);
        Assert.Equal(["AC", "WA"], tests.Select(t => t.Verdict));
        Assert.Equal("WA", (await worker.SubmissionAsync(lower)).Verdict);
    }
}
