using Judge.Api.Problems;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>testdata.yaml's grading keys as a package's reader turns them into each group's grader (no database needed).</summary>
public class KattisGradingTests
{
    [Fact]
    public void Each_group_gets_its_grader_flags_scores_range_and_on_reject_with_what_it_inherits()
    {
        var grading = Read(
            ("problem.yaml", "name: subtasks\ntype: scoring\n"),
            ("data/testdata.yaml", "on_reject: continue\ngrader_flags: ignore_sample sum\n"),
            ("data/sample/1.in", "1"), ("data/sample/1.ans", "1"),
            ("data/secret/testdata.yaml", "range: 0 100\n"),
            ("data/secret/g1/testdata.yaml", "grader_flags: min worst_error\naccept_score: 12.5\non_reject: break\n"),
            ("data/secret/g1/1.in", "1"), ("data/secret/g1/1.ans", "1"),
            ("data/secret/g1/deeper/1.in", "1"), ("data/secret/g1/deeper/1.ans", "1"),
            ("data/secret/g2/testdata.yaml", "grader_flags: avg accept_if_any_accepted\nreject_score: -1\nrange: -inf 50\n"),
            ("data/secret/g2/1.in", "1"), ("data/secret/g2/1.ans", "1"));

        Assert.Equal([
            new GroupGrading("", IgnoreSample: true),
            new GroupGrading("sample", IgnoreSample: true, AcceptScore: 0),
            new GroupGrading("secret", IgnoreSample: true, RangeMin: 0, RangeMax: 100),
            new GroupGrading("secret/g1", ScoreAggregation.Min, VerdictAggregation.WorstError, AcceptScore: 12.5, RangeMin: 0, RangeMax: 100,
                BreakOnReject: true),
            new GroupGrading("secret/g1/deeper", ScoreAggregation.Min, VerdictAggregation.WorstError, AcceptScore: 12.5, RangeMin: 0, RangeMax: 100,
                BreakOnReject: true),
            new GroupGrading("secret/g2", ScoreAggregation.Avg, AcceptIfAnyAccepted: true, RejectScore: -1, RangeMax: 50),
        ], grading.Groups);
    }

