using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Judge.Api.Problems;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>Kattis problem packages of our own making, uploaded through the real Api into the real database.</summary>
[Collection(ApiCollection.Name)]
public sealed class KattisPackageTests(ApiFixture fixture)
{
    private HttpClient Client => fixture.Client;

    [Fact]
    public async Task Legacy_package_in_a_top_folder_is_read_with_its_timelimit_memory_flags_and_groups()
    {
        using var zip = Zip(
            ("different/problem.yaml", """
                source: NCPC
                license: cc by-sa
                limits:
                  memory: 512
                validator_flags: float_tolerance 1e-4 case_sensitive
                """),
            ("different/.timelimit", "1.5\n"),
            ("different/data/sample/1.in", "10 12\n"),
            ("different/data/sample/1.ans", "2\n"),
            ("different/data/secret/b.in", "1 3\n"),
            ("different/data/secret/b.ans", "2\n"),
            ("different/data/secret/a.in", "5 5\n"),
            ("different/data/secret/a.ans", "0\n"),
            ("different/data/secret/a.desc", "a test with no difference"),
            ("different/problem_statement/problem.en.tex", "\\problemname{A Different Problem}"),
            ("different/submissions/accepted/sol.py", "print(0)"));

        var created = await UploadAsync(zip);

        Assert.Equal("different", created.Name); // no name in a legacy problem.yaml: the package's folder
        Assert.Equal((1500, 512 * 1024), (created.Limits.CpuTimeMs, created.Limits.MemoryKb));
        Assert.Equal(Limits.WallTimeMsFor(1500), created.Limits.WallTimeMs);
        Assert.Equal(new CheckerSpec(CheckerKind.Kattis, Kattis: new KattisFlags(CaseSensitive: true, FloatAbsoluteTolerance: 1e-4, FloatRelativeTolerance: 1e-4)),
            created.Checker);
        Assert.Equal((3, 2), (created.TestCount, created.TotalPoints)); // the sample scores nothing
        Assert.Equal([(1, "10 12\n", "2\n", 0, "sample"), (2, "5 5\n", "0\n", 1, "secret"), (3, "1 3\n", "2\n", 1, "secret")], await TestsAsync(created.Id));
    }

    [Fact]
    public async Task Draft_package_at_the_root_is_read_with_its_localized_name_limits_and_nested_groups_in_directory_order()
    {
        using var zip = Zip(
            ("problem.yaml", """
                problem_format_version: 2023-07-draft
                name:
                  de: Hallo
                  en: Hello
                type: scoring
                limits:
                  time_limit: 2.5
                  memory: 256
                """),
            ("data/testdata.yaml", "output_validator_flags: float_relative_tolerance 1e-6\n"),
            ("data/sample/s.in", "0"), ("data/sample/s.ans", "0"),
            ("data/secret/group2/testdata.yaml", "accept_score: 20\n"),
            ("data/secret/group2/x.in", "2x"), ("data/secret/group2/x.ans", "2x"),
            ("data/secret/group1/testdata.yaml", "accept_score: 10\ngrader_flags: sum ignore_sample\n"),
            ("data/secret/group1/b.in", "1b"), ("data/secret/group1/b.ans", "1b"),
            ("data/secret/group1/a.in", "1a"), ("data/secret/group1/a.ans", "1a"),
            ("data/secret/group1/deeper/c.in", "1c"), ("data/secret/group1/deeper/c.ans", "1c"),
            ("data/secret/0.in", "0s"), ("data/secret/0.ans", "0s"),
            ("data/invalid_input/bad.in", "not a test"));

        var created = await UploadAsync(zip);

        Assert.Equal("Hello", created.Name);
        Assert.Equal((2500, 256 * 1024), (created.Limits.CpuTimeMs, created.Limits.MemoryKb));
        Assert.Equal(new KattisFlags(FloatRelativeTolerance: 1e-6), created.Checker.Kattis);
        Assert.Equal([
            (1, "0", "0", 0, "sample"),
            (2, "0s", "0s", 1, "secret"),
            (3, "1a", "1a", 10, "secret/group1"),
            (4, "1b", "1b", 10, "secret/group1"),
            (5, "1c", "1c", 10, "secret/group1/deeper"),
            (6, "2x", "2x", 20, "secret/group2"),
        ], await TestsAsync(created.Id));
        Assert.Equal(51, created.TotalPoints);
    }

