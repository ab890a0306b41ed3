using Judge.Data;
using Judge.Worker.Judging;

namespace Judge.Worker.Tests;

/// <summary>The Kattis default grader over test groups, without running anything: verdicts in, grades out.</summary>
public class GradingRunTests
{
    private static readonly Verdict AC = Verdict.AC, WA = Verdict.WA, TLE = Verdict.TLE, RE = Verdict.RE, IE = Verdict.IE;

    [Theory]
    [InlineData(ScoreAggregation.Sum, 30)]
    [InlineData(ScoreAggregation.Avg, 10)]
    [InlineData(ScoreAggregation.Min, 0)]
    [InlineData(ScoreAggregation.Max, 20)]
    public void A_group_adds_up_its_results_as_its_grader_says(ScoreAggregation aggregation, double expected)
    {
        var (_, score) = GroupGrader.Grade(new GroupGrading("g", Score: aggregation), [(AC, 10), (WA, 0), (AC, 20)]);

        Assert.Equal(expected, score);
    }

    [Fact]
    public void First_error_takes_the_first_rejection_and_worst_error_the_worst()
    {
        (Verdict, double)[] results = [(AC, 1), (WA, 0), (RE, 0), (TLE, 0)];

        Assert.Equal(WA, GroupGrader.Grade(new GroupGrading("g"), results).Verdict);
        Assert.Equal(RE, GroupGrader.Grade(new GroupGrading("g", Verdict: VerdictAggregation.WorstError), results).Verdict);
    }

    [Fact]
    public void Accept_if_any_accepted_and_always_accept_accept_a_group_with_rejections()
    {
        Assert.Equal(AC, GroupGrader.Grade(new GroupGrading("g", AcceptIfAnyAccepted: true), [(WA, 0), (AC, 1)]).Verdict);
        Assert.Equal(WA, GroupGrader.Grade(new GroupGrading("g", AcceptIfAnyAccepted: true), [(WA, 0), (TLE, 0)]).Verdict);
        Assert.Equal(AC, GroupGrader.Grade(new GroupGrading("g", AlwaysAccept: true), [(WA, 0), (TLE, 0)]).Verdict);
    }

    [Fact]
    public void Range_clamps_the_group_score()
    {
        Assert.Equal(25, GroupGrader.Grade(new GroupGrading("g", RangeMin: 0, RangeMax: 25), [(AC, 20), (AC, 20)]).Score);
        Assert.Equal(-1, GroupGrader.Grade(new GroupGrading("g", RangeMin: -1), [(WA, -5)]).Score);
    }

    [Fact]
    public void Subtasks_graded_min_score_all_or_nothing_and_the_top_sums_them()
    {
        var tests = Tests("sample", "secret/g1", "secret/g1", "secret/g2", "secret/g2");
        var run = new GradingRun(Grading(
            new GroupGrading("sample", AcceptScore: 0),
            new GroupGrading("secret/g1", Score: ScoreAggregation.Min, AcceptScore: 30),
            new GroupGrading("secret/g2", Score: ScoreAggregation.Min, AcceptScore: 70)), tests);

        Record(run, tests, AC, AC, AC, AC, WA);
        var graded = run.Grade();

        Assert.Equal((WA, 30.0), (graded.Verdict, graded.Score));
        Assert.Equal([
            new GroupResult("sample", AC, 0, 0),
            new GroupResult("secret", WA, 30, 0),
            new GroupResult("secret/g1", AC, 30, 0),
            new GroupResult("secret/g2", WA, 0, 0),
        ], graded.Groups.OrderBy(g => g.Group, StringComparer.Ordinal));
    }

    [Fact]
    public void On_reject_break_skips_the_rest_of_the_group_but_not_the_groups_after_it()
    {
        var tests = Tests("secret/a", "secret/a", "secret/a", "secret/b");
        var run = new GradingRun(Grading(new GroupGrading("secret/a", BreakOnReject: true)), tests);

        Assert.True(run.ShouldRun(tests[0]));
        run.Record(tests[0], WA);
        Assert.False(run.ShouldRun(tests[1]));
        Assert.False(run.ShouldRun(tests[2]));
        Assert.True(run.ShouldRun(tests[3]));
        run.Record(tests[3], AC);

        var graded = run.Grade();
        Assert.Equal((WA, 1.0), (graded.Verdict, graded.Score));
        Assert.Equal(new GroupResult("secret/a", WA, 0, 2), graded.Groups.Single(g => g.Group == "secret/a"));
    }

    [Fact]
    public void A_rejected_subgroup_stops_a_breaking_group_above_it_once_the_subgroup_is_done()
    {
        var tests = Tests("secret/g/x", "secret/g/x", "secret/g/y", "secret/h");
        var run = new GradingRun(Grading(
            new GroupGrading("secret", BreakOnReject: true),
            new GroupGrading("secret/g"),
            new GroupGrading("secret/g/x"),
            new GroupGrading("secret/g/y")), tests);

        run.Record(tests[0], WA);
        Assert.True(run.ShouldRun(tests[1])); // x does not break; secret waits for g to be done
        run.Record(tests[1], AC);
        run.Record(tests[2], AC);
        Assert.False(run.ShouldRun(tests[3])); // g is done and rejected: secret breaks

        Assert.Equal(1, run.Grade().Groups.Single(g => g.Group == "secret").Skipped);
        Assert.Equal(new GroupResult("secret/h", null, 0, 1), run.Grade().Groups.Single(g => g.Group == "secret/h"));
    }

