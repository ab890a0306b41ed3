using System.Text.Json.Serialization;

namespace Judge.Data;

/// <summary>
/// The <c>grading</c> column of problems (migration 007): how a Kattis package's test groups are graded, one entry per
/// group, named by its path under <c>data/</c> (<c>""</c> for <c>data</c> itself, <c>sample</c>, <c>secret/group1</c>). Each
/// entry is complete: the Api resolves what testdata.yaml inherits before storing it. Null for problems without groups:
/// their verdict is the first failing test's and their score the sum of the accepted tests' points.
/// </summary>
/// <param name="Grader">The package's custom grader (legacy <c>graders/</c>), which grades the groups marked
/// <see cref="GroupGrading.Custom"/>; null when every group has the default grader. Stored here rather than in a table
/// of its own: it is read whenever the grading is, and only then.</param>
public sealed record ProblemGrading(IReadOnlyList<GroupGrading> Groups, KattisValidator? Grader = null);

/// <summary>
/// One group's grader, as the Kattis format's default grader takes it (<c>grader_flags</c>, <c>accept_score</c>,
/// <c>reject_score</c>, <c>range</c>, <c>on_reject</c>). A test of the group scores <see cref="AcceptScore"/> when accepted,
/// <see cref="RejectScore"/> otherwise; the group's score and verdict are its grader's over its tests and subgroups.
/// </summary>
/// <param name="RangeMin">The lowest score the group may give (its score is clamped into the range); null: no bound.</param>
/// <param name="BreakOnReject"><c>on_reject: break</c>: once a test or subgroup of the group is rejected, the group's
/// remaining tests are not run.</param>
/// <param name="IgnoreSample">Only for the top group: the <c>sample</c> group counts in neither verdict nor score.</param>
/// <param name="Custom"><c>grading: custom</c>: the problem's <see cref="ProblemGrading.Grader"/> gives the group's verdict
/// and score from its tests' and subgroups' (each test still scored by AcceptScore or RejectScore); the default grader's
/// flags and range are unused.</param>
/// <param name="GraderArguments">For a custom group: its <c>grader_flags</c>, the grader's arguments.</param>
public sealed record GroupGrading(
    string Group,
    ScoreAggregation Score = ScoreAggregation.Sum,
    VerdictAggregation Verdict = VerdictAggregation.FirstError,
    bool AcceptIfAnyAccepted = false,
    bool AlwaysAccept = false,
    bool IgnoreSample = false,
    double AcceptScore = 1,
    double RejectScore = 0,
    double? RangeMin = null,
    double? RangeMax = null,
    bool BreakOnReject = false,
    bool Custom = false,
    IReadOnlyList<string>? GraderArguments = null);

/// <summary>How a grader adds up the scores of a group's tests and subgroups.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ScoreAggregation>))]
public enum ScoreAggregation
{
    [JsonStringEnumMemberName("sum")] Sum,
    [JsonStringEnumMemberName("avg")] Avg,
    [JsonStringEnumMemberName("min")] Min,
    [JsonStringEnumMemberName("max")] Max,
}

/// <summary>Which rejection a rejected group takes its verdict from.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<VerdictAggregation>))]
public enum VerdictAggregation
{
    /// <summary>The first rejected test or subgroup in judging order.</summary>
    [JsonStringEnumMemberName("first_error")] FirstError,
    /// <summary>The worst rejection: IE, RE, TLE, MLE, OLE, WA, PE, worst first.</summary>
    [JsonStringEnumMemberName("worst_error")] WorstError,
}

/// <summary>A group's grade, as a submission shows it (<c>groups</c>): its verdict and score, and how many of its tests
/// were not run (<c>on_reject: break</c>). Verdict is null when none of its tests ran.</summary>
public sealed record GroupResult(string Group, Verdict? Verdict, double Score, int Skipped);
