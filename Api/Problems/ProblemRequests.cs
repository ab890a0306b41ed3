using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Problems;

/// <summary><c>POST /problems</c> with the tests inline, or with a <see cref="Grader"/> instead of tests.</summary>
public sealed record CreateProblemRequest(string? Name, LimitsRequest? Limits, CheckerRequest? Checker, IReadOnlyList<TestCaseRequest?>? Tests,
    GraderRequest? Grader = null);

/// <summary>A grader problem's grader: the teacher's <see cref="Files"/> (put in the box beside the student's), and the one of
/// them that <see cref="Language"/>'s interpreter runs to write <c>results.json</c> (docs/languages.md, "Grader problems").</summary>
public sealed record GraderRequest(string? Language, string? Entry, IReadOnlyList<SubmissionFileRequest?>? Files);

/// <param name="Grader">How a grader problem is graded; null for a problem judged by its tests.</param>
/// <param name="Files">The grader's files; empty without a grader.</param>
/// <param name="Grading">A Kattis package's graders of its test groups; null for other problems.</param>
/// <param name="Validator">A Kattis package's own validator, stored beside the problem (<c>problem_validators</c>).</param>
/// <param name="InputValidators">A Kattis package's input validators and <paramref name="Examples"/> its example submissions
/// (migration 009, <see cref="VerificationStore"/>).</param>
public sealed record NewProblem(Guid Id, string Name, Limits Limits, CheckerSpec Checker, IReadOnlyList<TestCase> Tests,
    GraderSpec? Grader = null, IReadOnlyList<SubmissionFile>? Files = null, ProblemGrading? Grading = null, KattisValidator? Validator = null,
    InputValidators? InputValidators = null, IReadOnlyList<ProblemExample>? Examples = null);

public sealed record ProblemView(Guid Id, string Name, Limits Limits, CheckerSpec Checker, int TestCount, int TotalPoints, DateTime CreatedAt,
    GraderSpec? Grader = null);

public sealed record ProblemSummary(Guid Id, string Name, int TestCount, DateTime CreatedAt);

public static class ProblemValidator
{
    public const int MaxNameLength = 200;

    /// <param name="graderLanguages">The live languages a grader may be written in; needed only for a request with a grader.</param>
    public static NewProblem? Validate(CreateProblemRequest request, IReadOnlySet<string> liveLanguages, JudgeOptions options, ValidationErrors errors,
        IReadOnlySet<string>? graderLanguages = null)
    {
        if (request.Grader is null)
        {
            var tests = TestCaseRules.Resolve(request.Tests, options.MaxTests, "tests", errors);
            return Validate(request.Name, request.Limits, request.Checker, tests, liveLanguages, options, errors);
        }

        if (request.Tests is { Count: > 0 })
            errors.Add("tests", "A grader problem has no tests: its grader reports them.");
        if (request.Checker is not null)
            errors.Add("checker", "A grader problem has no checker: its grader decides.");
        var (grader, files) = ResolveGrader(request.Grader, liveLanguages, graderLanguages ?? new HashSet<string>(), errors);
        var problem = Validate(request.Name, request.Limits, null, [], liveLanguages, options, errors);
        return problem is null || grader is null ? null : problem with { Grader = grader, Files = files };
    }

    private static (GraderSpec?, IReadOnlyList<SubmissionFile>) ResolveGrader(GraderRequest request, IReadOnlySet<string> liveLanguages,
        IReadOnlySet<string> graderLanguages, ValidationErrors errors)
    {
        LanguageRules.Check(request.Language, liveLanguages, "grader.language", errors);
        if (request.Language is { } language && liveLanguages.Contains(language) && !graderLanguages.Contains(language))
            errors.Add("grader.language", $"A grader cannot be written in '{language}'; offered now: "
                + $"{string.Join(", ", graderLanguages.Order(StringComparer.Ordinal))} (docs/languages.md).");
        var files = request.Files is null ? [] : FileRules.Resolve(request.Files, "grader.files", errors);
        if (request.Files is null)
            errors.Add("grader.files", "The grader's files are required (at least the one it runs).");
        if (string.IsNullOrEmpty(request.Entry))
            errors.Add("grader.entry", "Name the file the grader runs.");
        else if (request.Files is not null && !files.Any(f => f.Name == request.Entry))
            errors.Add("grader.entry", $"Must name one of grader.files; '{request.Entry}' is not among them.");
        return errors.Any ? (null, files) : (new GraderSpec(request.Language!, request.Entry!), files);
    }

    /// <summary>The checks both forms share; the tests come already checked (from JSON or from a zip).</summary>
    public static NewProblem? Validate(string? name, LimitsRequest? limits, CheckerRequest? checker, IReadOnlyList<TestCase> tests,
        IReadOnlySet<string> liveLanguages, JudgeOptions options, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(name))
            errors.Add("name", "A name is required.");
        else if (name.Length > MaxNameLength)
            errors.Add("name", $"Must be at most {MaxNameLength} characters.");
        else
            TextRules.CheckStorable(name, "name", errors);
        var effectiveLimits = LimitRules.Resolve(limits, LimitRules.Defaults(options.Limits), options.Limits, "limits", errors);
        var effectiveChecker = CheckerRules.Resolve(checker, liveLanguages, options.MaxSourceBytes, "checker", errors);
        if (errors.Any)
            return null;
        return new NewProblem(Guid.CreateVersion7(), name!.Trim(), effectiveLimits, effectiveChecker, tests);
    }
}
