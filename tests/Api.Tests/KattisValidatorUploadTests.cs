using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Judge.Api.Problems;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>Packages with their own validator, uploaded through the real Api into the real database.</summary>
[Collection(ApiCollection.Name)]
public sealed class KattisValidatorUploadTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_packages_validator_is_stored_with_its_problem_under_its_digest()
    {
        using var zip = ProblemArchiveTests.Zip(
            ("guess/problem.yaml", "problem_format_version: 2023-07-draft\ntype: interactive\n"),
            ("guess/output_validator/guess.py", "import sys\nsys.exit(42)\n"),
            ("guess/data/testdata.yaml", "output_validator_args: [--rounds, 3]\n"),
            ("guess/data/secret/1.in", "7\n"), ("guess/data/secret/1.ans", "7\n"));

        var response = await PostAsync(zip);

        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        var created = (await response.Content.ReadFromJsonAsync<ProblemView>())!;
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var (digest, json) = await connection.QuerySingleAsync<(string, string)>(
            "SELECT digest, validator::text FROM problem_validators WHERE problem_id = @Id", new { created.Id });
        var validator = DbJson.Deserialize<KattisValidator>(json);
        Assert.Equal(("output_validator", "python3", true, "guess.py"), (validator.Name, validator.Language, validator.Interactive, validator.Main));
        Assert.Equal(["--rounds", "3"], validator.Arguments);
        Assert.Equal(validator.Digest(), digest);
    }

    [Fact]
    public async Task A_validator_in_a_language_no_worker_offers_is_refused_and_nothing_is_stored()
    {
        using var zip = ProblemArchiveTests.Zip(
            ("problem.yaml", "name: Offline\nvalidation: custom\n"),
            ("output_validators/check/check.c", "int main(void) { return 42; }\n"),
            ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n"));
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var before = await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM problems WHERE name = 'Offline'");

        var problem = await SubmissionsApiTests.ProblemAsync(await PostAsync(zip), HttpStatusCode.BadRequest);

        var errors = problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
        Assert.Contains("which no worker offers now", Assert.Single(errors["file:output_validators/check"]));
        Assert.Equal(before, await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM problems WHERE name = 'Offline'"));
    }

    private Task<HttpResponseMessage> PostAsync(Stream zip) =>
        fixture.Client.PostAsync("/api/v1/problems/upload", new MultipartFormDataContent { { new StreamContent(zip), "file", "package.zip" } });
}
