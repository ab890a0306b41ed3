using System.Net;
using System.Net.Http.Json;
using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

/// <summary>Problems, scores, checkers, plain runs, waiting and listing, through the real Api and Worker.</summary>
[Collection(StackCollection.Name)]
public sealed class SubmissionFlowTests(StackFixture fixture)
{
    private JudgeClient Client => fixture.Client;

    /// <summary>A+B, except that it answers 0 when a is 5 and never finishes when a is 7.</summary>
    private const string SumWithTwoBugs = """
        #include <stdio.h>
        int main(void) {
            long a, b;
            if (scanf("%ld %ld", &a, &b) != 2) return 1;
            if (a == 5) { puts("0"); return 0; }
            if (a == 7) { volatile long n = 0; for (;;) n = n + 1; }
            printf("%ld\n", a + b);
            return 0;
        }
        """;

    [Fact]
    public async Task A_problem_scores_the_points_of_its_accepted_tests_and_takes_the_first_failing_verdict()
    {
        var problem = await CreateProblemAsync(
            new TestCase("1 2\n", "3\n", 3),
            new TestCase("5 1\n", "6\n", 4),
            new TestCase("2 2\n", "4\n", 5),
            new TestCase("7 0\n", "7\n", 6),
            new TestCase("10 10\n", "20\n", 7));

        var submission = await fixture.JudgeAsync(new SubmissionRequest("c", SumWithTwoBugs) { ProblemId = problem });

        var because = fixture.Stack.Explain(submission.Describe());
        Assert.True(submission.Verdict == "WA", because);
        Assert.True(submission.Score == 3 + 5 + 7, because);
        Assert.True(submission.Tests.Select(t => t.Verdict).SequenceEqual(["AC", "WA", "AC", "TLE", "AC"]), because);
        Assert.Equal(problem, submission.ProblemId);
    }

    [Fact]
    public async Task A_custom_checker_in_C_accepts_any_right_answer_and_explains_a_wrong_one()
    {
        // The task: print two positive numbers that add up to n. Any such pair is right, not only the one in the answer file.
        const string checker = """
            #include <stdio.h>
            int main(int argc, char **argv) {
                if (argc != 4) return 3;
                FILE *input = fopen(argv[1], "r"), *output = fopen(argv[2], "r");
                long n, x, y;
                if (!input || !output || fscanf(input, "%ld", &n) != 1) return 3;
                if (fscanf(output, "%ld %ld", &x, &y) != 2) { fprintf(stderr, "expected two numbers\n"); return 1; }
                if (x <= 0 || y <= 0 || x + y != n) { fprintf(stderr, "%ld and %ld are not two positive numbers adding up to %ld\n", x, y, n); return 1; }
                return 0;
            }
            """;
        SubmissionRequest Solution(string source) => new("python3", source)
        {
            Tests = [new TestCase("5\n", "2 3\n")],
            Checker = new Checker("custom", checker, "c"),
            Limits = Programs.Small,
        };

        var judged = await Task.WhenAll(
            fixture.JudgeAsync(Solution("n = int(input())\nprint(1, n - 1)\n")),
            fixture.JudgeAsync(Solution("n = int(input())\nprint(0, n)\n")));

        var (other, wrong) = (judged[0], judged[1]);
        Assert.True(other.Verdict == "AC", fixture.Stack.Explain(other.Describe()));
        Assert.True(wrong.Verdict == "WA", fixture.Stack.Explain(wrong.Describe()));
        Assert.Equal("0 and 5 are not two positive numbers adding up to 5", wrong.Tests.Single().Message);
    }

    [Fact]
    public async Task A_plain_run_of_stdin_is_accepted_and_returns_its_stdout()
    {
        var submission = await fixture.JudgeAsync(new SubmissionRequest("python3", "print(input()[::-1])\n") { Stdin = "judge\n" });

        Assert.True(submission.Verdict == "AC", fixture.Stack.Explain(submission.Describe()));
        Assert.Equal("egduj\n", submission.Tests.Single().Stdout);
    }

    [Fact]
    public async Task Waiting_answers_200_with_the_finished_submission()
    {
        using var response = await Client.PostSubmissionAsync(new SubmissionRequest("bash", "read a b\necho $((a + b))\n") { Stdin = "1 2\n" }, wait: true);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var submission = await JudgeClient.ReadAsync<Submission>(response);
        Assert.Equal("done", submission.Status);
        Assert.Equal("AC", submission.Verdict);
        Assert.NotNull(submission.StartedAt);
        Assert.NotNull(submission.FinishedAt);
        Assert.Equal("3\n", submission.Tests.Single().Stdout);
    }

    [Fact]
    public async Task Not_waiting_answers_202_with_the_location_where_the_verdict_appears()
    {
        using var response = await Client.PostSubmissionAsync(new SubmissionRequest("bash", "echo hello\n") { Stdin = "" }, wait: false);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await JudgeClient.ReadAsync<SubmissionAccepted>(response);
        Assert.Equal("queued", accepted.Status);
        var location = response.Headers.Location!;
        Assert.EndsWith($"/api/v1/submissions/{accepted.Id}", location.ToString());

        var deadline = DateTime.UtcNow + StackFixture.VerdictTimeout;
        Submission submission;
        do
        {
            await Task.Delay(100);
            submission = (await Client.Http.GetFromJsonAsync<Submission>(location, JudgeClient.Json))!;
        }
        while (submission.Status != "done" && DateTime.UtcNow < deadline);
        Assert.True(submission.Verdict == "AC", fixture.Stack.Explain(submission.Describe()));
        Assert.Equal("hello\n", submission.Tests.Single().Stdout);
    }

    [Fact]
    public async Task The_list_shows_a_problems_submissions_with_their_verdicts_and_filters_by_verdict()
    {
        var problem = await CreateProblemAsync(new TestCase("1 2\n", "3\n"));
        var right = await fixture.JudgeAsync(new SubmissionRequest("bash", "read a b\necho $((a + b))\n") { ProblemId = problem });
        var wrong = await fixture.JudgeAsync(new SubmissionRequest("bash", "echo 4\n") { ProblemId = problem });

        var all = await ListAsync($"submissions?problemId={problem}");
        var wrongOnly = await ListAsync($"submissions?problemId={problem}&verdict=WA");

        Assert.Equal([(wrong.Id, "WA"), (right.Id, "AC")], all.Items.Select(s => (s.Id, s.Verdict)));
        Assert.Equal(2, all.TotalCount);
        Assert.Equal([wrong.Id], wrongOnly.Items.Select(s => s.Id));
    }

    private async Task<Guid> CreateProblemAsync(params TestCase[] tests)
    {
        using var response = await Client.Http.PostAsJsonAsync("problems",
            new { name = "A+B", limits = Programs.Small, tests }, JudgeClient.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JudgeClient.ReadAsync<CreatedProblem>(response)).Id;
    }

    private async Task<Page> ListAsync(string query) =>
        (await Client.Http.GetFromJsonAsync<Page>(query, JudgeClient.Json))!;

    private sealed record CreatedProblem(Guid Id);
    private sealed record Page(IReadOnlyList<ListedSubmission> Items, long TotalCount);
    private sealed record ListedSubmission(Guid Id, string Status, string? Verdict);
}
