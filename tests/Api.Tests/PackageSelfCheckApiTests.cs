using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Judge.Api.Problems;
using Judge.Contracts;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

/// <summary>The Api's side of input validation (a stand-in worker answers on the in-memory bus, or none does) and of verifying
/// example submissions, over the real database. The real worker's side is in EndToEnd.Tests (PackageSelfCheckTests).</summary>
[Collection(ApiCollection.Name)]
public sealed class PackageSelfCheckApiTests(ApiFixture fixture)
{
    private static MemoryStream Package(string name, params (string Name, string Content)[] extra) => ProblemArchiveTests.Zip([
        ("problem.yaml", $"name: {name}\n"),
        ("input_validators/check/check.py", "import sys\nsys.exit(42)\n"),
        ("data/secret/a.in", "1\n"), ("data/secret/a.ans", "1\n"),
        ("data/secret/b.in", "2\n"), ("data/secret/b.ans", "2\n"),
        .. extra]);

    [Fact]
    public async Task A_test_the_worker_says_is_invalid_refuses_the_upload_under_its_file_and_nothing_is_stored()
    {
        await using var factory = Factory(services => services.AddMassTransitTestHarness(bus => bus.AddHandler<ValidateProblemInputs>(context =>
            context.RespondAsync(new ProblemInputsValidated(context.Message.ProblemId, [new InputFault(2, "input_validators/check", "2 is too large")])))));
        using var client = await factory.CreateClientWithKeyAsync();
        var name = $"invalid {Guid.NewGuid():N}";

        // A test file no other problem has: it is stored for the worker to read, and must go with the problem.
        var problem = await SubmissionsApiTests.ProblemAsync(await PostAsync(client, Package(name, ("data/secret/c.in", name), ("data/secret/c.ans", name))),
            HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
        Assert.Equal("is refused by the input validator input_validators/check: 2 is too large", Assert.Single(errors["file:data/secret/b.in"]));
        Assert.Equal(0, await CountAsync(name));
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        Assert.Equal(0, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM test_data WHERE digest = sha256(convert_to(@name, 'UTF8'))", new { name }));
    }

    [Fact]
    public async Task No_worker_answering_in_time_is_a_503_and_nothing_is_stored()
    {
        await using var factory = Factory(services => services.AddMassTransitTestHarness());
        using var client = await factory.CreateClientWithKeyAsync();
        var name = $"unanswered {Guid.NewGuid():N}";

        var problem = await SubmissionsApiTests.ProblemAsync(await PostAsync(client, Package(name)), HttpStatusCode.ServiceUnavailable);

        Assert.Contains("no worker ran the input validators", problem.GetProperty("detail").GetString());
        Assert.Equal(0, await CountAsync(name));
    }

    [Fact]
    public async Task Verifying_queues_one_submission_per_example_and_reports_them_until_they_are_judged()
    {
        using var zip = ProblemArchiveTests.Zip(("problem.yaml", "name: Examples\n"), ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n"),
            ("submissions/accepted/echo.py", "print(input())\n"), ("submissions/wrong_answer/two.py", "print(2)\n"), ("submissions/accepted/x.f77", "END\n"));
        var created = await (await PostAsync(fixture.Client, zip)).Content.ReadFromJsonAsync<ProblemView>();

        using var response = await fixture.Client.PostAsync($"/api/v1/problems/{created!.Id}/verify", null);
        var before = await fixture.Client.GetFromJsonAsync<JsonElement>($"/api/v1/problems/{created.Id}/verify");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var started = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(["AC", "WA"], started.GetProperty("examples").EnumerateArray().Select(e => e.GetProperty("expectedVerdict").GetString()));
        Assert.Equal("submissions/accepted/x.f77", Assert.Single(started.GetProperty("skipped").EnumerateArray()).GetProperty("path").GetString());
        // Queued, not judged (no worker here): not done, and no verdict on passing yet.
        Assert.False(before.GetProperty("done").GetBoolean());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("passed").ValueKind);
        Assert.All(before.GetProperty("examples").EnumerateArray(), e => Assert.Equal("queued", e.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task A_folder_example_is_verified_as_one_submission_with_its_files_only_where_a_worker_builds_its_language_from_several()
    {
        using var zip = ProblemArchiveTests.Zip(("problem.yaml", "name: Folder examples\n"), ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n"),
            ("submissions/accepted/pair/main.py", "import helper\nhelper.echo()\n"), ("submissions/accepted/pair/helper.py", "def echo(): print(input())\n"));
        var created = await (await PostAsync(fixture.Client, zip)).Content.ReadFromJsonAsync<ProblemView>();

        // The fixture's worker builds Python from one file only: the folder waits for one that takes several.
        using var oneFile = await fixture.Client.PostAsync($"/api/v1/problems/{created!.Id}/verify", null);
        Assert.Equal(HttpStatusCode.Accepted, oneFile.StatusCode);
        var waiting = await oneFile.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Empty(waiting.GetProperty("examples").EnumerateArray());
        var skipped = Assert.Single(waiting.GetProperty("skipped").EnumerateArray());
        Assert.Equal("submissions/accepted/pair", skipped.GetProperty("path").GetString());
        Assert.Contains("no worker builds from several files now", skipped.GetProperty("reason").GetString());

        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync("INSERT INTO worker_languages (worker_id, language_id, name, version, last_seen, multi_file) " +
            "VALUES ('several files', 'python3', 'Python 3', '3.11', now() + interval '1 hour', true)");
        try
        {
            using var response = await fixture.Client.PostAsync($"/api/v1/problems/{created.Id}/verify", null);

            Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
            var example = Assert.Single((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("examples").EnumerateArray());
            Assert.Equal("submissions/accepted/pair", example.GetProperty("path").GetString());
            var files = await connection.QueryAsync<(string Name, string Content)>(
                "SELECT name, content FROM submission_files WHERE submission_id = @id ORDER BY name", new { id = example.GetProperty("submissionId").GetGuid() });
            Assert.Equal([("helper.py", "def echo(): print(input())\n"), ("main.py", "import helper\nhelper.echo()\n")], files);
        }
        finally
        {
            await connection.ExecuteAsync("DELETE FROM worker_languages WHERE worker_id = 'several files'");
        }
    }

    [Fact]
    public async Task A_problem_without_examples_has_nothing_to_verify_and_unknown_or_malformed_ids_are_refused()
    {
        using var zip = ProblemArchiveTests.Zip(("problem.yaml", "name: Plain\n"), ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n"));
        var created = await (await PostAsync(fixture.Client, zip)).Content.ReadFromJsonAsync<ProblemView>();

        await SubmissionsApiTests.ProblemAsync(await fixture.Client.PostAsync($"/api/v1/problems/{created!.Id}/verify", null), HttpStatusCode.Conflict);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.PostAsync($"/api/v1/problems/{Guid.NewGuid()}/verify", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await fixture.Client.GetAsync($"/api/v1/problems/{Guid.NewGuid()}/verify")).StatusCode);
        await SubmissionsApiTests.ProblemAsync(await fixture.Client.PostAsync("/api/v1/problems/nope/verify", null), HttpStatusCode.BadRequest);
    }

    private JudgeApiFactory Factory(Action<IServiceCollection> services) =>
        new(fixture.Database.ConnectionString, services, ("Judge:Access:RequestsPerSecond", "0"), ("Judge:InputValidationTimeoutSeconds", "2"));

    private async Task<long> CountAsync(string name)
    {
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM problems WHERE name = @name", new { name });
    }

    private static Task<HttpResponseMessage> PostAsync(HttpClient client, Stream zip) =>
        client.PostAsync("/api/v1/problems/upload", new MultipartFormDataContent { { new StreamContent(zip), "file", "package.zip" } });
}
