using Dapper;
using Judge.Data;

namespace Judge.Worker.Tests;

/// <summary>Kattis packages whose groups are graded by the package's own grader (<c>grading: custom</c>), stored as the
/// Api stores an upload and judged by the worker in the real sandbox.</summary>
[Collection(PostgresCollection.Name)]
public class KattisGraderJudgingTests(PostgresFixture postgres)
{
    /// <summary>The group's best score, halved when one of its tests or subgroups failed (with its flag --halve-on-failure);
    /// accepted when anything in it was.</summary>
    private const string BestGrader = """
        import sys
        if sys.argv[1:] != ["--halve-on-failure"]:
            sys.exit(f"expected the flag --halve-on-failure, got {sys.argv[1:]}")
        results = [line.split() for line in sys.stdin if line.strip()]
        failed = [verdict for verdict, _ in results if verdict != "AC"]
        best = max(float(score) for _, score in results)
        if failed:
            best /= 2
        print("AC" if len(failed) < len(results) else failed[0], best)
        """;

    /// <summary>Two subgroups of two tests, worth 10 and 30 a test: the grader grades each, then secret over their grades.</summary>
    private static (string, string)[] Package(string grader) =>
    [
        ("best/problem.yaml", "name: Best\ntype: scoring\n"),
        ("best/graders/best/best.py", grader),
        ("best/data/sample/1.in", "1\n"), ("best/data/sample/1.ans", "1\n"),
        ("best/data/secret/testdata.yaml", "grading: custom\ngrader_flags: --halve-on-failure\n"),
        ("best/data/secret/a/testdata.yaml", "accept_score: 10\n"),
        ("best/data/secret/a/1.in", "1\n"), ("best/data/secret/a/1.ans", "1\n"),
        ("best/data/secret/a/2.in", "2\n"), ("best/data/secret/a/2.ans", "2\n"),
        ("best/data/secret/b/testdata.yaml", "accept_score: 30\n"),
        ("best/data/secret/b/1.in", "3\n"), ("best/data/secret/b/1.ans", "3\n"),
        ("best/data/secret/b/2.in", "4\n"), ("best/data/secret/b/2.ans", "4\n"),
    ];

    [Fact]
    public async Task A_custom_grader_grades_each_custom_group_from_its_tests_and_subgroups_results()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(Package(BestGrader));
        var echo = await worker.InsertSubmissionAsync("python3", "print(input())\n", problemId: problem);
        var wrongOnFour = await worker.InsertSubmissionAsync("python3", "n = input()\nprint(0 if n == '4' else n)\n", problemId: problem);
        var wrong = await worker.InsertSubmissionAsync("python3", "n = input()\nprint(n if n == '1' else 0)\n", problemId: problem);

        await worker.JudgeAsync(echo);
        await worker.JudgeAsync(wrongOnFour);
        await worker.JudgeAsync(wrong);

        // a: best 10; b: best 30; secret: best of its subgroups, 30. The top group (default grader) adds the sample's 0.
        await AssertGradedAsync(worker, echo, "AC", 30, ("sample", "AC", 0), ("secret", "AC", 30), ("secret/a", "AC", 10), ("secret/b", "AC", 30));
        // b failed a test: half its best, 15; secret's subgroups were both accepted, so its best stands.
        await AssertGradedAsync(worker, wrongOnFour, "AC", 15, ("sample", "AC", 0), ("secret", "AC", 15), ("secret/a", "AC", 10), ("secret/b", "AC", 15));
        // a passed "1" only: AC 5; b passed nothing: WA 0; secret: half of 5.
        await AssertGradedAsync(worker, wrong, "AC", 2.5, ("sample", "AC", 0), ("secret", "AC", 2.5), ("secret/a", "AC", 5), ("secret/b", "WA", 0));
    }

    [Theory]
    [InlineData("raise RuntimeError('the jury forgot a case')\n", "RuntimeError: the jury forgot a case")]
    [InlineData("print('great job')\n", "answered 'great job' for group secret/a")]
    [InlineData("print('JE 0')\n", "judged group secret/a JE")]
    public async Task A_grader_that_fails_or_answers_out_of_format_makes_the_submission_an_internal_error_naming_the_grader(string grader, string reason)
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(Package(grader));
        var echo = await worker.InsertSubmissionAsync("python3", "print(input())\n", problemId: problem);

        await worker.JudgeAsync(echo);

        var judged = await worker.SubmissionAsync(echo);
        Assert.Equal("IE", judged.Verdict);
        Assert.Contains("the grader graders/best", judged.Message);
        Assert.Contains(reason, judged.Message);
        // The program's own tests stand as they were judged; judging stopped at the group the grader failed on.
        Assert.All(await worker.TestResultsAsync(echo), t => Assert.Equal("AC", t.Verdict));
    }

    [Fact]
    public async Task A_grader_in_c_is_compiled_and_run_like_a_python_one()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var files = Package("").Where(f => !f.Item1.StartsWith("best/graders/", StringComparison.Ordinal)).Append(("best/graders/sum.c", """
            #include <stdio.h>
            /* Adds the group's scores and doubles them; accepts only when everything was. */
            int main(void) {
                char verdict[8];
                double score, total = 0;
                int rejected = 0;
                while (scanf("%7s %lf", verdict, &score) == 2) {
                    total += score;
                    rejected |= verdict[0] != 'A';
                }
                printf("%s %g\n", rejected ? "WA" : "AC", 2 * total);
                return 0;
            }
            """)).ToArray();
        var problem = await worker.InsertPackageAsync(files);
        var echo = await worker.InsertSubmissionAsync("python3", "print(input())\n", problemId: problem);

        await worker.JudgeAsync(echo);

        // a: 2·20; b: 2·60; secret: 2·(40 + 120).
        await AssertGradedAsync(worker, echo, "AC", 320, ("sample", "AC", 0), ("secret", "AC", 320), ("secret/a", "AC", 40), ("secret/b", "AC", 120));
    }

    private static async Task AssertGradedAsync(WorkerHarness worker, Guid id, string verdict, double score, params (string Group, string Verdict, double Score)[] groups)
    {
        var judged = await worker.SubmissionAsync(id);
        Assert.True(judged.Verdict == verdict, $"{judged.Verdict}: {judged.Message} {judged.CompileOutput} " +
            string.Join(" | ", (await worker.TestResultsAsync(id)).Select(t => $"{t.Verdict} {t.Message} {t.Stderr}")));
        Assert.Equal(score, judged.Score!.Value, 6);
        await using var connection = await worker.Database.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<string>("SELECT groups::text FROM submissions WHERE id = @id", new { id });
        Assert.Equal(groups, DbJson.Deserialize<List<GroupResult>>(stored).OrderBy(g => g.Group, StringComparer.Ordinal)
            .Select(g => (g.Group, g.Verdict.ToString()!, g.Score)));
    }
}
