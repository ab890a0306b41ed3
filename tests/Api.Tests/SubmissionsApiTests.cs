using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Judge.Api.Submissions;
using Judge.Contracts;
using Judge.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class SubmissionsApiTests(ApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    private static object Snippet(string stdin = "") => new { language = ApiFixture.LiveLanguage, source = "print(input())", stdin };

    private async Task<Guid> SubmitAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/submissions", body);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<SubmissionAccepted>())!.Id;
    }

    private async Task FinishAsync(Guid id, string verdict)
    {
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE submissions SET status = 'done', verdict = @verdict, score = 0, started_at = now(), finished_at = now() WHERE id = @id",
            new { id, verdict });
    }

    [Fact]
    public async Task Valid_submission_is_stored_queued_published_and_answered_with_202_and_location()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/submissions", new
        {
            language = ApiFixture.LiveLanguage,
            source = "print(int(input()) * 2)",
            tests = new[] { new { input = "2\n", expectedOutput = "4\n", points = 3 }, new { input = "5\n", expectedOutput = "10\n", points = 7 } },
            limits = new { cpuTimeMs = 1000 },
            checker = new { kind = "tokens" },
        });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var accepted = await response.Content.ReadFromJsonAsync<SubmissionAccepted>();
        Assert.Equal(SubmissionStatus.Queued, accepted!.Status);
        Assert.EndsWith($"/api/v1/submissions/{accepted.Id}", response.Headers.Location!.ToString());
        Assert.True(await fixture.Harness.Published.Any<JudgeSubmission>(m => m.Context.Message.SubmissionId == accepted.Id));

        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(string Status, string Limits, string Checker)>(
            "SELECT status, limits::text, checker::text FROM submissions WHERE id = @Id", new { accepted.Id });
        Assert.Equal("queued", row.Status);
        using var limits = JsonDocument.Parse(row.Limits);
        Assert.Equal(1000, limits.RootElement.GetProperty("cpuTimeMs").GetInt32());
        Assert.Equal(3000, limits.RootElement.GetProperty("wallTimeMs").GetInt32());
        Assert.Equal("""{"kind": "tokens"}""", row.Checker);
        var tests = await connection.QueryAsync<(int Index, string Input, string Expected, int Points)>(
            "SELECT index, input, expected_output, points FROM submission_tests WHERE submission_id = @Id ORDER BY index", new { accepted.Id });
        Assert.Equal([(1, "2\n", "4\n", 3), (2, "5\n", "10\n", 7)], tests);
    }

    [Fact]
    public async Task Unknown_language_empty_source_and_out_of_range_limits_are_400_naming_each_field()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/submissions",
            new { language = "cobol", source = "", stdin = "", limits = new { memoryKb = 999_999_999 } });

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("cobol", errors.GetProperty("language")[0].GetString());
        Assert.True(errors.TryGetProperty("source", out _));
        Assert.True(errors.TryGetProperty("limits.memoryKb", out _));
    }

    [Fact]
    public async Task Malformed_json_is_a_400_problem_not_a_500()
    {
        var response = await Client.PostAsync("/api/v1/submissions", new StringContent("""{"language": "python3", "source": """, Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.TryGetProperty("errors", out _));
    }

    [Fact]
    public async Task Wrong_type_is_a_400_naming_the_field()
    {
        var response = await Client.PostAsync("/api/v1/submissions",
            new StringContent("""{"language": "python3", "source": "x", "stdin": "", "limits": {"cpuTimeMs": "fast"}}""", Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("Has the wrong type for this field.", problem.GetProperty("errors").GetProperty("limits.cpuTimeMs")[0].GetString()?.Split(" (")[0]);
    }

    [Fact]
    public async Task Number_sent_as_a_string_is_a_wrong_type()
    {
        var response = await Client.PostAsync("/api/v1/submissions",
            new StringContent("""{"language": "python3", "source": "x", "stdin": "", "limits": {"cpuTimeMs": "100"}}""", Encoding.UTF8, "application/json"));

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("limits.cpuTimeMs", out _));
    }

    [Fact]
    public async Task Missing_body_is_a_400_problem()
    {
        var response = await Client.PostAsync("/api/v1/submissions", null);

        await ProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Unknown_submission_is_404()
    {
        var response = await Client.GetAsync($"/api/v1/submissions/{Guid.NewGuid()}");

        await ProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Finished_submission_shows_its_tests_with_outputs_cut_to_the_preview_size()
    {
        var id = await SubmitAsync(Snippet());
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO test_results (submission_id, index, verdict, cpu_time_ms, wall_time_ms, memory_kb, exit_code, signal,
                                          stdout, stdout_truncated, stderr, stderr_truncated)
                VALUES (@id, 1, 'AC', 12, 30, 4096, 0, NULL, @stdout, false, 'warn', false)
                """, new { id, stdout = new string('y', ApiFixture.OutputPreviewBytes * 4) });
        await FinishAsync(id, "AC");

        var view = await Client.GetFromJsonAsync<SubmissionView>($"/api/v1/submissions/{id}");

        Assert.Equal(SubmissionStatus.Done, view!.Status);
        Assert.Equal(Verdict.AC, view.Verdict);
        var test = Assert.Single(view.Tests);
        Assert.Equal(new string('y', ApiFixture.OutputPreviewBytes), test.Stdout);
        Assert.True(test.StdoutTruncated);
        Assert.Equal(("warn", false), (test.Stderr, test.StderrTruncated));
        Assert.Equal((12L, 30L, 4096L, 0), (test.CpuTimeMs, test.WallTimeMs, test.MemoryKb, test.ExitCode));
    }

    [Fact]
    public async Task Wait_answers_with_the_finished_submission_as_soon_as_it_is_done()
    {
        var waiting = Client.PostAsJsonAsync("/api/v1/submissions?wait=true", Snippet(stdin: "wait-for-me"));
        var id = await WaitForRowAsync("wait-for-me");

        await FinishAsync(id, "WA");
        var response = await waiting;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var view = await response.Content.ReadFromJsonAsync<SubmissionView>();
        Assert.Equal((id, SubmissionStatus.Done, (Verdict?)Verdict.WA), (view!.Id, view.Status, view.Verdict));
    }

    [Fact]
    public async Task Finishing_a_submission_notifies_the_submission_done_channel_with_its_id_at_commit()
    {
        var id = await SubmitAsync(Snippet());
        await using var listener = await fixture.Database.DataSource.OpenConnectionAsync();
        var payloads = new List<string>();
        listener.Notification += (_, e) => payloads.Add(e.Payload);
        await listener.ExecuteAsync($"LISTEN {SubmissionDoneListener.Channel}");

        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE submissions SET status = 'running' WHERE id = @id", new { id });
        await FinishAsync(id, "AC");
        while (await listener.WaitAsync(TimeSpan.FromSeconds(2))) { }

        Assert.Equal([id.ToString()], payloads);
    }

    [Fact]
    public async Task Wait_gives_up_after_the_configured_time_with_202()
    {
        var started = DateTime.UtcNow;

        var response = await Client.PostAsJsonAsync("/api/v1/submissions?wait=true", Snippet());

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.InRange(DateTime.UtcNow - started, TimeSpan.FromSeconds(ApiFixture.WaitTimeoutSeconds - 0.1), TimeSpan.FromSeconds(ApiFixture.WaitTimeoutSeconds + 5));
    }

    [Fact]
    public async Task List_pages_newest_first_and_filters_by_status_and_verdict()
    {
        var ids = new List<Guid>();
        for (var i = 0; i < 3; i++)
            ids.Add(await SubmitAsync(Snippet()));
        await FinishAsync(ids[1], "TLE");

        var firstPage = await Client.GetFromJsonAsync<JsonElement>("/api/v1/submissions?page=1&pageSize=2");
        var tle = await Client.GetFromJsonAsync<JsonElement>("/api/v1/submissions?verdict=TLE&status=done&pageSize=100");

        Assert.Equal([ids[2], ids[1]], firstPage.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
        Assert.True(firstPage.GetProperty("totalCount").GetInt64() >= 3);
        Assert.Equal([ids[1]], tle.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Theory]
    [InlineData("pageSize=101", "pageSize")]
    [InlineData("page=0", "page")]
    [InlineData("status=finished", "status")]
    [InlineData("verdict=OK", "verdict")]
    public async Task Bad_list_parameters_are_400_naming_the_parameter(string query, string field)
    {
        var response = await Client.GetAsync($"/api/v1/submissions?{query}");

        var problem = await ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty(field, out _));
    }

    [Fact]
    public async Task Sweeper_publishes_again_a_submission_left_queued_without_a_publish()
    {
        var id = Guid.NewGuid();
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO submissions (id, language, source, stdin, created_at) VALUES (@id, 'python3', 'print(1)', '', now() - interval '2 hours')
                """, new { id });
        var sweeper = fixture.Factory.Services.GetRequiredService<QueuedSubmissionSweeper>();

        Assert.True(await sweeper.SweepOnceAsync(CancellationToken.None) >= 1);

        Assert.True(await fixture.Harness.Published.Any<JudgeSubmission>(m => m.Context.Message.SubmissionId == id));
        Assert.DoesNotContain(id, await fixture.Factory.Services.GetRequiredService<SubmissionStore>()
            .DueForRepublishAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1), 1000, CancellationToken.None));
    }

    [Fact]
    public async Task Sweeper_publishes_again_a_submission_stuck_compiling_but_not_a_recent_or_finished_one()
    {
        var stuck = Guid.NewGuid();
        var recent = Guid.NewGuid();
        var done = Guid.NewGuid();
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO submissions (id, language, source, stdin, status, created_at, started_at, published_at) VALUES
                    (@stuck, 'python3', 'print(1)', '', 'compiling', now() - interval '3 hours', now() - interval '3 hours', now() - interval '3 hours'),
                    (@recent, 'python3', 'print(1)', '', 'running', now() - interval '3 hours', now(), now() - interval '3 hours');
                INSERT INTO submissions (id, language, source, stdin, status, verdict, created_at, finished_at) VALUES
                    (@done, 'python3', 'print(1)', '', 'done', 'AC', now() - interval '3 hours', now() - interval '3 hours');
                """, new { stuck, recent, done });

        var due = await fixture.Factory.Services.GetRequiredService<SubmissionStore>()
            .DueForRepublishAsync(TimeSpan.FromHours(1), TimeSpan.FromHours(1), 1000, CancellationToken.None);

        Assert.Contains(stuck, due);
        Assert.DoesNotContain(recent, due);
        Assert.DoesNotContain(done, due);
    }

    private async Task<Guid> WaitForRowAsync(string stdin)
    {
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        for (var attempt = 0; attempt < 200; attempt++)
        {
            var id = await connection.QuerySingleOrDefaultAsync<Guid?>("SELECT id FROM submissions WHERE stdin = @stdin", new { stdin });
            if (id is { } found)
                return found;
            await Task.Delay(25);
        }
        throw new TimeoutException($"No submission with stdin '{stdin}' appeared.");
    }

    internal static async Task<JsonElement> ProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        return problem;
    }
}