    [Fact]
    public void A_subgroup_accepted_by_accept_if_any_accepted_does_not_stop_the_group_above()
    {
        var tests = Tests("secret/g", "secret/g", "secret/h");
        var run = new GradingRun(Grading(new GroupGrading("secret", BreakOnReject: true),
            new GroupGrading("secret/g", AcceptIfAnyAccepted: true), new GroupGrading("secret/h")), tests);

        Record(run, tests, WA, AC);

        Assert.True(run.ShouldRun(tests[2]));
    }

    [Fact]
    public void A_custom_group_waits_for_its_graders_answer_with_its_results_and_arguments_before_the_group_above_is_graded()
    {
        var tests = Tests("secret/g", "secret/g", "secret/h");
        var run = new GradingRun(Grading(new GroupGrading("secret", BreakOnReject: true),
            new GroupGrading("secret/g", AcceptScore: 4, RejectScore: -1, Custom: true, GraderArguments: ["--best"]), new GroupGrading("secret/h")), tests);

        run.Record(tests[0], AC);
        Assert.Null(run.Pending); // g is not done yet
        run.Record(tests[1], TLE);

        var pending = Assert.IsType<GradingRun.CustomGroup>(run.Pending);
        Assert.Equal("secret/g", pending.Group);
        Assert.Equal(["--best"], pending.Arguments);
        Assert.Equal([(AC, 4.0), (TLE, -1.0)], pending.Results);
        Assert.Throws<InvalidOperationException>(() => run.Record(tests[2], AC));
        run.Graded("secret/g", WA, 2);
        Assert.Null(run.Pending);
        Assert.False(run.ShouldRun(tests[2])); // the grader rejected g: secret breaks

        var graded = run.Grade();
        Assert.Equal((WA, 2.0), (graded.Verdict, graded.Score));
        Assert.Equal(new GroupResult("secret/g", WA, 2, 0), graded.Groups.Single(g => g.Group == "secret/g"));
    }

    [Fact]
    public void A_custom_grader_that_failed_makes_the_submission_an_internal_error_whatever_the_groups_above_say()
    {
        var tests = Tests("secret/g");
        var run = new GradingRun(Grading(new GroupGrading("secret", AlwaysAccept: true), new GroupGrading("secret/g", Custom: true)), tests);

        run.Record(tests[0], AC);
        run.Graded("secret/g", IE, 0);

        Assert.Equal(IE, run.Grade().Verdict);
    }

    [Fact]
    public void Ignore_sample_leaves_a_failing_sample_out_of_verdict_and_score()
    {
        var tests = Tests("sample", "secret");
        var counted = new GradingRun(Grading(new GroupGrading("sample", AcceptScore: 5)), tests);
        var ignored = new GradingRun(Grading(new GroupGrading("", IgnoreSample: true), new GroupGrading("sample", AcceptScore: 5)), tests);

        Record(counted, tests, WA, AC);
        Record(ignored, tests, WA, AC);

        Assert.Equal((WA, 1.0), (counted.Grade().Verdict, counted.Grade().Score));
        Assert.Equal((AC, 1.0), (ignored.Grade().Verdict, ignored.Grade().Score));
    }

    [Fact]
    public void Average_scores_may_be_fractional()
    {
        var tests = Tests("secret", "secret", "secret");
        var run = new GradingRun(Grading(new GroupGrading("secret", Score: ScoreAggregation.Avg, AcceptScore: 100)), tests);

        Record(run, tests, AC, WA, WA);

        Assert.Equal(100.0 / 3, run.Grade().Score, 9);
    }

    [Fact]
    public void An_internal_error_is_the_verdict_even_where_the_grader_always_accepts()
    {
        var tests = Tests("secret", "secret");
        var run = new GradingRun(Grading(new GroupGrading(""), new GroupGrading("secret", AlwaysAccept: true)), tests);

        Record(run, tests, AC, IE);

        Assert.Equal(IE, run.Grade().Verdict);
    }

    [Fact]
    public void A_group_the_grading_does_not_name_grades_as_the_group_above_it()
    {
        var tests = Tests("secret/unnamed", "secret/unnamed");
        var run = new GradingRun(Grading(new GroupGrading("secret", Score: ScoreAggregation.Min, AcceptScore: 4)), tests);

        Record(run, tests, AC, AC);

        Assert.Equal(4, run.Grade().Score);
    }

    private static ProblemGrading Grading(params GroupGrading[] groups) => new(groups);

    private static List<TestCase> Tests(params string[] groups) =>
        groups.Select((group, i) => new TestCase(i + 1, "", "", 1, group)).ToList();

    private static void Record(GradingRun run, List<TestCase> tests, params Verdict[] verdicts)
    {
        foreach (var (test, verdict) in tests.Zip(verdicts))
        {
            Assert.True(run.ShouldRun(test), $"test {test.Index} should run");
            run.Record(test, verdict);
        }
    }
}
