using System.Globalization;
using Judge.Data;
using YamlDotNet.RepresentationModel;

namespace Judge.Api.Problems;

/// <summary>The graders of a package's test groups, read from testdata.yaml (docs/problem-packages.md, "Scores").</summary>
public static partial class KattisPackage
{
    private sealed partial class Reader
    {
        /// <summary>Each group's grader, in the order the groups are walked: data itself first.</summary>
        private readonly List<GroupGrading> gradings = [];

        /// <summary>Stores the grader of a group (<c>data</c>, <c>data/secret/group1</c>) by its path under data/, with the
        /// score its accepted tests earn resolved (<see cref="PointsOf"/>). A pass-fail problem's score is the number of
        /// secret tests passed whatever the package says of scores: only its verdict flags and on_reject count.</summary>
        private void AddGrading(string group, GroupSettings settings, bool sample)
        {
            var grading = settings.Grading with
            {
                Group = group == "data" ? "" : group["data/".Length..],
                AcceptScore = PointsOf(settings, sample),
                GraderArguments = settings.Grading.Custom ? Words(settings.GraderFlags ?? "") : null,
            };
            gradings.Add(scoring ? grading : grading with { Score = ScoreAggregation.Sum, RejectScore = 0, RangeMin = null, RangeMax = null });
        }

        /// <summary>Pass-fail: 1 per secret test. Scoring: the group's accept_score (default 1). Samples score nothing unless
        /// their own testdata.yaml sets accept_score.</summary>
        private double PointsOf(GroupSettings settings, bool sample)
        {
            if (sample)
                return scoring && settings.AcceptScoreSetHere ? settings.AcceptScore ?? 0 : 0;
            return scoring ? settings.AcceptScore ?? 1 : 1;
        }

        /// <summary>A test's points column: its accepted score, rounded, since that column is whole. Graded problems score by
        /// their graders (the worker's GradingRun); the points only add up to the problem's <c>totalPoints</c>.</summary>
        private int WholePointsOf(GroupSettings settings, bool sample) =>
            (int)Math.Clamp(Math.Round(PointsOf(settings, sample), MidpointRounding.AwayFromZero), 0, int.MaxValue);

        /// <summary>Reads a grading key of a testdata.yaml into <paramref name="settings"/>; false when the key is not one.</summary>
        private bool ReadGradingKey(string path, string key, YamlNode value, ref GroupSettings settings)
        {
            var text = (value as YamlScalarNode)?.Value ?? "";
            var grading = settings.Grading;
            switch (key)
            {
                case "accept_score":
                    if (Score(text) is { } accept && double.IsFinite(accept))
                        settings = settings with { AcceptScore = accept, AcceptScoreSetHere = true };
                    else
                        Fault(path, $"accept_score must be a finite number; was '{text}'.");
                    return true;
                case "reject_score":
                    if (Score(text) is { } reject && double.IsFinite(reject))
                        grading = grading with { RejectScore = reject };
                    else
                        Fault(path, $"reject_score must be a finite number; was '{text}'.");
                    break;
                case "range":
                    if (text.Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var lowText, var highText]
                        && Score(lowText) is { } low && Score(highText) is { } high && low <= high && low != double.PositiveInfinity && high != double.NegativeInfinity)
                        grading = grading with { RangeMin = double.IsInfinity(low) ? null : low, RangeMax = double.IsInfinity(high) ? null : high };
                    else
                        Fault(path, $"range must be two numbers 'LOW HIGH' with LOW ≤ HIGH (inf and -inf allowed); was '{text}'.");
                    break;
                case "on_reject":
                    if (text is "break" or "continue")
                        grading = grading with { BreakOnReject = text == "break" };
                    else
                        Fault(path, $"on_reject must be break or continue; was '{text}'.");
                    break;
                case "grader_flags":
                    // Whose flags they are depends on the grading key, which may come after them (FinishGrading).
                    settings = settings with { GraderFlags = text };
                    return true;
                case "grading":
                    if (text is "default" or "custom")
                        grading = grading with { Custom = text == "custom" };
                    else
                        Fault(path, $"grading must be default or custom; was '{text}'.");
                    break;
                default:
                    return false;
            }
            settings = settings with { Grading = grading };
            return true;
        }

        /// <summary>Once a testdata.yaml that says grading or grader_flags is read: a default group's grader_flags (its own or
        /// inherited) become the default grader's flags; a custom group's stay words, its grader's arguments.</summary>
        private void FinishGrading(string path, YamlMappingNode yaml, ref GroupSettings settings)
        {
            if (!yaml.Children.ContainsKey(new YamlScalarNode("grading")) && !yaml.Children.ContainsKey(new YamlScalarNode("grader_flags")))
                return;
            if (!settings.Grading.Custom)
                settings = settings with { Grading = GraderFlags(path, settings.GraderFlags ?? "", settings.Grading) };
            else if (!scoring)
                Fault(path, "grading: custom is for scoring problems: a pass-fail problem's verdict is its first rejected test's.");
        }

        /// <summary>grader_flags replaces the flags above it whole: what it leaves out is the default (sum, first_error).</summary>
        private GroupGrading GraderFlags(string path, string text, GroupGrading inherited)
        {
            var grading = inherited with
            {
                Score = ScoreAggregation.Sum, Verdict = VerdictAggregation.FirstError,
                AcceptIfAnyAccepted = false, AlwaysAccept = false, IgnoreSample = false,
            };
            foreach (var flag in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
                grading = flag switch
                {
                    "sum" => grading with { Score = ScoreAggregation.Sum },
                    "avg" => grading with { Score = ScoreAggregation.Avg },
                    "min" => grading with { Score = ScoreAggregation.Min },
                    "max" => grading with { Score = ScoreAggregation.Max },
                    "first_error" => grading with { Verdict = VerdictAggregation.FirstError },
                    "worst_error" => grading with { Verdict = VerdictAggregation.WorstError },
                    "accept_if_any_accepted" => grading with { AcceptIfAnyAccepted = true },
                    "always_accept" => grading with { AlwaysAccept = true },
                    "ignore_sample" => grading with { IgnoreSample = true },
                    _ => Unknown(flag),
                };
            return grading;

            GroupGrading Unknown(string flag)
            {
                Fault(path, $"grader flag '{flag}' is not one the default grader knows: use sum, avg, min, max, first_error, worst_error, " +
                    "accept_if_any_accepted, always_accept, ignore_sample (or grading: custom, whose grader takes any arguments).");
                return grading;
            }
        }

        /// <summary>A number as testdata.yaml writes one, <c>inf</c> and <c>-inf</c> included; null when it is none.</summary>
        private static double? Score(string text) => text.Trim() switch
        {
            "inf" or "+inf" or "infinity" or "+infinity" => double.PositiveInfinity,
            "-inf" or "-infinity" => double.NegativeInfinity,
            var number => double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && double.IsFinite(value) ? value : null,
        };
    }
}
