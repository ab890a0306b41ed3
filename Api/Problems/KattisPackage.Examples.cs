using Judge.Api.Validation;

namespace Judge.Api.Problems;

/// <summary>An example submission of a package (<c>submissions/accepted/sum.py</c>), stored at upload and judged on demand
/// (<see cref="VerifyApi"/>): it must get <see cref="Expected"/>, the verdict of the folder it sits in. One that cannot be
/// judged here has no language and says why in <see cref="Skipped"/>.</summary>
/// <param name="Expected">AC, WA, TLE, RE, or <see cref="KattisPackage.Rejected"/> (any verdict but AC).</param>
public sealed record ProblemExample(string Path, string Expected, string? Language, string? FileName, string? Content, string? Skipped);

public static partial class KattisPackage
{
    /// <summary>The expected verdict of <c>submissions/rejected/</c>: any but AC.</summary>
    public const string Rejected = "rejected";

    /// <summary>Most examples judged per problem; the rest are kept as skipped.</summary>
    public const int MaxExamples = 100;

    /// <summary>The folders of <c>submissions/</c> (legacy and 2023-07-draft) and the verdict each asks for.</summary>
    private static readonly Dictionary<string, string> ExampleVerdicts = new(StringComparer.Ordinal)
    {
        ["accepted"] = "AC",
        ["wrong_answer"] = "WA",
        ["time_limit_exceeded"] = "TLE",
        ["run_time_error"] = "RE",
        ["rejected"] = Rejected,
    };

    /// <summary>The language an example is judged in, by its file's extension: the languages of the format's list that
    /// Judge has (docs/languages.md).</summary>
    private static readonly Dictionary<string, string> ExampleLanguages = new(StringComparer.Ordinal)
    {
        [".c"] = "c",
        [".cpp"] = "cpp17", [".cc"] = "cpp17", [".cxx"] = "cpp17", [".c++"] = "cpp17", [".C"] = "cpp17",
        [".py"] = "python3", [".py3"] = "python3",
        [".java"] = "java",
        [".js"] = "javascript",
        [".rs"] = "rust",
        [".pas"] = "pascal",
        [".sh"] = "bash",
        [".go"] = "go",
        [".rb"] = "ruby",
        [".kt"] = "kotlin",
        [".hs"] = "haskell",
        [".cs"] = "csharp",
        [".php"] = "php",
        [".lua"] = "lua",
        [".ml"] = "ocaml",
        [".scala"] = "scala",
    };

    private sealed partial class Reader
    {
        /// <summary>Every file under <c>submissions/</c>, in path order: an example to judge, or a skipped one with its reason.
        /// Nothing here refuses the package: an example that cannot be judged is kept with its reason, so that
        /// <c>GET /problems/{id}/verify</c> says what was left out.</summary>
        private List<ProblemExample> ExamplesOf()
        {
            var examples = new List<ProblemExample>();
            foreach (var path in files.Keys.Where(p => p.StartsWith("submissions/", StringComparison.Ordinal)).Order(StringComparer.Ordinal))
            {
                var parts = path.Split('/');
                if (parts.Length < 3 || !ExampleVerdicts.TryGetValue(parts[1], out var expected))
                {
                    examples.Add(Skip(path, "", $"is not in a folder of submissions/ that names a verdict ({string.Join(", ", ExampleVerdicts.Keys)})."));
                    continue;
                }
                if (parts.Length > 3)
                {
                    examples.Add(Skip(path, expected, "is a file of a submission of several files (a folder): those are not judged yet."));
                    continue;
                }
                var name = parts[2];
                if (!ExampleLanguages.TryGetValue(Path.GetExtension(name), out var language))
                {
                    examples.Add(Skip(path, expected, $"has an extension no language here is known by ({string.Join(" ", ExampleLanguages.Keys)})."));
                    continue;
                }
                if (Judge.Data.FileNames.Problem(name) is { } badName)
                {
                    examples.Add(Skip(path, expected, $"has a name a submission's file may not have: {badName}"));
                    continue;
                }
                if (examples.Count(e => e.Skipped is null) >= MaxExamples)
                {
                    examples.Add(Skip(path, expected, $"is past the first {MaxExamples} examples, the most judged per problem."));
                    continue;
                }
                var reasons = new ValidationErrors();
                var content = ProblemArchive.ReadText(files[path], options.MaxSourceBytes, path, reasons);
                if (content is null)
                {
                    examples.Add(Skip(path, expected, string.Join(" ", reasons.ToDictionary().Values.SelectMany(r => r))));
                    continue;
                }
                examples.Add(new ProblemExample(path, expected, language, name, content, null));
            }
            return examples;
        }

        private static ProblemExample Skip(string path, string expected, string reason) => new(path, expected, null, null, null, reason);
    }
}
