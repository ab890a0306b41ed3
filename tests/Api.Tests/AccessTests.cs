using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Dapper;
using Judge.Api.Access;
using Judge.Api.Submissions;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class AccessTests(ApiFixture fixture)
{
    private static object Snippet => new { language = ApiFixture.LiveLanguage, source = "print(1)", stdin = "" };
    private static object Problem => new { name = "echo", tests = new[] { new { input = "1\n", expectedOutput = "1\n" } } };

    private static async Task<JsonElement> ProblemDetailsAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).Clone();
    }

    private static async Task<Guid> IdAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer judge_not-a-key")]
    [InlineData("Basic dXNlcjpwYXNz")]
    [InlineData("Bearer ")]
    public async Task Requests_without_a_valid_key_are_401_with_problem_details(string? authorization)
    {
        using var client = fixture.Factory.CreateClient();
        if (authorization is not null)
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);

        foreach (var response in new[]
        {
            await client.GetAsync("/api/v1/submissions"),
            await client.GetAsync($"/api/v1/submissions/{Guid.NewGuid()}"),
            await client.PostAsJsonAsync("/api/v1/submissions", Snippet),
            await client.GetAsync("/api/v1/problems"),
            await client.PostAsJsonAsync("/api/v1/problems", Problem),
            await client.GetAsync("/api/v1/languages"),
        })
        {
            var problem = await ProblemDetailsAsync(response, HttpStatusCode.Unauthorized);
            Assert.Equal(401, problem.GetProperty("status").GetInt32());
            Assert.Contains("Bearer", response.Headers.WwwAuthenticate.ToString());
        }
    }

    [Fact]
    public async Task Health_probes_and_the_OpenAPI_document_need_no_key()
    {
        using var client = fixture.Factory.CreateClient();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/health/live")).StatusCode);
        Assert.NotEqual(HttpStatusCode.Unauthorized, (await client.GetAsync("/api/v1/health/ready")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/openapi/v1.json")).StatusCode);
    }

    [Theory]
    [InlineData("127.0.0.1", HttpStatusCode.OK)]
    [InlineData("::1", HttpStatusCode.OK)]
    [InlineData("::ffff:127.0.0.1", HttpStatusCode.OK)]
    [InlineData("192.0.2.10", HttpStatusCode.NotFound)]
    [InlineData("2001:db8::10", HttpStatusCode.NotFound)]
    public async Task Metrics_need_no_key_from_this_host_and_do_not_exist_for_any_other_address(string remote, HttpStatusCode expected)
    {
        var context = await fixture.Factory.Server.SendAsync(http =>
        {
            http.Request.Method = "GET";
            http.Request.Path = "/metrics";
            http.Connection.RemoteIpAddress = IPAddress.Parse(remote);
        });

        Assert.Equal((int)expected, context.Response.StatusCode);
    }

    [Fact]
    public async Task A_key_is_stored_as_its_SHA256_and_never_in_plain_text()
    {
        var key = await fixture.Factory.CreateKeyAsync();

        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var row = await connection.QuerySingleAsync<(byte[] Hash, string Everything)>(
            "SELECT key_hash, row_to_json(api_keys)::text FROM api_keys WHERE id = @Id", new { key.Id });
        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(key.Key)), row.Hash);
        Assert.DoesNotContain(key.Key[ApiKeyStore.Prefix.Length..], row.Everything);
        Assert.Equal(32, Convert.FromHexString(key.SigningSecret).Length);
    }

    [Fact]
    public async Task Revoked_key_is_refused_on_its_next_request()
    {
        await using var factory = new JudgeApiFactory(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness(),
            ("Judge:Access:KeyCacheSeconds", "0"));
        var key = await factory.CreateKeyAsync();
        using var client = factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/api/v1/submissions")).StatusCode);

        Assert.True(await factory.Services.GetRequiredService<ApiKeyStore>().RevokeAsync(key.Name, CancellationToken.None));

        await ProblemDetailsAsync(await client.GetAsync("/api/v1/submissions"), HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Another_keys_submission_and_problem_answer_404_exactly_like_an_unknown_id()
    {
        using var owner = await fixture.Factory.CreateClientWithKeyAsync();
        using var stranger = await fixture.Factory.CreateClientWithKeyAsync();
        var submission = await IdAsync(await owner.PostAsJsonAsync("/api/v1/submissions", Snippet));
        var problem = await IdAsync(await owner.PostAsJsonAsync("/api/v1/problems", Problem));

        var theirs = await stranger.GetAsync($"/api/v1/submissions/{submission}");
        var unknown = await stranger.GetAsync($"/api/v1/submissions/{Guid.NewGuid()}");
        var theirProblem = await stranger.GetAsync($"/api/v1/problems/{problem}");
        var unknownProblem = await stranger.GetAsync($"/api/v1/problems/{Guid.NewGuid()}");

        Assert.Equal(HttpStatusCode.NotFound, theirs.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, theirProblem.StatusCode);
        Assert.Equal(await Shape(unknown), await Shape(theirs));
        Assert.Equal(await Shape(unknownProblem), await Shape(theirProblem));
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync($"/api/v1/submissions/{submission}")).StatusCode);

        // Nor can it judge against another key's problem: that id is as unknown as any.
        var submitted = await stranger.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = "print(1)", problemId = problem });
        Assert.Equal(HttpStatusCode.BadRequest, submitted.StatusCode);
        Assert.Contains("No problem with id", await submitted.Content.ReadAsStringAsync());

        static async Task<string> Shape(HttpResponseMessage response)
        {
            var body = await response.Content.ReadAsStringAsync();
            return $"{(int)response.StatusCode} {response.Content.Headers.ContentType} {JsonDocument.Parse(body).RootElement.GetProperty("title")}";
        }
    }

    [Fact]
    public async Task Lists_show_only_the_keys_own_submissions_and_problems_and_an_admin_key_sees_all()
    {
        using var alice = await fixture.Factory.CreateClientWithKeyAsync();
        using var bob = await fixture.Factory.CreateClientWithKeyAsync();
        using var admin = await fixture.Factory.CreateClientWithKeyAsync(admin: true);
        var aliceSubmission = await IdAsync(await alice.PostAsJsonAsync("/api/v1/submissions", Snippet));
        var bobSubmission = await IdAsync(await bob.PostAsJsonAsync("/api/v1/submissions", Snippet));
        var aliceProblem = await IdAsync(await alice.PostAsJsonAsync("/api/v1/problems", Problem));
        var bobProblem = await IdAsync(await bob.PostAsJsonAsync("/api/v1/problems", Problem));

        Assert.Equal([aliceSubmission], await IdsAsync(alice, "submissions"));
        Assert.Equal([bobSubmission], await IdsAsync(bob, "submissions"));
        Assert.Equal([aliceProblem], await IdsAsync(alice, "problems"));
        var all = await IdsAsync(admin, "submissions");
        Assert.Contains(aliceSubmission, all);
        Assert.Contains(bobSubmission, all);
        Assert.Contains(bobProblem, await IdsAsync(admin, "problems"));
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/submissions/{aliceSubmission}")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await admin.GetAsync($"/api/v1/problems/{bobProblem}")).StatusCode);

        static async Task<List<Guid>> IdsAsync(HttpClient client, string resource)
        {
            var page = await client.GetFromJsonAsync<JsonElement>($"/api/v1/{resource}?pageSize=100");
            var ids = page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("id").GetGuid()).ToList();
            Assert.Equal(ids.Count, page.GetProperty("totalCount").GetInt64());
            return ids;
        }
    }

    [Fact]
    public async Task A_key_over_its_request_rate_is_answered_429_with_Retry_After_and_other_keys_are_not()
    {
        await using var factory = new JudgeApiFactory(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness(),
            ("Judge:Access:RequestsPerSecond", "1"), ("Judge:Access:RequestBurst", "3"));
        using var greedy = await factory.CreateClientWithKeyAsync();
        using var other = await factory.CreateClientWithKeyAsync();

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 10 && limited is null; i++)
        {
            var response = await greedy.GetAsync("/api/v1/submissions");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
                limited = response;
        }

        Assert.NotNull(limited);
        Assert.True(statuses.Count(s => s == HttpStatusCode.OK) >= 3, string.Join(", ", statuses));
        await ProblemDetailsAsync(limited, HttpStatusCode.TooManyRequests);
        Assert.True(limited.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1), $"Retry-After: {limited.Headers.RetryAfter}");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync("/api/v1/submissions")).StatusCode);
    }

    [Fact]
    public async Task A_key_with_as_many_unfinished_submissions_as_the_cap_is_answered_429_with_Retry_After()
    {
        await using var factory = new JudgeApiFactory(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness(),
            ("Judge:Access:MaxUnfinishedSubmissions", "2"), ("Judge:Access:QueueFullRetryAfterSeconds", "7"));
        using var client = await factory.CreateClientWithKeyAsync();
        using var other = await factory.CreateClientWithKeyAsync();

        var first = await IdAsync(await client.PostAsJsonAsync("/api/v1/submissions", Snippet));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/v1/submissions", Snippet)).StatusCode);
        var refused = await client.PostAsJsonAsync("/api/v1/submissions", Snippet);

        await ProblemDetailsAsync(refused, HttpStatusCode.TooManyRequests);
        Assert.Equal(TimeSpan.FromSeconds(7), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.Accepted, (await other.PostAsJsonAsync("/api/v1/submissions", Snippet)).StatusCode);

        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync(
                "UPDATE submissions SET status = 'done', verdict = 'AC', score = 1, started_at = now(), finished_at = now() WHERE id = @first", new { first });
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsJsonAsync("/api/v1/submissions", Snippet)).StatusCode);
    }

    [Fact]
    public async Task Source_and_tests_over_their_maxima_are_413_with_problem_details_and_nothing_is_stored()
    {
        await using var factory = new JudgeApiFactory(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness(),
            ("Judge:MaxSourceBytes", "100"), ("Judge:MaxTestsBytes", "1000"));
        using var client = await factory.CreateClientWithKeyAsync();
        var bigTests = Enumerable.Range(0, 3).Select(_ => new { input = new string('1', 400), expectedOutput = "1" }).ToArray();

        var source = await client.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = new string('x', 101), stdin = "" });
        var stdin = await client.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = "print(1)", stdin = new string('1', 1001) });
        var tests = await client.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = "print(1)", tests = bigTests });
        var problem = await client.PostAsJsonAsync("/api/v1/problems", new { name = "big", tests = bigTests });

        Assert.True((await ProblemDetailsAsync(source, HttpStatusCode.RequestEntityTooLarge)).GetProperty("errors").TryGetProperty("source", out _));
        Assert.True((await ProblemDetailsAsync(stdin, HttpStatusCode.RequestEntityTooLarge)).GetProperty("errors").TryGetProperty("tests", out _));
        Assert.True((await ProblemDetailsAsync(tests, HttpStatusCode.RequestEntityTooLarge)).GetProperty("errors").TryGetProperty("tests", out _));
        Assert.True((await ProblemDetailsAsync(problem, HttpStatusCode.RequestEntityTooLarge)).GetProperty("errors").TryGetProperty("tests", out _));
        var page = await client.GetFromJsonAsync<JsonElement>("/api/v1/submissions");
        Assert.Equal(0, page.GetProperty("totalCount").GetInt64());
    }

    [Fact]
    public async Task Key_command_prints_the_new_key_last_and_revokes_it_by_name()
    {
        var name = $"cmd-{Guid.NewGuid():N}";
        var output = new StringWriter();
        var error = new StringWriter();

        var created = await KeyCommand.RunAsync(fixture.Factory.Services, ["create", name, "--admin"], output, error);
        var key = output.ToString().TrimEnd().Split('\n')[^1];
        var again = await KeyCommand.RunAsync(fixture.Factory.Services, ["create", name], new StringWriter(), error);
        using var client = fixture.Factory.CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        var before = await client.GetAsync("/api/v1/submissions");
        var revoked = await KeyCommand.RunAsync(fixture.Factory.Services, ["revoke", name], new StringWriter(), error);

        Assert.Equal((0, 1, 0), (created, again, revoked));
        Assert.StartsWith(ApiKeyStore.Prefix, key);
        Assert.Contains("signing secret", output.ToString());
        Assert.Contains("exists already", error.ToString());
        Assert.Equal(HttpStatusCode.OK, before.StatusCode);
        var found = await fixture.Factory.Services.GetRequiredService<ApiKeyStore>().FindAsync(key, CancellationToken.None);
        Assert.Null(found);
    }
}
