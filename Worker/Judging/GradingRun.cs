using Judge.Data;

namespace Judge.Worker.Judging;

/// <summary>A submission's verdict and score as its problem's graders give them, with each group's grade.</summary>
public sealed record GradedSubmission(Verdict Verdict, double Score, IReadOnlyList<GroupResult> Groups);

/// <summary>
/// Grades a submission's tests by their groups, as the Kattis format's default grader does (docs/problem-packages.md,
/// "Scores"). The judge asks <see cref="ShouldRun"/> before each test (false once a group with <c>on_reject: break</c>
/// around it was rejected), tells each verdict to <see cref="Record"/>, and at the end takes <see cref="Grade"/>.
/// Each group's verdict and score come from its grader over its tests and subgroups, in judging order; a test not run
/// counts in neither. A group graded by the package's custom grader (<c>grading: custom</c>) waits, once all of it ran,
/// as <see cref="Pending"/> until the judge ran the grader and told its answer to <see cref="Graded"/>: what is above it
/// is graded only after. No I/O here.
/// </summary>
public sealed class GradingRun
{
    private sealed class Node(string path, GroupGrading settings, Node? parent)
    {
        public string Path { get; } = path;
        public GroupGrading Settings { get; } = settings;
        public Node? Parent { get; } = parent;
        /// <summary>Tests (<see cref="TestCase"/>) and subgroups (<see cref="Node"/>), in judging order.</summary>
        public List<object> Items { get; } = [];
        public bool Stopped { get; set; }
    }

    private readonly Node root;
    private readonly Dictionary<string, Node> nodes = new(StringComparer.Ordinal);
    private readonly Dictionary<int, Verdict> verdicts = [];
    private readonly Dictionary<int, double> scores = [];
    private readonly Dictionary<string, (Verdict Verdict, double Score)> customGrades = new(StringComparer.Ordinal);

    /// <summary>A custom-graded group all of which ran or was skipped: its grader's arguments, and the verdicts and scores
    /// of its tests and subgroups in judging order (what the grader reads).</summary>
    public sealed record CustomGroup(string Group, IReadOnlyList<string> Arguments, IReadOnlyList<(Verdict Verdict, double Score)> Results);

    /// <summary>The custom-graded group waiting for its grader's answer; null when none is.</summary>
    public CustomGroup? Pending { get; private set; }

    public GradingRun(ProblemGrading grading, IReadOnlyList<TestCase> testsInOrder)
    {
        var settings = grading.Groups.ToDictionary(g => g.Group, StringComparer.Ordinal);
        root = new Node("", settings.GetValueOrDefault("") ?? new GroupGrading(""), null);
        nodes[""] = root;
        foreach (var test in testsInOrder)
            NodeOf(test.Group ?? "").Items.Add(test);

        // A group's node, made (with the groups above it) where it first appears; a group the grading does not name
        // grades as the group above it.
        Node NodeOf(string path)
        {
            if (nodes.TryGetValue(path, out var node))
                return node;
            var parent = NodeOf(path.LastIndexOf('/') is var slash and > 0 ? path[..slash] : "");
            node = new Node(path, settings.GetValueOrDefault(path) ?? parent.Settings with { Group = path }, parent);
            parent.Items.Add(node);
            nodes[path] = node;
            return node;
        }
    }

    /// <summary>False when a group the test is in stopped at a rejection (<c>on_reject: break</c>): the test is not run.</summary>
    public bool ShouldRun(TestCase test)
    {
        for (var node = nodes[test.Group ?? ""]; node is not null; node = node.Parent)
            if (node.Stopped)
                return false;
        return true;
    }

    /// <summary>Takes a test's verdict, and the score an output validator gave it (<c>score.txt</c>: in place of its group's
    /// <c>accept_score</c> when accepted). A rejection stops the test's group if it breaks on one; a group that is now
    /// complete and rejected stops the group above it likewise, and so on up.</summary>
    public void Record(TestCase test, Verdict verdict, double? score = null)
    {
        if (Pending is not null)
            throw new InvalidOperationException($"group '{Pending.Group}' waits for its grader's answer");
        verdicts[test.Index] = verdict;
        if (score is { } given)
            scores[test.Index] = given;
        Propagate(nodes[test.Group ?? ""], verdict != Verdict.AC);
    }

    /// <summary>Takes the custom grader's answer for the <see cref="Pending"/> group, and goes on up from it as
    /// <see cref="Record"/> does. An IE here (the grader failed) makes the submission IE.</summary>
    public void Graded(string group, Verdict verdict, double score)
    {
        if (Pending?.Group != group)
            throw new InvalidOperationException($"group '{group}' does not wait for its grader");
        Pending = null;
        customGrades[group] = (verdict, score);
        if (nodes[group].Parent is { } parent)
            Propagate(parent, verdict != Verdict.AC);
    }

