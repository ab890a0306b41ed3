using Judge.Data;
using YamlDotNet.RepresentationModel;

namespace Judge.Api.Problems;

/// <summary>
/// A package's input validators (legacy <c>input_validators/NAME/</c>, or one file directly in <c>input_validators/</c>;
/// draft <c>input_validator/</c>): read like its output validator (same languages, same faults), with their arguments by
/// test group. The Api only reads and stores them; a worker runs them on every test before the upload is answered
/// (<see cref="InputValidation"/>). What is read is in docs/problem-packages.md.
/// </summary>
public static partial class KattisPackage
{
    private sealed partial class Reader
    {
        /// <summary>The problem with its input validators and example submissions (KattisPackage.Examples.cs), or null
        /// with every fault of the package, these included.</summary>
        public KattisProblem? ReadWithSelfChecks()
        {
            var problem = Read();
            var validators = InputValidatorPrograms();
            var examples = ExamplesOf();
            if (problem is null || errors.Any)
                return null;
            var inputValidators = validators.Count == 0 ? null : new InputValidators(validators, InputValidatorArguments(problem.Tests));
            return errors.Any ? null : problem with
            {
                InputValidators = inputValidators,
                Examples = examples,
                TestFiles = inputValidators is null ? null : TestFilesOf(problem.Tests),
            };
        }

        /// <summary>Every input validator of the package, in the ordinal order of their folders.</summary>
        private List<KattisValidator> InputValidatorPrograms()
        {
            var programs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var path in files.Keys)
            {
                string? program = null;
                if (path.StartsWith("input_validators/", StringComparison.Ordinal))
                    program = path.Split('/') is [_, var name, _, ..] ? $"input_validators/{name}" : path;
                else if (path.StartsWith("input_validator/", StringComparison.Ordinal))
                    program = "input_validator";
                if (program is not null)
                    (programs.TryGetValue(program, out var list) ? list : programs[program] = []).Add(path);
            }
            var validators = new List<KattisValidator>();
            foreach (var (folder, paths) in programs)
            {
                if (paths.All(p => p.EndsWith(".ctd", StringComparison.Ordinal) || p.EndsWith(".viva", StringComparison.Ordinal)))
                {
                    Fault(folder, "checktestdata (.ctd) and VIVA (.viva) input validators are not supported: give the validator's C, C++, " +
                        "Python 3 or Java source instead.");
                    continue;
                }
                if (ProgramOf(folder, paths) is { } validator)
                    validators.Add(validator with { Interactive = false, Scoring = false });
            }
            return validators;
        }

        /// <summary>Each group's arguments: the nearest testdata.yaml's <c>input_validator_flags</c> (legacy) or
        /// <c>input_validator_args</c> (draft: a text or a list), from the group up to <c>data</c>.</summary>
        private Dictionary<string, IReadOnlyList<string>> InputValidatorArguments(IReadOnlyList<TestCase> tests)
        {
            var arguments = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
            foreach (var group in tests.Select(t => t.Group).OfType<string>().Distinct(StringComparer.Ordinal))
            {
                for (var folder = $"data/{group}"; ; folder = folder[..folder.LastIndexOf('/')])
                {
                    if (files.ContainsKey($"{folder}/testdata.yaml") && Yaml($"{folder}/testdata.yaml") is { } yaml && ArgumentsIn(yaml, $"{folder}/testdata.yaml") is { } found)
                    {
                        if (found.Count > 0)
                            arguments[group] = found;
                        break;
                    }
                    if (folder == "data")
                        break;
                }
            }
            return arguments;
        }

        private List<string>? ArgumentsIn(YamlMappingNode yaml, string path)
        {
            foreach (var key in new[] { "input_validator_flags", "input_validator_args" })
            {
                if (!yaml.Children.TryGetValue(key, out var value))
                    continue;
                switch (value)
                {
                    case YamlScalarNode { Value: var text }:
                        return [.. (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries)];
                    case YamlSequenceNode list when list.All(a => a is YamlScalarNode { Value: not null }):
                        return [.. list.Cast<YamlScalarNode>().Select(a => a.Value!)];
                    default:
                        Fault(path, $"{key} must be a text or a list of texts; arguments for each input validator by name are not supported yet.");
                        return [];
                }
            }
            return null;
        }

        /// <summary>Each test's input file in the package, by its index: a group's tests are its <c>NAME.in</c> files in the
        /// ordinal order of their names (the order the tests are read in), so the k-th test of a group is its k-th file.</summary>
        private Dictionary<int, string> TestFilesOf(IReadOnlyList<TestCase> tests)
        {
            var byGroup = new Dictionary<string, Queue<string>>(StringComparer.Ordinal);
            var paths = new Dictionary<int, string>();
            foreach (var test in tests)
            {
                if (test.Group is not { } group)
                    continue;
                if (!byGroup.TryGetValue(group, out var queue))
                {
                    var prefix = $"data/{group}/";
                    byGroup[group] = queue = new Queue<string>(files.Keys
                        .Where(p => p.StartsWith(prefix, StringComparison.Ordinal) && p.EndsWith(".in", StringComparison.Ordinal) && !p[prefix.Length..].Contains('/')
                            && files.ContainsKey(p[..^".in".Length] + ".ans"))
                        .Select(p => p[prefix.Length..^".in".Length])
                        .Order(StringComparer.Ordinal)
                        .Select(name => $"{prefix}{name}.in"));
                }
                if (queue.TryDequeue(out var path))
                    paths[test.Index] = path;
            }
            return paths;
        }
    }
}
