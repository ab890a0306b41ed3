using System.Globalization;
using System.IO.Compression;
using Judge.Api.Validation;
using Judge.Data;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Judge.Api.Problems;

/// <summary>What a Kattis problem package gives the upload: its name, limits, checker and tests, to be checked like any
/// other upload's. Null where the package says nothing (a legacy problem.yaml often has no name). Grading: each test group's
/// grader (KattisPackage.Grading.cs).</summary>
/// <param name="Validator">The package's own output validator (or interactive validator), with its arguments; null when the
/// default output validator judges (<paramref name="Checker"/>).</param>
/// <param name="InputValidators">Its input validators, run on every test before the upload is answered; null for none
/// (KattisPackage.InputValidators.cs). <paramref name="TestFiles"/>: each test's input file by its index, to name a refused one.</param>
/// <param name="Examples">Its example submissions (KattisPackage.Examples.cs).</param>
/// <param name="GroupFlags">The groups the default output validator judges with other flags than <paramref name="Checker"/>'s
/// (<see cref="CheckerSpec.KattisGroups"/>); null when every group has the same.</param>
public sealed record KattisProblem(string? Name, LimitsRequest Limits, CheckerRequest Checker, IReadOnlyList<TestCase> Tests,
    ProblemGrading? Grading = null, KattisValidator? Validator = null, InputValidators? InputValidators = null,
    IReadOnlyList<ProblemExample>? Examples = null, IReadOnlyDictionary<int, string>? TestFiles = null,
    IReadOnlyDictionary<string, KattisFlags>? GroupFlags = null)
{
    /// <summary>The problem as the upload stores it: <paramref name="problem"/> (validated from this package's name, limits,
    /// checker and tests) with what only a package has.</summary>
    public NewProblem Into(NewProblem problem) => problem with
    {
        Checker = problem.Checker with { KattisGroups = GroupFlags },
        Grading = Grading,
        Validator = Validator,
        InputValidators = InputValidators,
        Examples = Examples,
    };
}

/// <summary>
/// Reads a zip of a Kattis problem package (legacy or <c>2023-07-draft</c>) into the problem model: <c>problem.yaml</c>
/// at the root of the zip or inside its one top folder, tests from <c>data/sample</c> and <c>data/secret</c> with their
/// nested groups in directory order, judged by the default output validator with the package's flags. What is
/// supported, and what is refused as "not supported yet", is in docs/problem-packages.md. Every fault is reported (as
/// <c>file:PATH</c> → reason), not only the first, and nothing of a faulty package is kept.
/// </summary>
public static partial class KattisPackage
{
    /// <summary>A package's YAML files are a few lines; anything this large is not one.</summary>
    private const int MaxYamlBytes = 64 << 10;

    private const string Legacy = "legacy";
    private const string Draft = "2023-07-draft";

