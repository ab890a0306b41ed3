using System.Text;
using Judge.Data;
using Judge.Worker.Judging;

namespace Judge.Worker.Tests;

public sealed class GradescopeResultsTests
{
    private static GradescopeResults? Parse(string json, out string? problem) => GradescopeResults.Parse(Encoding.UTF8.GetBytes(json), out problem);

    [Fact]
    public void Tests_are_named_scored_and_passed_by_status_else_by_full_marks()
    {
        var results = Parse("""
            {"score": 4.5, "output": "overall", "visibility": "visible", "tests": [
              {"name": "a", "score": 1, "max_score": 1, "output": "fine"},
              {"name": "b", "score": 0.5, "max_score": 2},
              {"name": "c", "score": 0, "max_score": 0, "status": "failed"},
              {"output": "just a note"}]}
            """, out var problem);

        Assert.Null(problem);
        Assert.Equal(4.5, results!.Score);
        Assert.Equal([("a", Verdict.AC, 1.0), ("b", Verdict.WA, 0.5), ("c", Verdict.WA, 0.0), ("test 4", Verdict.AC, (double?)null)],
            results.Tests.Select(t => (t.Name, t.Verdict, t.Score)));
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("[]", "not a JSON object")]
    [InlineData("{}", "neither tests nor a score")]
    [InlineData("""{"tests": {}}""", "not an array")]
    [InlineData("""{"tests": [1]}""", "tests[0] that is not an object")]
    [InlineData("""{"tests": [{"score": "10"}]}""", "score is not a number")]
    [InlineData("""{"tests": [{"name": 3}]}""", "name is not a string")]
    [InlineData("""{"tests": [{"status": "maybe"}]}""", "not passed or failed")]
    [InlineData("""{"score": "all"}""", "score is not a number")]
    public void A_document_that_is_not_gradescope_results_is_refused_with_the_reason(string json, string reason)
    {
        Assert.Null(Parse(json, out var problem));
        Assert.Contains(reason, problem);
        Assert.StartsWith("results.json", problem);
    }
}
