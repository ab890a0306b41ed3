using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Judge.Api.Problems;
using Judge.Api.Submissions;
using Judge.Data;

namespace Judge.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class ProblemsApiTests(ApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Problem_posted_as_json_is_stored_with_its_tests_and_readable_by_id()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/problems", new
        {
            name = "A+B",
            limits = new { cpuTimeMs = 500, memoryKb = 65536 },
            checker = new { kind = "float", epsilon = 1e-4 },
            tests = new[] { new { input = "1 2\n", expectedOutput = "3\n", points = 40 }, new { input = "2 2\n", expectedOutput = "4\n", points = 60 } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<ProblemView>();
        Assert.EndsWith($"/api/v1/problems/{created!.Id}", response.Headers.Location!.ToString());
        var read = await Client.GetFromJsonAsync<ProblemView>($"/api/v1/problems/{created.Id}");
        Assert.Equal(("A+B", 2, 100), (read!.Name, read.TestCount, read.TotalPoints));
        Assert.Equal((500, 2000, 65536), (read.Limits.CpuTimeMs, read.Limits.WallTimeMs, read.Limits.MemoryKb));
        Assert.Equal((CheckerKind.Float, (double?)1e-4), (read.Checker.Kind, read.Checker.Epsilon));
    }

    [Fact]
    public async Task Submission_to_a_problem_stores_the_problem_limits_with_its_overrides()
    {
        var problem = await CreateAsync(new { name = "limits", limits = new { cpuTimeMs = 700, processes = 4 }, tests = new[] { new { input = "", expectedOutput = "" } } });

        var response = await Client.PostAsJsonAsync("/api/v1/submissions",
            new { language = ApiFixture.LiveLanguage, source = "pass", problemId = problem.Id, limits = new { processes = 2 } });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>())!.Id;
        var view = await Client.GetFromJsonAsync<SubmissionView>($"/api/v1/submissions/{id}");
        Assert.Equal(problem.Id, view!.ProblemId);
        Assert.Equal(problem.Limits with { Processes = 2 }, view.Limits);
        var listed = await Client.GetFromJsonAsync<JsonElement>($"/api/v1/submissions?problemId={problem.Id}");
        Assert.Equal([id], listed.GetProperty("items").EnumerateArray().Select(s => s.GetProperty("id").GetGuid()));
    }

    [Fact]
    public async Task Problem_without_tests_or_name_is_400_naming_both()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/problems", new { name = " ", tests = Array.Empty<object>() });

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("tests", out _));
    }

    [Fact]
    public async Task Problem_with_a_custom_checker_missing_its_source_is_400()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/problems",
            new { name = "custom", checker = new { kind = "custom", language = ApiFixture.LiveLanguage }, tests = new[] { new { input = "", expectedOutput = "" } } });

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal(["checker.source"], problem.GetProperty("errors").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task Zip_of_pairs_uploads_as_a_problem_with_a_test_per_pair()
    {
        using var zip = ProblemArchiveTests.Zip(("1.in", "1"), ("1.out", "1"), ("2.in", "2"), ("2.out", "4"), ("3.in", "3"), ("3.out", "9"));
        using var form = new MultipartFormDataContent
        {
            { new StringContent("squares"), "name" },
            { new StringContent("""{"cpuTimeMs": 300}"""), "limits" },
            { new StringContent("""{"kind": "exact"}"""), "checker" },
            { new StreamContent(zip), "file", "tests.zip" },
        };

        var response = await Client.PostAsync("/api/v1/problems/upload", form);

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.Content.ReadFromJsonAsync<ProblemView>();
        Assert.Equal(("squares", 3, 3, 300, CheckerKind.Exact), (created!.Name, created.TestCount, created.TotalPoints, created.Limits.CpuTimeMs, created.Checker.Kind));
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var tests = await connection.QueryAsync<(int Index, string Input, string Expected)>(
            $"SELECT index, {StoredTestData.TextOf("input_digest")}, {StoredTestData.TextOf("answer_digest")} FROM problem_tests WHERE problem_id = @Id ORDER BY index", new { created.Id });
        Assert.Equal([(1, "1", "1"), (2, "2", "4"), (3, "3", "9")], tests);
    }

    [Fact]
    public async Task Test_files_are_stored_once_by_their_sha256_however_many_tests_and_problems_have_them()
    {
        var unique = $"{Guid.NewGuid():N}\n";
        var first = await UploadPairsAsync(("1.in", unique), ("1.out", unique), ("2.in", unique), ("2.out", "other\n"));
        var second = await UploadPairsAsync(("1.in", unique), ("1.out", unique));

        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(unique));
        var (files, chunks, size) = await connection.QuerySingleAsync<(long, long, long)>("""
            SELECT (SELECT count(*) FROM test_data WHERE digest = @digest), (SELECT count(*) FROM test_data_chunks WHERE digest = @digest),
                   (SELECT size FROM test_data WHERE digest = @digest)
            """, new { digest });
        Assert.Equal((1L, 1L, (long)unique.Length), (files, chunks, size));
        var uses = await connection.ExecuteScalarAsync<long>(
            "SELECT count(*) FROM problem_tests WHERE problem_id = ANY(@ids) AND input_digest = @digest", new { ids = new[] { first, second }, digest });
        Assert.Equal(3, uses);
    }

    private async Task<Guid> UploadPairsAsync(params (string Name, string Content)[] files)
    {
        using var zip = ProblemArchiveTests.Zip(files);
        using var form = new MultipartFormDataContent { { new StringContent("shared"), "name" }, { new StreamContent(zip), "file", "tests.zip" } };
        var response = await Client.PostAsync("/api/v1/problems/upload", form);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ProblemView>())!.Id;
    }

    [Fact]
    public async Task Zip_with_an_incomplete_pair_and_bad_limits_json_is_400_naming_both()
    {
        using var zip = ProblemArchiveTests.Zip(("1.in", "1"), ("1.out", "1"), ("2.in", "2"));
        using var form = new MultipartFormDataContent
        {
            { new StringContent("broken"), "name" },
            { new StringContent("""{"cpuTimeMs": "slow"}"""), "limits" },
            { new StreamContent(zip), "file", "tests.zip" },
        };

        var response = await Client.PostAsync("/api/v1/problems/upload", form);

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        var errors = problem.GetProperty("errors");
        Assert.Contains("2.in has no 2.out", errors.GetProperty("file")[0].GetString());
        Assert.True(errors.TryGetProperty("limits.cpuTimeMs", out _));
    }

    [Fact]
    public async Task Upload_without_a_file_is_400_naming_it()
    {
        using var form = new MultipartFormDataContent { { new StringContent("nofile"), "name" } };

        var response = await Client.PostAsync("/api/v1/problems/upload", form);

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("file", out _));
    }

    [Fact]
    public async Task Unknown_problem_is_404_and_submitting_to_it_is_400()
    {
        var id = Guid.NewGuid();

        var get = await Client.GetAsync($"/api/v1/problems/{id}");
        var submit = await Client.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = "pass", problemId = id });

        await SubmissionsApiTests.ProblemAsync(get, HttpStatusCode.NotFound);
        var problem = await SubmissionsApiTests.ProblemAsync(submit, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("problemId", out _));
    }

    [Fact]
    public async Task Problems_list_pages_newest_first()
    {
        var older = await CreateAsync(new { name = "older", tests = new[] { new { input = "", expectedOutput = "" } } });
        var newer = await CreateAsync(new { name = "newer", tests = new[] { new { input = "", expectedOutput = "" } } });

        var page = await Client.GetFromJsonAsync<JsonElement>("/api/v1/problems?pageSize=2");

        Assert.Equal([newer.Id, older.Id], page.GetProperty("items").EnumerateArray().Select(p => p.GetProperty("id").GetGuid()));
        Assert.Equal(2, page.GetProperty("pageSize").GetInt32());
    }

    private async Task<ProblemView> CreateAsync(object body)
    {
        var response = await Client.PostAsJsonAsync("/api/v1/problems", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<ProblemView>())!;
    }
}
