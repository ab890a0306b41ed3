using System.Net;
using System.Net.Http.Json;
using Judge.Api.Problems;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>A submission of several files, and a grader problem, as the Api checks them (no database).</summary>
public sealed class SubmissionFilesValidationTests
{
    private static readonly JudgeOptions Options = new() { MaxSourceBytes = 1000 };
    private static readonly SubmitContext Context = new(new HashSet<string> { "python3", "cpp17", "sqlite" }, ProblemLimits: null,
        MultiFileLanguages: new HashSet<string> { "python3", "cpp17" });

    private static SubmitRequest Files(params (string? Name, string? Content)[] files) =>
        new("cpp17", Source: null, Stdin: "", ExpectedOutput: null, Tests: null, ProblemId: null, Limits: null, Checker: null,
            Files: files.Select(f => new SubmissionFileRequest(f.Name, f.Content)).ToList());

    private static (NewSubmission? Submission, Dictionary<string, string[]> Errors) Validate(SubmitRequest request)
    {
        var errors = new ValidationErrors();
        var submission = SubmissionValidator.Validate(request, Context, Options, errors);
        return (submission, errors.ToDictionary());
    }

    [Fact]
    public void Files_with_plain_names_are_stored_as_given_with_no_source_and_the_entry()
    {
        var (submission, errors) = Validate(Files(("main.cpp", "int main() {}"), ("util.hpp", "#pragma once"), ("a_b-c+d.cc", "")) with { Entry = "main.cpp" });

        Assert.Empty(errors);
        Assert.Null(submission!.Source);
        Assert.Equal(["main.cpp", "util.hpp", "a_b-c+d.cc"], submission.Files!.Select(f => f.Name));
        Assert.Equal("main.cpp", submission.Entry);
    }

    [Theory]
    [InlineData("../main.cpp")]
    [InlineData("/etc/passwd")]
    [InlineData("src/main.cpp")]
    [InlineData("..")]
    [InlineData("a..b.cpp")]
    [InlineData("-o.cpp")]
    [InlineData(".hidden.cpp")]
    [InlineData("tab\t.cpp")]
    [InlineData("new\nline.cpp")]
    [InlineData("spa ce.cpp")]
    [InlineData("quote'.cpp")]
    [InlineData("")]
    [InlineData(null)]
    [InlineData("results.json")]
    public void A_name_that_is_not_a_plain_file_name_is_refused_naming_the_file(string? name)
    {
        var (submission, errors) = Validate(Files(("main.cpp", "int main() {}"), (name, "x")));

        Assert.Null(submission);
        Assert.True(errors.ContainsKey("files[1].name"), string.Join("; ", errors.Keys));
    }

    [Fact]
    public void A_name_longer_than_the_limit_is_refused()
    {
        var (_, errors) = Validate(Files((new string('a', FileNames.MaxNameLength - 3) + ".cpp", "")));

        Assert.Contains("characters", Assert.Single(errors["files[0].name"]));
    }

    [Fact]
    public void The_same_name_twice_is_refused()
    {
        var (_, errors) = Validate(Files(("main.cpp", "int main() {}"), ("main.cpp", "")));

        Assert.Contains("twice", Assert.Single(errors["files[1].name"]));
    }

    [Fact]
    public void More_files_than_allowed_are_refused()
    {
        var (_, errors) = Validate(Files(Enumerable.Range(0, FileNames.MaxFiles + 1).Select(i => ((string?)$"f{i}.cpp", (string?)"")).ToArray()));

        Assert.Contains($"at most {FileNames.MaxFiles}", Assert.Single(errors["files"]));
    }

    [Fact]
    public void Source_and_files_together_or_neither_are_refused()
    {
        var (_, both) = Validate(Files(("main.cpp", "")) with { Source = "int main() {}" });
        var (_, neither) = Validate(new SubmitRequest("cpp17", null, "", null, null, null, null, null));

        Assert.Contains("exactly one of source", Assert.Single(both["files"]));
        Assert.True(neither.ContainsKey("source"));
    }

