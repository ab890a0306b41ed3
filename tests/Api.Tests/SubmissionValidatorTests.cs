using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

public sealed class SubmissionValidatorTests
{
    private static readonly JudgeOptions Options = new() { MaxSourceBytes = 100, MaxTests = 3 };
    private static readonly SubmitContext Context = new(new HashSet<string> { "python3", "cpp17" }, ProblemLimits: null);

    private static SubmitRequest Snippet(string? language = "python3", string? source = "print(1)", string? stdin = "") =>
        new(language, source, stdin, ExpectedOutput: null, Tests: null, ProblemId: null, Limits: null, Checker: null);

    private static (NewSubmission? Submission, Dictionary<string, string[]> Errors) Validate(SubmitRequest request, SubmitContext? context = null)
    {
        var errors = new ValidationErrors();
        var submission = SubmissionValidator.Validate(request, context ?? Context, Options, errors);
        return (submission, errors.ToDictionary());
    }

    [Fact]
    public void Plain_run_becomes_one_test_without_expected_output_and_without_checker()
    {
        var (submission, errors) = Validate(Snippet(stdin: "5\n"));

        Assert.Empty(errors);
        Assert.NotNull(submission);
        var test = Assert.Single(submission.Tests);
        Assert.Equal(new TestCase(1, "5\n", null, 1), test);
        Assert.Null(submission.Checker);
        Assert.Equal(LimitRules.Defaults(Options.Limits), submission.Limits);
    }

    [Fact]
    public void Language_no_live_worker_offers_is_rejected_with_the_offered_ones()
    {
        var (submission, errors) = Validate(Snippet(language: "cobol"));

        Assert.Null(submission);
        Assert.Contains("cpp17, python3", Assert.Single(errors["language"]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  \n")]
    public void Empty_source_is_rejected(string? source)
    {
        var (_, errors) = Validate(Snippet(source: source));

        Assert.True(errors.ContainsKey("source"));
    }

    [Fact]
    public void Source_over_the_configured_size_is_rejected()
    {
        var (_, errors) = Validate(Snippet(source: new string('x', 101)));

        Assert.Contains("101 bytes", Assert.Single(errors["source"]));
    }

    [Fact]
    public void Source_with_a_nul_character_is_rejected_before_the_database_sees_it()
    {
        var (_, errors) = Validate(Snippet(source: "print(1)\0"));

        Assert.True(errors.ContainsKey("source"));
    }

    [Fact]
    public void No_problem_tests_or_stdin_is_rejected()
    {
        var (_, errors) = Validate(Snippet(stdin: null));

        Assert.Contains("exactly one of problemId, tests or stdin", Assert.Single(errors["problemId"]));
    }

    [Fact]
    public void Tests_and_stdin_together_are_rejected()
    {
        var request = Snippet() with { Tests = [new TestCaseRequest("1", "1", null)] };

        var (_, errors) = Validate(request);

        Assert.True(errors.ContainsKey("tests"));
    }

    [Fact]
    public void Expected_output_without_stdin_is_rejected()
    {
        var request = Snippet(stdin: null) with { Tests = [new TestCaseRequest("1", "1", null)], ExpectedOutput = "1" };

        var (_, errors) = Validate(request);

        Assert.True(errors.ContainsKey("expectedOutput"));
    }

    [Fact]
    public void Inline_tests_are_numbered_from_one_with_a_point_each_and_the_lines_checker()
    {
        var request = Snippet(stdin: null) with { Tests = [new TestCaseRequest("1", "2", null), new TestCaseRequest("3", "4", 5)] };

        var (submission, errors) = Validate(request);

        Assert.Empty(errors);
        Assert.Equal([new TestCase(1, "1", "2", 1), new TestCase(2, "3", "4", 5)], submission!.Tests);
        Assert.Equal(CheckerSpec.Default, submission.Checker);
    }

    [Fact]
    public void Each_bad_inline_test_field_is_named_by_its_position()
    {
        var request = Snippet(stdin: null) with { Tests = [new TestCaseRequest("1", "1", null), new TestCaseRequest(null, "1", -1)] };

        var (_, errors) = Validate(request);

        Assert.Equal(["tests[1].input", "tests[1].points"], errors.Keys.Order());
    }

    [Fact]
    public void More_tests_than_configured_are_rejected()
    {
        var request = Snippet(stdin: null) with { Tests = Enumerable.Repeat(new TestCaseRequest("1", "1", null), 4).ToList() };

        var (_, errors) = Validate(request);

        Assert.Contains("at most 3", Assert.Single(errors["tests"]));
    }

    [Fact]
    public void Unknown_problem_is_rejected()
    {
        var request = Snippet(stdin: null) with { ProblemId = Guid.NewGuid() };

        var (_, errors) = Validate(request);

        Assert.True(errors.ContainsKey("problemId"));
    }

    [Fact]
    public void Problem_limits_are_the_baseline_for_overrides()
    {
        var problemLimits = new Limits(1000, 3000, 65536, 8, 1024);
        var request = Snippet(stdin: null) with { ProblemId = Guid.NewGuid(), Limits = new LimitsRequest(null, null, 131072, null, null) };

        var (submission, errors) = Validate(request, Context with { ProblemLimits = problemLimits });

        Assert.Empty(errors);
        Assert.Equal(problemLimits with { MemoryKb = 131072 }, submission!.Limits);
        Assert.Empty(submission.Tests);
    }

    [Fact]
    public void Checker_with_a_problem_is_rejected()
    {
        var request = Snippet(stdin: null) with { ProblemId = Guid.NewGuid(), Checker = new CheckerRequest("exact", null, null, null) };

        var (_, errors) = Validate(request, Context with { ProblemLimits = LimitRules.Defaults(Options.Limits) });

        Assert.True(errors.ContainsKey("checker"));
    }
}