    /// <summary>False when <paramref name="zip"/> is not a Kattis package (not a zip, or no problem.yaml where one goes).
    /// True when it is: then <paramref name="problem"/> is what it holds, or null with its faults in <paramref name="errors"/>.
    /// The limits the upload gives count where the package has none (<paramref name="uploadLimits"/>), then the defaults.
    /// Its test files are staged in <paramref name="staging"/> as they unpack.</summary>
    public static bool TryRead(Stream zip, LimitsRequest? uploadLimits, JudgeOptions options, TestDataStaging staging, string field, ValidationErrors errors,
        out KattisProblem? problem)
    {
        problem = null;
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        // Not a zip (or a few bytes that begin like one, see ProblemArchive): the N.in/N.out reader says so.
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or EndOfStreamException)
        {
            return false;
        }
        using (archive)
        {
            var entries = archive.Entries.Where(e => !ProblemArchive.IsIgnorable(e) || e.Name == ".timelimit").ToList();
            if (RootOf(entries) is not { } root)
                return false;
            problem = new Reader(root, entries, uploadLimits, options, staging, field, errors).ReadWithSelfChecks();
            return true;
        }
    }

    /// <summary>"" when problem.yaml is at the top of the zip, "top/" when it is inside the zip's one top folder; null
    /// when there is no problem.yaml in either place (not a Kattis package).</summary>
    private static string? RootOf(List<ZipArchiveEntry> entries)
    {
        if (entries.Any(e => e.FullName == "problem.yaml"))
            return "";
        var tops = entries.Select(e => e.FullName.Split('/')[0]).Distinct().ToList();
        return tops.Count == 1 && entries.Any(e => e.FullName == $"{tops[0]}/problem.yaml") ? tops[0] + "/" : null;
    }

    /// <summary>A test group's settings from testdata.yaml, each inherited from the group above unless set. Grading: its
    /// grader (KattisPackage.Grading.cs), whose accept score is resolved when the group is stored. GraderFlags: the
    /// nearest grader_flags, read as the default grader's flags or a custom grader's arguments once the group's grading is known.</summary>
    private sealed record GroupSettings(string OutputValidatorFlags, double? AcceptScore, bool AcceptScoreSetHere, GroupGrading Grading,
        string? GraderFlags = null);

    private sealed partial class Reader(string root, List<ZipArchiveEntry> entries, LimitsRequest? uploadLimits, JudgeOptions options,
        TestDataStaging staging, string field, ValidationErrors errors)
    {
        private readonly Dictionary<string, ZipArchiveEntry> files = new(StringComparer.Ordinal);
        private bool scoring;

        public KattisProblem? Read()
        {
            foreach (var entry in entries)
                AddEntry(entry);
            // A problem.yaml that does not read still leaves the rest of the package to check.
            var config = Yaml("problem.yaml") ?? new YamlMappingNode();

            var version = Scalar(config, "problem_format_version", "problem.yaml") ?? Legacy;
            if (version is not (Legacy or Draft))
                Fault("problem.yaml", $"problem_format_version '{version}' is not supported; use '{Draft}' or leave it out for the legacy format.");
            var name = NameOf(config);
            CheckType(config);
            var limits = LimitsOf(config, version);
            var problemFlags = Scalar(config, "validator_flags", "problem.yaml") ?? "";
            if (version == Draft && problemFlags != "")
                Fault("problem.yaml", "validator_flags is legacy; the 2023-07-draft format sets output_validator_flags in data/testdata.yaml.");
            var validator = ValidatorOf(version);

            var (tests, flags, groupFlags) = TestsOf(problemFlags);
            var grader = GraderOf(version);
            if (tests.Count == 0 && !errors.Any)
                Fault("data", "holds no tests: put N.in/N.ans pairs in data/sample and data/secret.");
            if (tests.Count > options.MaxTests)
                Fault("data", $"holds {tests.Count} tests; at most {options.MaxTests} are accepted.");
            var declared = tests.Sum(t => t.Input.Length + t.Answer.Length);
            if (declared > options.MaxUploadBytes)
                Fault("data", $"unpacks to {declared} bytes; at most {options.MaxUploadBytes} are accepted.");
            if (errors.Any)
                return null;

            var cases = new List<TestCase>(tests.Count);
            foreach (var test in tests)
            {
                var input = ProblemArchive.Stage(test.Input, options.MaxTestFileBytes, staging, field, errors);
                var answer = ProblemArchive.Stage(test.Answer, options.MaxTestFileBytes, staging, field, errors);
                if (input is not null && answer is not null)
                    cases.Add(TestCase.Stored(cases.Count + 1, input, answer, test.Points, test.Group));
            }
            if (errors.Any)
                return null;
            var grading = new ProblemGrading(gradings, grader);
            // A package's own validator takes the flags as its arguments; the checker is then the default one, unused.
            if (validator is not null)
                return new KattisProblem(name, limits, new CheckerRequest("kattis", null, null, null, null), cases, grading,
                    validator with
                    {
                        Arguments = Words(flags),
                        GroupArguments = groupFlags.Count == 0 ? null : groupFlags.ToDictionary(g => g.Key, g => Words(g.Value)),
                    });
            return new KattisProblem(name, limits, new CheckerRequest("kattis", null, null, null, flags), cases, grading,
                GroupFlags: groupFlags.Count == 0 ? null
                    : groupFlags.ToDictionary(g => g.Key, g => KattisValidatorFlags.Parse(g.Value, "", new ValidationErrors())));
        }

        /// <summary>Files by their path in the package; refuses what could reach outside it or is not a plain file.</summary>
        private void AddEntry(ZipArchiveEntry entry)
        {
            if (entry.FullName.Contains('\\') || entry.FullName.StartsWith('/') || entry.FullName.Split('/').Any(part => part is ".." or "."))
                Fault(entry.FullName, "has a path that leaves the package (an absolute path, '..', '.' or a backslash).");
            else if (!entry.FullName.StartsWith(root, StringComparison.Ordinal))
                Fault(entry.FullName, $"is outside the package's one top folder '{root.TrimEnd('/')}'.");
            // The file type bits of a Unix mode, kept in the high half of the external attributes: 0xA000 is a symbolic link.
            else if (((entry.ExternalAttributes >> 16) & 0xF000) == 0xA000)
                Fault(entry.FullName[root.Length..], "is a symbolic link; a package holds plain files only.");
            else if (!entry.FullName.EndsWith('/'))
                files[entry.FullName[root.Length..]] = entry;
        }

        private string? NameOf(YamlMappingNode config)
        {
            if (!config.Children.TryGetValue("name", out var node))
                return root == "" ? null : root.TrimEnd('/');
            switch (node)
            {
                case YamlScalarNode { Value: { } text }:
                    return text;
                case YamlMappingNode byLanguage when byLanguage.Children.Count > 0:
                    var chosen = byLanguage.Children.FirstOrDefault(pair => pair.Key is YamlScalarNode { Value: "en" }).Value
                                 ?? byLanguage.Children[0].Value;
                    if (chosen is YamlScalarNode { Value: { } localized })
                        return localized;
                    break;
            }
            Fault("problem.yaml", "name must be a text or a map from language code to text.");
            return null;
        }

        /// <summary>Pass-fail, scoring and interactive problems; multi-pass and submit-answer are refused until they land.
        /// Custom validation is read by <see cref="ReadValidation"/>.</summary>
        private void CheckType(YamlMappingNode config)
        {
            var types = new List<string>();
            if (config.Children.TryGetValue("type", out var type))
            {
                if (type is YamlScalarNode { Value: { } one })
                    types.Add(one);
                else if (type is YamlSequenceNode many && many.All(t => t is YamlScalarNode { Value: not null }))
                    types.AddRange(many.Cast<YamlScalarNode>().Select(t => t.Value!));
                else
                    Fault("problem.yaml", "type must be a text or a list of texts.");
            }
            foreach (var kind in types)
            {
                if (kind == "scoring")
                    scoring = true;
                else if (kind == "interactive")
                    interactive = true;
                else if (kind is "multi-pass" or "submit-answer")
                    Fault("problem.yaml", $"type '{kind}' is not supported yet: only pass-fail, scoring and interactive problems are.");
                else if (kind != "pass-fail")
                    Fault("problem.yaml", $"type '{kind}' is not a problem type; use pass-fail, scoring or interactive.");
            }

            if (Scalar(config, "validation", "problem.yaml") is { } validation)
                ReadValidation(validation);
        }

        /// <summary>Time from limits.time_limit (2023-07-draft), else .timelimit, else the upload's, else the default;
        /// memory in MiB from limits.memory, else the upload's, else the default.</summary>
        private LimitsRequest LimitsOf(YamlMappingNode config, string version)
        {
            var limits = uploadLimits ?? new LimitsRequest();
            if (!config.Children.TryGetValue("limits", out var node))
                node = new YamlMappingNode();
            if (node is not YamlMappingNode map)
            {
                Fault("problem.yaml", "limits must be a map.");
                return limits;
            }

            double? seconds = null;
            var from = "problem.yaml";
            if (Scalar(map, "time_limit", from) is { } timeLimit)
            {
                if (version != Draft)
                    Fault(from, "limits.time_limit is a 2023-07-draft key; set problem_format_version: 2023-07-draft, or give the legacy .timelimit file.");
                seconds = Seconds(timeLimit, from, "limits.time_limit");
            }
            else if (files.TryGetValue(from = ".timelimit", out var timelimitFile) && Text(timelimitFile, from) is { } text)
                seconds = Seconds(text.Trim(), from, "the time limit");
            if (seconds is { } s)
            {
                var ms = (int)Math.Ceiling(s * 1000);
                if (ms > options.Limits.MaxCpuTimeMs)
                    Fault(from, $"the time limit of {s} s is above the most this Judge allows, {options.Limits.MaxCpuTimeMs} ms.");
                else
                    limits = limits with { CpuTimeMs = ms, WallTimeMs = null };
            }

            if (Scalar(map, "memory", "problem.yaml") is { } memory)
            {
                if (!int.TryParse(memory, NumberStyles.None, CultureInfo.InvariantCulture, out var mib) || mib < 1)
                    Fault("problem.yaml", $"limits.memory must be a whole number of MiB, 1 or more; was '{memory}'.");
                else if ((long)mib * 1024 > options.Limits.MaxMemoryKb)
                    Fault("problem.yaml", $"limits.memory of {mib} MiB is above the most this Judge allows, {options.Limits.MaxMemoryKb / 1024} MiB.");
                else
                    limits = limits with { MemoryKb = mib * 1024 };
            }
            return limits;
        }

        private double? Seconds(string text, string path, string what)
        {
            if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && double.IsFinite(seconds) && seconds > 0)
                return seconds;
            Fault(path, $"{what} must be a number of seconds above zero; was '{text}'.");
            return null;
        }

        private sealed record PackageTest(ZipArchiveEntry Input, ZipArchiveEntry Answer, int Points, string Group);

        private static IReadOnlyList<string> Words(string flags) => flags.Split(' ', StringSplitOptions.RemoveEmptyEntries);

        /// <summary>data/sample, then data/secret, each group's tests and subgroups in one ordinal order of their names
        /// (a subgroup's tests where its name falls). Flags: the validator's flags (problem.yaml's, then the nearest
        /// testdata.yaml's) for the first group of tests; GroupFlags: those of each group of tests judged with others.</summary>
        private (List<PackageTest> Tests, string Flags, Dictionary<string, string> GroupFlags) TestsOf(string problemFlags)
        {
            var tests = new List<PackageTest>();
            // The words of each group that has tests (problem.yaml's, then the group's), by its path under data/.
            var groupWords = new Dictionary<string, string>(StringComparer.Ordinal);
            if (!customValidator)
                KattisValidatorFlags.Parse(problemFlags, $"{field}:problem.yaml", errors);
            var rootSettings = Settings("data", new GroupSettings("", null, false, new GroupGrading("")));
            AddGrading("data", rootSettings, false);
            foreach (var top in new[] { "sample", "secret" })
                Walk($"data/{top}", Settings($"data/{top}", rootSettings with { AcceptScoreSetHere = false }), top == "sample");

            var flags = tests.Count > 0 ? groupWords[tests[0].Group] : problemFlags;
            // Words that say the same (the default validator's flags in another order or spacing) are the same flags.
            var same = customValidator
                ? (Func<string, bool>)(words => Words(words).SequenceEqual(Words(flags)))
                : words => KattisValidatorFlags.Parse(words, "", new ValidationErrors()) == KattisValidatorFlags.Parse(flags, "", new ValidationErrors());
            return (tests, flags, groupWords.Where(g => !same(g.Value)).ToDictionary(g => g.Key, g => g.Value, StringComparer.Ordinal));

            void Walk(string group, GroupSettings settings, bool sample)
            {
                AddGrading(group, settings, sample);
                var prefix = group + "/";
                // Test names and subgroup names in one ordinal order (a test and a group may share a name: the test first).
                var items = new SortedSet<(string Name, bool IsGroup)>(Comparer<(string Name, bool IsGroup)>.Create((a, b) =>
                    string.CompareOrdinal(a.Name, b.Name) is var byName and not 0 ? byName : a.IsGroup.CompareTo(b.IsGroup)));
                foreach (var name in files.Keys.Where(p => p.StartsWith(prefix, StringComparison.Ordinal)).Select(p => p[prefix.Length..]))
                {
                    if (name.Split('/') is [var subgroup, _, ..])
                        items.Add((subgroup, true));
                    else if (name.EndsWith(".in", StringComparison.Ordinal) || name.EndsWith(".ans", StringComparison.Ordinal))
                        items.Add((name[..name.LastIndexOf('.')], false));
                }
                foreach (var (item, isGroup) in items)
                {
                    if (isGroup)
                    {
                        var sub = prefix + item;
                        Walk(sub, Settings(sub, settings with { AcceptScoreSetHere = false }), sample);
                        continue;
                    }
                    var hasInput = files.TryGetValue($"{prefix}{item}.in", out var input);
                    var hasAnswer = files.TryGetValue($"{prefix}{item}.ans", out var answer);
                    if (!hasInput)
                        Fault($"{prefix}{item}.ans", $"has no {item}.in beside it.");
                    else if (!hasAnswer)
                        Fault($"{prefix}{item}.in", $"has no {item}.ans beside it.");
                    else
                    {
                        groupWords[group["data/".Length..]] = $"{problemFlags} {settings.OutputValidatorFlags}".Trim();
                        tests.Add(new PackageTest(input!, answer!, WholePointsOf(settings, sample), group["data/".Length..]));
                    }
                }
            }
        }

        /// <summary>A group's settings: its testdata.yaml over its parent's.</summary>
        private GroupSettings Settings(string group, GroupSettings inherited)
        {
            var path = $"{group}/testdata.yaml";
            if (!files.ContainsKey(path) || Yaml(path) is not { } yaml)
                return inherited;
            var settings = inherited;
            foreach (var (keyNode, value) in yaml.Children)
            {
                var key = (keyNode as YamlScalarNode)?.Value ?? "";
                var text = (value as YamlScalarNode)?.Value;
                if (ReadGradingKey(path, key, value, ref settings))
                    continue; // KattisPackage.Grading.cs
                switch (key)
                {
                    case "output_validator_flags" or "output_validator_args":
                        var args = value is YamlSequenceNode list ? string.Join(' ', list.OfType<YamlScalarNode>().Select(a => a.Value)) : text ?? "";
                        if (!customValidator)
                            KattisValidatorFlags.Parse(args, $"{field}:{path}", errors);
                        settings = settings with { OutputValidatorFlags = args };
                        break;
                    case "accept" or "input_validator_flags" or "input_validator_args" or "static_validation"
                        or "full_feedback" or "input_visualizer_args" or "output_visualizer_args":
                        break; // see docs/problem-packages.md: what these do here
                    default:
                        Fault(path, $"unknown key '{key}'.");
                        break;
                }
            }
            FinishGrading(path, yaml, ref settings);
            return settings;
        }

        private YamlMappingNode? Yaml(string path)
        {
            if (!files.TryGetValue(path, out var entry) || Text(entry, path) is not { } text)
                return null;
            try
            {
                var stream = new YamlStream();
                stream.Load(new StringReader(text));
                if (stream.Documents.Count == 0)
                    return new YamlMappingNode();
                if (stream.Documents[0].RootNode is YamlMappingNode map)
                    return map;
                Fault(path, "must be a YAML map of keys to values.");
            }
            catch (YamlException e)
            {
                Fault(path, $"is not valid YAML (line {e.Start.Line}, column {e.Start.Column}): {e.Message}");
            }
            return null;
        }

        private string? Text(ZipArchiveEntry entry, string path)
        {
            if (entry.Length > MaxYamlBytes)
            {
                Fault(path, $"is {entry.Length} bytes; at most {MaxYamlBytes} are accepted.");
                return null;
            }
            return ProblemArchive.ReadText(entry, MaxYamlBytes, field, errors);
        }

        private string? Scalar(YamlMappingNode map, string key, string path)
        {
            if (!map.Children.TryGetValue(key, out var node))
                return null;
            if (node is YamlScalarNode { Value: { } value })
                return value;
            Fault(path, $"{key} must be a single value.");
            return null;
        }

        private void Fault(string path, string reason) => errors.Add($"{field}:{path}", reason);
    }
}