    [Fact]
    public void An_entry_that_names_no_file_or_comes_without_files_is_refused()
    {
        var (_, missing) = Validate(Files(("main.cpp", "")) with { Entry = "other.cpp" });
        var (_, alone) = Validate(new SubmitRequest("cpp17", "int main() {}", "", null, null, null, null, null, Entry: "main.cpp"));

        Assert.Contains("other.cpp", Assert.Single(missing["entry"]));
        Assert.True(alone.ContainsKey("entry"));
    }

    [Fact]
    public void Files_in_a_language_that_takes_one_file_are_refused_naming_the_language()
    {
        var (_, errors) = Validate(Files(("main.sql", "SELECT 1;")) with { Language = "sqlite" });

        var reason = Assert.Single(errors["files"]);
        Assert.Contains("'sqlite' takes one file only", reason);
        Assert.Contains("cpp17, python3", reason);
    }

    [Fact]
    public void Files_adding_up_to_more_than_the_source_limit_are_too_large()
    {
        var errors = new ValidationErrors();

        var fits = SizeRules.CheckSubmission(Files(("a.cpp", new string('x', 600)), ("b.cpp", new string('x', 600))), Options, errors);

        Assert.False(fits);
        Assert.Contains("1200 bytes", Assert.Single(errors.ToDictionary()["files"]));
    }

    private static readonly IReadOnlySet<string> Graders = new HashSet<string> { "python3" };

    private static CreateProblemRequest GraderProblem(GraderRequest grader) => new("homework", null, null, null, grader);

    [Fact]
    public void A_grader_problem_keeps_its_language_entry_and_files_and_has_no_tests()
    {
        var errors = new ValidationErrors();

        var problem = ProblemValidator.Validate(GraderProblem(new GraderRequest("python3", "grade.py", [new("grade.py", "print(1)"), new("data.txt", "1")])),
            Context.LiveLanguages, Options, errors, Graders);

        Assert.Empty(errors.ToDictionary());
        Assert.Equal(new GraderSpec("python3", "grade.py"), problem!.Grader);
        Assert.Equal(["grade.py", "data.txt"], problem.Files!.Select(f => f.Name));
        Assert.Empty(problem.Tests);
    }

    [Fact]
    public void A_grader_in_a_language_that_cannot_run_graders_with_a_missing_entry_and_tests_beside_it_is_refused_field_by_field()
    {
        var errors = new ValidationErrors();
        var request = GraderProblem(new GraderRequest("cpp17", "grade.py", [new("../grade.py", "")])) with { Tests = [new TestCaseRequest("1", "1", 1)] };

        var problem = ProblemValidator.Validate(request, Context.LiveLanguages, Options, errors, Graders);

        Assert.Null(problem);
        var fields = errors.ToDictionary();
        Assert.Contains("cannot be written in 'cpp17'", Assert.Single(fields["grader.language"]));
        Assert.True(fields.ContainsKey("grader.files[0].name"));
        Assert.True(fields.ContainsKey("grader.entry"));
        Assert.True(fields.ContainsKey("tests"));
    }
}

/// <summary>The same rules over HTTP: RFC 7807 problems, 400 and 413.</summary>
[Collection(ApiCollection.Name)]
public sealed class SubmissionFilesApiTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_file_name_that_climbs_out_of_the_box_is_a_400_problem_naming_the_file()
    {
        var response = await fixture.Client.PostAsJsonAsync("/api/v1/submissions", new
        {
            language = ApiFixture.LiveLanguage,
            files = new[] { new { name = "main.py", content = "print(1)" }, new { name = "../evil.py", content = "" } },
            stdin = "",
        });

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.True(problem.GetProperty("errors").TryGetProperty("files[1].name", out _), problem.ToString());
    }

    [Fact]
    public async Task Files_too_large_together_are_a_413_problem()
    {
        var half = new string('x', new JudgeOptions().MaxSourceBytes / 2 + 1);
        var response = await fixture.Client.PostAsJsonAsync("/api/v1/submissions", new
        {
            language = ApiFixture.LiveLanguage,
            files = new[] { new { name = "a.py", content = half }, new { name = "b.py", content = half } },
            stdin = "",
        });

        var problem = await SubmissionsApiTests.ProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
        Assert.True(problem.GetProperty("errors").TryGetProperty("files", out _));
    }
}