    [Fact]
    public async Task Pass_fail_package_scores_one_point_per_secret_test_whatever_accept_score_says()
    {
        using var zip = Zip(("problem.yaml", "name: plain\n"), ("data/secret/testdata.yaml", "accept_score: 7\n"),
            ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"), ("data/secret/2.in", "2"), ("data/secret/2.ans", "2"));

        var created = await UploadAsync(zip);

        Assert.Equal((2, 2), (created.TestCount, created.TotalPoints));
    }

    [Fact]
    public async Task Package_without_a_time_limit_takes_the_uploads_limits_and_the_uploads_name()
    {
        using var zip = Zip(("p/problem.yaml", "name: From the package\n"), ("p/data/secret/1.in", "1"), ("p/data/secret/1.ans", "1"));

        var created = await UploadAsync(zip, ("renamed", "name"), ("""{"cpuTimeMs": 700, "memoryKb": 65536}""", "limits"));

        Assert.Equal(("renamed", 700, 65536), (created.Name, created.Limits.CpuTimeMs, created.Limits.MemoryKb));
        Assert.Equal(new CheckerSpec(CheckerKind.Kattis, Kattis: KattisFlags.Default), created.Checker);
    }

    [Fact]
    public async Task Package_with_a_default_time_limit_takes_the_configured_default()
    {
        using var zip = Zip(("problem.yaml", "name: defaults\n"), ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"));

        var created = await UploadAsync(zip);

        Assert.Equal(new JudgeOptions().Limits.DefaultCpuTimeMs, created.Limits.CpuTimeMs);
    }

    [Fact]
    public async Task Broken_package_is_400_naming_every_fault_with_its_file_and_nothing_is_stored()
    {
        var before = await ProblemCountAsync();
        using var zip = Zip(
            ("bad/problem.yaml", """
                name: broken
                type: multi-pass
                validation: custom sideways
                validator_flags: float_tolerance
                limits:
                  memory: lots
                """),
            ("bad/data/testdata.yaml", "output_validator_flags: [unclosed\n"),
            ("bad/data/secret/1.in", "1"),
            ("bad/data/secret/2.ans", "2"),
            ("bad/data/secret/g/testdata.yaml", "grader_flags: median\naccept_score: lots\n"),
            ("bad/data/secret/g/3.in", "3"), ("bad/data/secret/g/3.ans", "3"),
            ("bad/output_validators/check/check.cpp", "int main() { return 42; }"),
            ("bad/../evil.in", "x"));

        var errors = await RefusedAsync(zip);

        Assert.Contains(errors["file:problem.yaml"], e => e.Contains("type 'multi-pass' is not supported yet"));
        Assert.Contains(errors["file:problem.yaml"], e => e.Contains("validation 'custom sideways' is not one the format defines"));
        Assert.Contains(errors["file:problem.yaml"], e => e.Contains("'float_tolerance' needs a tolerance"));
        Assert.Contains(errors["file:problem.yaml"], e => e.Contains("limits.memory"));
        Assert.Contains("is not valid YAML", Assert.Single(errors["file:data/testdata.yaml"]));
        Assert.Contains("has no 1.ans", Assert.Single(errors["file:data/secret/1.in"]));
        Assert.Contains("has no 2.in", Assert.Single(errors["file:data/secret/2.ans"]));
        Assert.Contains(errors["file:data/secret/g/testdata.yaml"], e => e.Contains("grader flag 'median' is not one the default grader knows"));
        Assert.Contains(errors["file:data/secret/g/testdata.yaml"], e => e.Contains("accept_score must be a finite number"));
        Assert.Contains("validation is default", Assert.Single(errors["file:output_validators/check"]));
        Assert.Contains("leaves the package", Assert.Single(errors["file:bad/../evil.in"]));
        Assert.Equal(before, await ProblemCountAsync());
    }

    [Fact]
    public async Task Problem_yaml_that_is_not_yaml_is_named_along_with_the_faults_in_the_data()
    {
        using var zip = Zip(("problem.yaml", "name: [unclosed\n"), ("data/secret/1.in", "1"));

        var errors = await RefusedAsync(zip);

        Assert.Contains("is not valid YAML (line ", Assert.Single(errors["file:problem.yaml"]));
        Assert.Contains("has no 1.ans", Assert.Single(errors["file:data/secret/1.in"]));
    }

    [Fact]
    public async Task A_group_is_ordered_by_its_own_name_among_the_tests_beside_it()
    {
        using var zip = Zip(("problem.yaml", "name: order\n"),
            ("data/secret/a.b.in", "ab"), ("data/secret/a.b.ans", "ab"),
            ("data/secret/a/1.in", "a1"), ("data/secret/a/1.ans", "a1"),
            ("data/secret/B.in", "B"), ("data/secret/B.ans", "B"));

        var created = await UploadAsync(zip);

        Assert.Equal(["B", "a1", "ab"], (await TestsAsync(created.Id)).Select(t => t.Item2));
    }

    [Fact]
    public async Task Symbolic_link_in_a_package_is_refused()
    {
        using var zip = Zip(("problem.yaml", "name: links\n"), ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"));
        using var linked = AddSymlink(zip, "data/secret/2.in", "/etc/passwd");

        var errors = await RefusedAsync(linked);

        Assert.Contains("symbolic link", Assert.Single(errors["file:data/secret/2.in"]));
    }

    [Fact]
    public async Task Groups_judged_with_other_validator_flags_keep_their_own_and_the_others_share_the_first_group_s()
    {
        using var zip = Zip(("problem.yaml", "name: flags\nvalidator_flags: float_tolerance 0.1\n"),
            ("data/secret/a/1.in", "1"), ("data/secret/a/1.ans", "1"),
            ("data/secret/b/testdata.yaml", "output_validator_flags: case_sensitive\n"),
            ("data/secret/b/1.in", "1"), ("data/secret/b/1.ans", "1"),
            ("data/secret/c/testdata.yaml", "output_validator_flags: float_relative_tolerance 0.1 float_absolute_tolerance 0.1\n"),
            ("data/secret/c/1.in", "1"), ("data/secret/c/1.ans", "1"));

        var created = await UploadAsync(zip);

        var shared = new KattisFlags(FloatAbsoluteTolerance: 0.1, FloatRelativeTolerance: 0.1);
        Assert.Equal(shared, created.Checker.Kattis);
        // c's words say what problem.yaml's say: the same flags, not a group of its own.
        var group = Assert.Single(created.Checker.KattisGroups!);
        Assert.Equal(("secret/b", shared with { CaseSensitive = true }), (group.Key, group.Value));
    }

    [Fact]
    public async Task Package_with_a_checker_in_the_form_is_refused()
    {
        using var zip = Zip(("problem.yaml", "name: own checker\n"), ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"));

        var errors = await RefusedAsync(zip, ("""{"kind": "exact"}""", "checker"));

        Assert.Contains("brings its own checker", Assert.Single(errors["checker"]));
    }

    [Fact]
    public async Task Each_test_result_of_a_package_problem_names_its_group()
    {
        using var zip = Zip(("problem.yaml", "name: groups\n"), ("data/sample/1.in", "1"), ("data/sample/1.ans", "1"),
            ("data/secret/g1/1.in", "1"), ("data/secret/g1/1.ans", "1"));
        var created = await UploadAsync(zip);
        var submit = await Client.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = "pass", problemId = created.Id });
        Assert.Equal(HttpStatusCode.Accepted, submit.StatusCode);
        var id = (await submit.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO test_results (submission_id, index, verdict, cpu_time_ms, wall_time_ms, memory_kb, stdout, stdout_truncated, stderr, stderr_truncated)
                SELECT @id, i, 'AC', 1, 1, 1, '', false, '', false FROM generate_series(1, 2) AS i
                """, new { id });

        var view = await Client.GetFromJsonAsync<SubmissionView>($"/api/v1/submissions/{id}");

        Assert.Equal(["sample", "secret/g1"], view!.Tests.Select(t => t.Group));
    }

    [Fact]
    public void Validator_flags_parse_as_the_default_validator_takes_them()
    {
        var errors = new ValidationErrors();
        Assert.Equal(new KattisFlags(true, true, 0.5, 0.5), KattisValidatorFlags.Parse("case_sensitive  space_change_sensitive float_tolerance 0.5", "f", errors));
        Assert.Equal(new KattisFlags(FloatAbsoluteTolerance: 1e-3, FloatRelativeTolerance: 1e-9),
            KattisValidatorFlags.Parse("float_absolute_tolerance 1e-3 float_relative_tolerance 1E-9", "f", errors));
        Assert.False(errors.Any);

        KattisValidatorFlags.Parse("float_tolerance -1", "a", errors);
        KattisValidatorFlags.Parse("ignore_case", "b", errors);
        KattisValidatorFlags.Parse("float_absolute_tolerance nan", "c", errors);
        Assert.Equal(["a", "b", "c"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public async Task Kattis_checker_can_be_given_inline_with_its_flags()
    {
        var response = await Client.PostAsJsonAsync("/api/v1/problems", new
        {
            name = "inline kattis",
            checker = new { kind = "kattis", flags = "float_absolute_tolerance 0.01" },
            tests = new[] { new { input = "", expectedOutput = "3.14" } },
        });
        var refused = await Client.PostAsJsonAsync("/api/v1/problems", new
        {
            name = "flags on lines",
            checker = new { kind = "lines", flags = "case_sensitive" },
            tests = new[] { new { input = "", expectedOutput = "" } },
        });

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(new KattisFlags(FloatAbsoluteTolerance: 0.01), (await response.Content.ReadFromJsonAsync<ProblemView>())!.Checker.Kattis);
        var problem = await SubmissionsApiTests.ProblemAsync(refused, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("checker.flags", out _));
    }

    private async Task<ProblemView> UploadAsync(Stream zip, params (string Value, string Field)[] fields)
    {
        var response = await PostAsync(zip, fields);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync());
        return (await response.Content.ReadFromJsonAsync<ProblemView>())!;
    }

    private async Task<Dictionary<string, string[]>> RefusedAsync(Stream zip, params (string Value, string Field)[] fields)
    {
        var problem = await SubmissionsApiTests.ProblemAsync(await PostAsync(zip, fields), HttpStatusCode.BadRequest);
        return problem.GetProperty("errors").Deserialize<Dictionary<string, string[]>>()!;
    }

    private Task<HttpResponseMessage> PostAsync(Stream zip, (string Value, string Field)[] fields)
    {
        var form = new MultipartFormDataContent { { new StreamContent(zip), "file", "package.zip" } };
        foreach (var (value, field) in fields)
            form.Add(new StringContent(value), field);
        return Client.PostAsync("/api/v1/problems/upload", form);
    }

    private async Task<List<(int, string, string, int, string?)>> TestsAsync(Guid id)
    {
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        return (await connection.QueryAsync<(int, string, string, int, string?)>(
            $"SELECT index, {StoredTestData.TextOf("input_digest")}, {StoredTestData.TextOf("answer_digest")}, points, test_group FROM problem_tests WHERE problem_id = @id ORDER BY index", new { id })).ToList();
    }

    private async Task<long> ProblemCountAsync()
    {
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        return await connection.ExecuteScalarAsync<long>("SELECT count(*) FROM problems");
    }

    private static MemoryStream Zip(params (string Name, string Content)[] files) => ProblemArchiveTests.Zip(files);

    /// <summary>The zip with one more entry: a Unix symbolic link (mode 0120777) to <paramref name="target"/>.</summary>
    private static MemoryStream AddSymlink(MemoryStream zip, string name, string target)
    {
        var copy = new MemoryStream();
        zip.CopyTo(copy);
        using (var archive = new ZipArchive(copy, ZipArchiveMode.Update, leaveOpen: true))
        {
            var entry = archive.CreateEntry(name);
            entry.ExternalAttributes = unchecked((int)(0xA1FFu << 16));
            using var stream = entry.Open();
            stream.Write(Encoding.UTF8.GetBytes(target));
        }
        copy.Position = 0;
        return copy;
    }
}
