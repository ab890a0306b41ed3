using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Problems;

/// <summary><c>POST /problems</c> with the tests inline.</summary>
public sealed record CreateProblemRequest(string? Name, LimitsRequest? Limits, CheckerRequest? Checker, IReadOnlyList<TestCaseRequest?>? Tests);

/// <param name="Validator">A Kattis package's own validator, stored beside the problem (<c>problem_validators</c>).</param>
public sealed record NewProblem(Guid Id, string Name, Limits Limits, CheckerSpec Checker, IReadOnlyList<TestCase> Tests,
    KattisValidator? Validator = null);

public sealed record ProblemView(Guid Id, string Name, Limits Limits, CheckerSpec Checker, int TestCount, int TotalPoints, DateTime CreatedAt);

public sealed record ProblemSummary(Guid Id, string Name, int TestCount, DateTime CreatedAt);

public static class ProblemValidator
{
    public const int MaxNameLength = 200;

    public static NewProblem? Validate(CreateProblemRequest request, IReadOnlySet<string> liveLanguages, JudgeOptions options, ValidationErrors errors)
    {
        var tests = TestCaseRules.Resolve(request.Tests, options.MaxTests, "tests", errors);
        return Validate(request.Name, request.Limits, request.Checker, tests, liveLanguages, options, errors);
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