    [Fact]
    public void Pass_fail_groups_are_graded_one_point_a_secret_test_whatever_the_scores_say_but_keep_their_verdict_flags()
    {
        var grading = Read(("problem.yaml", "name: plain\n"),
            ("data/secret/testdata.yaml", "accept_score: 7\nreject_score: -1\nrange: 0 3\ngrader_flags: min worst_error\non_reject: break\n"),
            ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"));

        Assert.Equal(new GroupGrading("secret", Verdict: VerdictAggregation.WorstError, BreakOnReject: true),
            grading.Groups.Single(g => g.Group == "secret"));
    }

    [Theory]
    [InlineData("grader_flags: median\n", "grader flag 'median' is not one the default grader knows")]
    [InlineData("accept_score: lots\n", "accept_score must be a finite number")]
    [InlineData("reject_score: inf\n", "reject_score must be a finite number")]
    [InlineData("range: 10 0\n", "range must be two numbers")]
    [InlineData("range: 10\n", "range must be two numbers")]
    [InlineData("on_reject: stop\n", "on_reject must be break or continue")]
    [InlineData("grading: fancy\n", "grading must be default or custom")]
    [InlineData("grading: custom\n", "says grading: custom, but the package has no graders/NAME/ folder")]
    [InlineData("grading: default\ngrader_flags: --half\n", "grader flag '--half' is not one the default grader knows")]
    public void A_grading_key_the_default_grader_cannot_take_is_refused_with_its_file(string testdata, string reason)
    {
        var (problem, errors) = Packages.Read(("problem.yaml", "name: bad\ntype: scoring\n"), ("data/secret/testdata.yaml", testdata),
            ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"));

        Assert.Null(problem);
        Assert.Contains(errors["file:data/secret/testdata.yaml"], e => e.Contains(reason));
    }

    [Fact]
    public void Custom_groups_are_graded_by_the_package_grader_with_their_grader_flags_as_its_arguments()
    {
        var grading = Read(
            ("problem.yaml", "name: custom\ntype: scoring\n"),
            ("graders/best/best.py", "print('AC 1')\n"), ("graders/best/helper.py", "pass\n"),
            ("data/sample/1.in", "1"), ("data/sample/1.ans", "1"),
            // The flags come before the key that makes them the grader's: they are its words, not the default grader's flags.
            ("data/secret/testdata.yaml", "grader_flags: --best-of 2\ngrading: custom\naccept_score: 10\n"),
            ("data/secret/g1/1.in", "1"), ("data/secret/g1/1.ans", "1"),
            ("data/secret/g2/testdata.yaml", "grading: default\ngrader_flags: max\n"),
            ("data/secret/g2/1.in", "1"), ("data/secret/g2/1.ans", "1"));

        Assert.Equal("graders/best", grading.Grader?.Name);
        Assert.Equal("python3", grading.Grader?.Language);
        Assert.Equal("best.py", grading.Grader?.Main);
        Assert.Equal(["best.py", "helper.py"], grading.Grader?.Files.Select(f => f.Name));
        Assert.False(grading.Grader?.Interactive);
        var groups = grading.Groups.ToDictionary(g => g.Group);
        Assert.False(groups["sample"].Custom);
        Assert.Null(groups["sample"].GraderArguments);
        Assert.True(groups["secret"].Custom);
        Assert.Equal(["--best-of", "2"], groups["secret"].GraderArguments);
        Assert.Equal(10, groups["secret"].AcceptScore);
        Assert.True(groups["secret/g1"].Custom);
        Assert.Equal(["--best-of", "2"], groups["secret/g1"].GraderArguments);
        Assert.Equal(new GroupGrading("secret/g2", ScoreAggregation.Max, AcceptScore: 10), groups["secret/g2"]);
    }

    [Fact]
    public void A_grader_may_be_one_file_directly_in_graders()
    {
        var grading = Read(("problem.yaml", "name: custom\ntype: scoring\n"), ("graders/grader.c", "int main(void) { return 0; }\n"),
            ("data/testdata.yaml", "grading: custom\n"), ("data/secret/1.in", "1"), ("data/secret/1.ans", "1"));

        Assert.Equal(("graders/grader.c", "c", null), (grading.Grader?.Name, grading.Grader?.Language, grading.Grader?.Main));
        Assert.True(grading.Groups.Single(g => g.Group == "").Custom);
        Assert.Equal([], grading.Groups.Single(g => g.Group == "").GraderArguments!);
    }

    [Theory]
    [InlineData("type: scoring\n", "grading: default\n", false, "file:graders/x", "no testdata.yaml says grading: custom")]
    [InlineData("type: pass-fail\n", "grading: custom\n", false, "file:data/secret/testdata.yaml", "grading: custom is for scoring problems")]
    [InlineData("type: scoring\nproblem_format_version: 2023-07-draft\n", "grading: custom\n", false,
        "file:data/secret/testdata.yaml", "the 2023-07-draft format has no custom graders")]
    [InlineData("type: scoring\n", "grading: custom\n", true, "file:graders/y", "is a second grader beside graders/x")]
    public void A_grader_the_package_cannot_use_is_refused(string problem, string testdata, bool twoGraders, string key, string reason)
    {
        (string, string)[] files = [("problem.yaml", "name: bad\n" + problem), ("data/secret/testdata.yaml", testdata),
            ("graders/x/grader.py", "print('AC 0')\n"), ("data/secret/1.in", "1"), ("data/secret/1.ans", "1")];

        var (read, errors) = Packages.Read(twoGraders ? [.. files, ("graders/y/grader.py", "print('AC 0')\n")] : files);

        Assert.Null(read);
        Assert.True(errors.TryGetValue(key, out var faults), string.Join("; ", errors.Keys));
        Assert.Contains(faults, e => e.Contains(reason));
    }

    private static ProblemGrading Read(params (string Name, string Content)[] files)
    {
        var (problem, errors) = Packages.Read(files);
        Assert.True(problem?.Grading is not null, string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        return problem.Grading;
    }
}
