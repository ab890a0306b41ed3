using Judge.Data;

namespace Judge.Api.Validation;

public sealed record TestCaseRequest(string? Input, string? ExpectedOutput, int? Points);

public static class TestCaseRules
{
    public static IReadOnlyList<TestCase> Resolve(IReadOnlyList<TestCaseRequest?>? requested, int maxTests, string field, ValidationErrors errors)
    {
        if (requested is null || requested.Count == 0)
        {
            errors.Add(field, "At least one test is required.");
            return [];
        }
        if (requested.Count > maxTests)
        {
            errors.Add(field, $"Has {requested.Count} tests; at most {maxTests} are accepted.");
            return [];
        }

        var tests = new List<TestCase>(requested.Count);
        for (var i = 0; i < requested.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (requested[i] is not { } test)
            {
                errors.Add(at, "Must be an object with input and expectedOutput.");
                continue;
            }
            if (test.Input is null)
                errors.Add($"{at}.input", "Is required (it may be empty).");
            else
                TextRules.CheckStorable(test.Input, $"{at}.input", errors);
            if (test.ExpectedOutput is null)
                errors.Add($"{at}.expectedOutput", "Is required (it may be empty).");
            else
                TextRules.CheckStorable(test.ExpectedOutput, $"{at}.expectedOutput", errors);
            if (test.Points is < 0)
                errors.Add($"{at}.points", "Must be zero or more.");
            tests.Add(new TestCase(i + 1, test.Input ?? "", test.ExpectedOutput ?? "", test.Points ?? 1));
        }
        return tests;
    }
}
