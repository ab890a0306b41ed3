using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Judge.Api.Languages;

namespace Judge.Api.Tests;

[Collection(ApiCollection.Name)]
public sealed class LanguagesAndHealthApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task Languages_lists_only_what_live_workers_offer_once_each()
    {
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO worker_languages (worker_id, language_id, name, version, last_seen) VALUES
                    ('w-live-1', 'rust', 'Rust', '1.63', now()),
                    ('w-live-2', 'rust', 'Rust', '1.63', now()),
                    ('w-gone', 'pascal', 'Free Pascal', '3.2', now() - interval '1 hour')
                """);

        var languages = await fixture.Client.GetFromJsonAsync<List<LanguageView>>("/api/v1/languages");

        Assert.Single(languages!, l => l.Id == "rust");
        Assert.Contains(new LanguageView(ApiFixture.LiveLanguage, "Python 3", "3.11", MultiFile: false, RunsGraders: false), languages!);
        Assert.DoesNotContain(languages!, l => l.Id == "pascal");
    }

    [Fact]
    public async Task Submission_in_a_language_only_a_dead_worker_offered_is_400()
    {
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO worker_languages (worker_id, language_id, name, version, last_seen)
                VALUES ('w-dead', 'perl', 'Perl', '5.36', now() - interval '1 hour')
                """);

        var response = await fixture.Client.PostAsJsonAsync("/api/v1/submissions", new { language = "perl", source = "print 1", stdin = "" });

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("language", out _));
    }

    [Fact]
    public async Task Ready_checks_the_database_and_the_bus()
    {
        var response = await fixture.Client.GetAsync("/api/v1/health/ready");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var report = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
        Assert.Equal("Healthy", report.GetProperty("checks").GetProperty("broker").GetProperty("status").GetString());
    }

    [Fact]
    public async Task Live_answers_without_checking_dependencies()
    {
        var response = await fixture.Client.GetAsync("/api/v1/health/live");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task OpenApi_document_describes_the_submissions_endpoint()
    {
        var document = await fixture.Client.GetFromJsonAsync<JsonElement>("/openapi/v1.json");

        Assert.True(document.GetProperty("paths").TryGetProperty("/api/v1/submissions", out _));
    }
}
