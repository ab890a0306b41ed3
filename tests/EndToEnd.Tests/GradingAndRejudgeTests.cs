using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

/// <summary>A scoring Kattis package graded by its groups (min, sum, on_reject: break), and rejudging, through the real Api,
/// RabbitMQ and Worker.</summary>
[Collection(StackCollection.Name)]
public sealed class GradingAndRejudgeTests(StackFixture fixture) : IAsyncLifetime
{
    /// <summary>A+B, except that it answers 0 when a is 5; it also tells on stderr when it ran, so two runs differ.</summary>
    private const string SumWithABug = """
        import sys, time
        a, b = map(int, input().split())
        print(0 if a == 5 else a + b)
        print(time.time_ns(), file=sys.stderr)
        """;

    private const string Sum = "a, b = map(int, input().split())\nprint(a + b)\n";

    /// <summary>The tests in judging order: sample 1; g1 2-3; g2 4-6; g3 7-9; g4 10-11. With the bug, a = 5 fails.</summary>
    private static readonly (string Name, string Content)[] Package =
    [
        ("subtasks/problem.yaml", "name: Subtasks\ntype: scoring\n"),
        ("subtasks/data/sample/1.in", "1 2\n"), ("subtasks/data/sample/1.ans", "3\n"),
        // min: all or nothing, 30 points.
        ("subtasks/data/secret/g1/testdata.yaml", "grader_flags: min\naccept_score: 30\n"),
        ("subtasks/data/secret/g1/1.in", "2 2\n"), ("subtasks/data/secret/g1/1.ans", "4\n"),
        ("subtasks/data/secret/g1/2.in", "3 3\n"), ("subtasks/data/secret/g1/2.ans", "6\n"),
        // sum (the default): 10 per accepted test.
        ("subtasks/data/secret/g2/testdata.yaml", "accept_score: 10\n"),
        ("subtasks/data/secret/g2/1.in", "4 4\n"), ("subtasks/data/secret/g2/1.ans", "8\n"),
        ("subtasks/data/secret/g2/2.in", "5 1\n"), ("subtasks/data/secret/g2/2.ans", "6\n"),
        ("subtasks/data/secret/g2/3.in", "6 6\n"), ("subtasks/data/secret/g2/3.ans", "12\n"),
        // on_reject: break: the first test fails, the other two are not run.
        ("subtasks/data/secret/g3/testdata.yaml", "on_reject: break\naccept_score: 5\n"),
        ("subtasks/data/secret/g3/1.in", "5 5\n"), ("subtasks/data/secret/g3/1.ans", "10\n"),
        ("subtasks/data/secret/g3/2.in", "7 7\n"), ("subtasks/data/secret/g3/2.ans", "14\n"),
        ("subtasks/data/secret/g3/3.in", "8 8\n"), ("subtasks/data/secret/g3/3.ans", "16\n"),
        // min again: one failure is 0 of 40.
        ("subtasks/data/secret/g4/testdata.yaml", "grader_flags: min\naccept_score: 40\n"),
        ("subtasks/data/secret/g4/1.in", "5 2\n"), ("subtasks/data/secret/g4/1.ans", "7\n"),
        ("subtasks/data/secret/g4/2.in", "9 9\n"), ("subtasks/data/secret/g4/2.ans", "18\n"),
    ];

    private JudgeClient Client => fixture.Client;
    private HttpClient admin = null!;