    /// <summary>From the group whose item just completed, up: a rejected item stops a group that breaks on rejection; a
    /// group now complete passes its own grade up, or waits as <see cref="Pending"/> for its custom grader.</summary>
    private void Propagate(Node from, bool rejected)
    {
        for (var node = from; node is not null; node = node.Parent)
        {
            if (rejected && node.Settings.BreakOnReject)
                node.Stopped = true;
            // A group's verdict is known once all of it ran or was skipped (accept_if_any_accepted may yet accept it).
            if (!IsComplete(node))
                return;
            if (node.Settings.Custom && !customGrades.ContainsKey(node.Path))
            {
                if (ResultsOf(node) is { Count: > 0 } results)
                    Pending = new CustomGroup(node.Path, node.Settings.GraderArguments ?? [], results);
                return;
            }
            if (GradeOf(node) is not { } grade)
                return;
            rejected = grade.Verdict != Verdict.AC;
        }
    }

    /// <summary>The top group's verdict and score, and every group's grade. A test judged IE, or a custom grader that
    /// failed, makes the verdict IE whatever the graders say: it is our failure, which no <c>always_accept</c> may hide.</summary>
    public GradedSubmission Grade()
    {
        var (verdict, score) = GradeOf(root) ?? (Verdict.AC, 0);
        if (verdicts.Values.Contains(Verdict.IE) || customGrades.Values.Any(g => g.Verdict == Verdict.IE))
            verdict = Verdict.IE;
        var groups = nodes.Values.Where(n => n != root)
            .Select(n => GradeOf(n) is { } g
                ? new GroupResult(n.Path, g.Verdict, g.Score, Skipped(n))
                : new GroupResult(n.Path, null, 0, Skipped(n)))
            .ToList();
        return new GradedSubmission(verdict, score, groups);
    }

    private bool IsComplete(Node node) => node.Items.All(item => item is TestCase test
        ? verdicts.ContainsKey(test.Index) || !ShouldRun(test)
        : IsComplete((Node)item));

    private int Skipped(Node node) => node.Items.Sum(item => item is TestCase test
        ? verdicts.ContainsKey(test.Index) ? 0 : 1
        : Skipped((Node)item));

    /// <summary>The group's grader over what of it ran; null when nothing of it ran (or its custom grader has not answered).</summary>
    private (Verdict Verdict, double Score)? GradeOf(Node node)
    {
        if (node.Settings.Custom)
            return customGrades.TryGetValue(node.Path, out var custom) ? custom : null;
        var graded = ResultsOf(node);
        return graded.Count == 0 ? null : GroupGrader.Grade(node.Settings, graded);
    }

    /// <summary>The verdicts and scores of what of the group ran, in judging order: its tests', and its subgroups' grades.</summary>
    private List<(Verdict Verdict, double Score)> ResultsOf(Node node)
    {
        var s = node.Settings;
        var graded = new List<(Verdict Verdict, double Score)>();
        foreach (var item in node.Items)
        {
            if (item is TestCase test)
            {
                if (verdicts.TryGetValue(test.Index, out var verdict))
                    graded.Add((verdict, verdict != Verdict.AC ? s.RejectScore : scores.TryGetValue(test.Index, out var given) ? given : s.AcceptScore));
            }
            else if (item is Node sub && !(node == root && s.IgnoreSample && sub.Path == "sample") && GradeOf(sub) is { } subGrade)
                graded.Add(subGrade);
        }
        return graded;
    }
}

/// <summary>The Kattis default grader: one group's verdict and score from its tests' and subgroups' in judging order.</summary>
public static class GroupGrader
{
    /// <summary>Worst first, for <c>worst_error</c>: our failure, then the program's crashes and limits, then wrong output.</summary>
    private static readonly Verdict[] Severity = [Verdict.IE, Verdict.RE, Verdict.TLE, Verdict.MLE, Verdict.OLE, Verdict.WA, Verdict.PE];

    public static (Verdict Verdict, double Score) Grade(GroupGrading grader, IReadOnlyList<(Verdict Verdict, double Score)> results)
    {
        var rejections = results.Where(r => r.Verdict != Verdict.AC).Select(r => r.Verdict).ToList();
        var verdict = grader.AlwaysAccept || rejections.Count == 0 || (grader.AcceptIfAnyAccepted && rejections.Count < results.Count)
            ? Verdict.AC
            : grader.Verdict == VerdictAggregation.WorstError
                ? rejections.MinBy(v => Array.IndexOf(Severity, v) is var rank and >= 0 ? rank : Severity.Length)
                : rejections[0];

        var scores = results.Select(r => r.Score).ToList();
        var score = scores.Count == 0 ? 0 : grader.Score switch
        {
            ScoreAggregation.Sum => scores.Sum(),
            ScoreAggregation.Avg => scores.Average(),
            ScoreAggregation.Min => scores.Min(),
            ScoreAggregation.Max => scores.Max(),
            _ => throw new ArgumentOutOfRangeException(nameof(grader), grader.Score, "unknown score aggregation"),
        };
        if (grader.RangeMin is { } low && score < low)
            score = low;
        if (grader.RangeMax is { } high && score > high)
            score = high;
        return (verdict, score);
    }
}