    public async Task InitializeAsync()
    {
        admin = new HttpClient { BaseAddress = Client.Http.BaseAddress, Timeout = TimeSpan.FromMinutes(5) };
        admin.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Stack.CreateKeyAsync(admin: true));
    }

    public Task DisposeAsync()
    {
        admin.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Groups_are_graded_by_min_and_sum_and_a_breaking_group_stops_at_its_first_rejection()
    {
        var problem = await UploadAsync(Client.Http);

        var judged = await JudgeAsync(Client.Http, SumWithABug, problem);
        var full = await JudgeAsync(Client.Http, Sum, problem);

        var because = fixture.Stack.Explain($"{judged.Describe()}\n{full.Describe()}");
        Assert.True((judged.Verdict, judged.Score) == ("WA", 30 + 20 + 0 + 0), because);
        // Tests 8 and 9 were not run: they have no result, and their group counts them as skipped.
        Assert.True(judged.Tests.Select(t => (t.Index, t.Verdict)).SequenceEqual(
            [(1, "AC"), (2, "AC"), (3, "AC"), (4, "AC"), (5, "WA"), (6, "AC"), (7, "WA"), (10, "WA"), (11, "AC")]), because);
        Assert.Equal([
            new GroupGrade("sample", "AC", 0, 0),
            new GroupGrade("secret", "WA", 50, 2),
            new GroupGrade("secret/g1", "AC", 30, 0),
            new GroupGrade("secret/g2", "WA", 20, 0),
            new GroupGrade("secret/g3", "WA", 0, 2),
            new GroupGrade("secret/g4", "WA", 0, 0),
        ], judged.Groups!.OrderBy(g => g.Group, StringComparer.Ordinal));
        Assert.True((full.Verdict, full.Score, full.Tests.Count) == ("AC", 30 + 30 + 15 + 40, 11), because);
    }

    [Fact]
    public async Task A_rejudged_submission_gets_a_fresh_verdict_and_keeps_the_earlier_one_in_its_history()
    {
        var problem = await UploadAsync(Client.Http);
        var first = await JudgeAsync(admin, SumWithABug, problem);

        using var response = await admin.PostAsync($"submissions/{first.Id}/rejudge", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var again = await WaitForVerdictAsync(admin, first.Id);

        var because = fixture.Stack.Explain($"{first.Describe()}\n{again.Describe()}");
        Assert.True((again.Verdict, again.Score) == ("WA", 50), because);
        Assert.True(again.FinishedAt > first.FinishedAt, because);
        var history = Assert.Single(await admin.GetFromJsonAsync<List<EarlierJudgement>>($"submissions/{first.Id}/history", JudgeClient.Json) ?? []);
        Assert.Equal((1, "WA", 50.0, first.FinishedAt), (history.Judgement, history.Verdict, history.Score, history.FinishedAt));
        Assert.Equal(first.Tests.Select(t => (t.Index, t.Verdict, t.Stderr)), history.Tests.Select(t => (t.Index, t.Verdict, t.Stderr)));
        // The program wrote the time it ran: the new results are a new run's, not the old ones copied.
        Assert.NotEqual(first.Tests[0].Stderr, again.Tests[0].Stderr);
    }

    [Fact]
    public async Task Rejudging_a_problem_queues_again_each_of_its_finished_submissions()
    {
        // Another key's problem, and submissions of two keys: an admin rejudges them all.
        var problem = await UploadAsync(Client.Http);
        var buggy = await JudgeAsync(admin, SumWithABug, problem);
        var right = await JudgeAsync(Client.Http, Sum, problem);

        using var response = await admin.PostAsync($"problems/{problem}/rejudge", null);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var rejudged = await JudgeClient.ReadAsync<ProblemRejudged>(response);

        Assert.Equal(problem, rejudged.ProblemId);
        Assert.Equal(new[] { buggy.Id, right.Id }.Order(), rejudged.Submissions.Order());
        foreach (var (before, after) in new[] { (buggy, await WaitForVerdictAsync(admin, buggy.Id)), (right, await WaitForVerdictAsync(admin, right.Id)) })
        {
            Assert.True((after.Verdict, after.Score) == (before.Verdict, before.Score), fixture.Stack.Explain(after.Describe()));
            Assert.Single(await admin.GetFromJsonAsync<List<EarlierJudgement>>($"submissions/{after.Id}/history", JudgeClient.Json) ?? []);
        }
    }

    [Fact]
    public async Task Only_an_admin_may_rejudge_and_another_key_s_submission_is_not_found()
    {
        var problem = await UploadAsync(Client.Http);
        var adminsProblem = await UploadAsync(admin);
        var own = await JudgeAsync(Client.Http, Sum, problem);
        var foreign = await JudgeAsync(admin, Sum, problem);

        using var ownRejudge = await Client.Http.PostAsync($"submissions/{own.Id}/rejudge", null);
        using var ownProblem = await Client.Http.PostAsync($"problems/{problem}/rejudge", null);
        using var foreignRejudge = await Client.Http.PostAsync($"submissions/{foreign.Id}/rejudge", null);
        using var foreignProblem = await Client.Http.PostAsync($"problems/{adminsProblem}/rejudge", null);
        using var unknown = await admin.PostAsync($"submissions/{Guid.NewGuid()}/rejudge", null);
        using var malformed = await admin.PostAsync("submissions/not-an-id/rejudge", null);

        Assert.Equal(HttpStatusCode.Forbidden, ownRejudge.StatusCode);
        Assert.Equal("application/problem+json", ownRejudge.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.Forbidden, ownProblem.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignRejudge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignProblem.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, malformed.StatusCode);
        Assert.Contains("\"id\"", await malformed.Content.ReadAsStringAsync());
        Assert.Equal("done", (await Client.GetSubmissionAsync(own.Id)).Status); // refused: left as it was
    }

    [Fact]
    public async Task A_submission_still_being_judged_cannot_be_rejudged()
    {
        using var submitted = await admin.PostAsJsonAsync("submissions",
            new SubmissionRequest("python3", "import time\ntime.sleep(3)\n") { Stdin = "" }, JudgeClient.Json);
        var id = (await JudgeClient.ReadAsync<SubmissionAccepted>(submitted)).Id;

        using var response = await admin.PostAsync($"submissions/{id}/rejudge", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await WaitForVerdictAsync(admin, id); // leaves no slot busy for the tests after it
    }

    private static async Task<Guid> UploadAsync(HttpClient http)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in Package)
            {
                await using var entry = archive.CreateEntry(name).Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(content));
            }
        using var form = new MultipartFormDataContent { { new ByteArrayContent(zip.ToArray()), "file", "subtasks.zip" } };
        using var response = await http.PostAsync("problems/upload", form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await JudgeClient.ReadAsync<CreatedProblem>(response)).Id;
    }

    private static async Task<GradedSubmission> JudgeAsync(HttpClient http, string source, Guid problem)
    {
        using var response = await http.PostAsJsonAsync("submissions", new SubmissionRequest("python3", source) { ProblemId = problem }, JudgeClient.Json);
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, await response.Content.ReadAsStringAsync());
        return await WaitForVerdictAsync(http, (await JudgeClient.ReadAsync<SubmissionAccepted>(response)).Id);
    }

    private static async Task<GradedSubmission> WaitForVerdictAsync(HttpClient http, Guid id)
    {
        using var deadline = new CancellationTokenSource(StackFixture.VerdictTimeout);
        while (true)
        {
            var submission = await http.GetFromJsonAsync<GradedSubmission>($"submissions/{id}", JudgeClient.Json, deadline.Token)
                ?? throw new InvalidOperationException($"GET submissions/{id} returned nothing");
            if (submission.Status == "done")
                return submission;
            await Task.Delay(TimeSpan.FromMilliseconds(100), deadline.Token);
        }
    }

    private sealed record CreatedProblem(Guid Id);

    private sealed record GroupGrade(string Group, string? Verdict, double Score, int Skipped);

    private sealed record GradedSubmission(Guid Id, string Status, string? Verdict, double? Score, DateTime? FinishedAt,
        IReadOnlyList<TestResult> Tests, IReadOnlyList<GroupGrade>? Groups)
    {
        public string Describe() => $"submission {Id}: {Status} {Verdict} score {Score}: "
            + string.Join(", ", Tests.Select(t => $"{t.Index} {t.Verdict} {t.Message} {t.Stderr}"));
    }

    private sealed record EarlierJudgement(int Judgement, string Verdict, double? Score, DateTime? FinishedAt, IReadOnlyList<TestResult> Tests);

    private sealed record ProblemRejudged(Guid ProblemId, IReadOnlyList<Guid> Submissions);
}
