using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Problems;

/// <summary>An example submission of a package (<c>submissions/accepted/sum.py</c>), stored at upload and judged on demand
/// (<see cref="VerifyApi"/>): it must get <see cref="Expected"/>, the verdict of the folder it sits in. One that cannot be
/// judged here has no language and says why in <see cref="Skipped"/>.</summary>
/// <param name="Expected">AC, WA, TLE, RE, or <see cref="KattisPackage.Rejected"/> (any verdict but AC).</param>
/// <param name="Files">A folder's files (<c>submissions/accepted/mysol/</c>), judged as one submission of several files;
/// then <paramref name="FileName"/> and <paramref name="Content"/> are null.</param>
public sealed record ProblemExample(string Path, string Expected, string? Language, string? FileName, string? Content, string? Skipped,
    IReadOnlyList<SubmissionFile>? Files = null);

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
        /// A folder inside a verdict folder (<c>submissions/accepted/mysol/</c>) is one example of several files.
        /// Nothing here refuses the package: an example that cannot be judged is kept with its reason, so that
        /// <c>GET /problems/{id}/verify</c> says what was left out.</summary>
        private List<ProblemExample> ExamplesOf()
        {
            var examples = new List<ProblemExample>();
            var paths = files.Keys.Where(p => p.StartsWith("submissions/", StringComparison.Ordinal)).Order(StringComparer.Ordinal);
            foreach (var group in paths.GroupBy(ExamplePathOf, StringComparer.Ordinal))
            {
                var path = group.Key;
                var parts = path.Split('/');
                if (parts.Length < 3 || !ExampleVerdicts.TryGetValue(parts[1], out var expected))
                {
                    examples.Add(Skip(path, "", $"is not in a folder of submissions/ that names a verdict ({string.Join(", ", ExampleVerdicts.Keys)})."));
                    continue;
                }
                var folderPaths = group.ToList();
                var isFolder = folderPaths.Any(p => p.Length > path.Length);
                var reason = isFolder ? FolderFault(path, folderPaths) : FileFault(parts[2]);
                if (reason is null && examples.Count(e => e.Skipped is null) >= MaxExamples)
                    reason = $"is past the first {MaxExamples} examples, the most judged per problem.";
                if (reason is not null)
                {
                    examples.Add(Skip(path, expected, reason));
                    continue;
                }
                examples.Add(isFolder ? ReadFolder(path, expected, folderPaths) : ReadFile(path, expected));
            }
            return examples;
        }

        /// <summary>The example a file under submissions/ belongs to: itself, or the folder inside its verdict folder.</summary>
        private static string ExamplePathOf(string path)
        {
            var parts = path.Split('/');
            return parts.Length > 3 && ExampleVerdicts.ContainsKey(parts[1]) ? string.Join('/', parts[..3]) : path;
        }

        /// <summary>Why a file directly in a verdict folder cannot be judged here; null when it can.</summary>
        private static string? FileFault(string name)
        {
            if (!ExampleLanguages.ContainsKey(Path.GetExtension(name)))
                return $"has an extension no language here is known by ({string.Join(" ", ExampleLanguages.Keys)}).";
            if (FileNames.Problem(name) is { } badName)
                return $"has a name a submission's file may not have: {badName}";
            return null;
        }

        private ProblemExample ReadFile(string path, string expected)
        {
            var reasons = new ValidationErrors();
            var content = ProblemArchive.ReadText(files[path], options.MaxSourceBytes, path, reasons);
            if (content is null)
                return Skip(path, expected, ReasonsOf(reasons));
            var name = Path.GetFileName(path);
            return new ProblemExample(path, expected, ExampleLanguages[Path.GetExtension(name)], name, content, null);
        }

        /// <summary>Why a folder of files cannot be judged here as one submission; null when it can. Its language is its
        /// sources' (files whose extension names a language), which must agree; other files (headers) go along.</summary>
        private static string? FolderFault(string folder, List<string> paths)
        {
            var names = paths.Select(p => p.Length > folder.Length ? p[(folder.Length + 1)..] : "").ToList();
            if (names.Contains(""))
                return "is both a file and a folder in the package.";
            if (names.FirstOrDefault(n => n.Contains('/')) is { } nested)
                return $"is a folder with folders inside ({nested}): an example of several files is one flat folder.";
            if (names.Count > FileNames.MaxFiles)
                return $"holds {names.Count} files; a submission has at most {FileNames.MaxFiles}.";
            foreach (var name in names)
            {
                if (FileNames.Problem(name) is { } badName)
                    return $"holds {name}, a name a submission's file may not have: {badName}";
                if (FileNames.Reserved.Contains(name))
                    return $"holds {name}, a name reserved for a grader's results.";
            }
            var languages = names.Where(n => ExampleLanguages.ContainsKey(Path.GetExtension(n)))
                .Select(n => (Name: n, Language: ExampleLanguages[Path.GetExtension(n)])).ToList();
            if (languages.Count == 0)
                return $"holds no source file of a language known here ({string.Join(" ", ExampleLanguages.Keys)}).";
            if (languages.Select(l => l.Language).Distinct().Count() > 1)
                return $"holds sources of several languages ({string.Join(", ", languages.Select(l => $"{l.Name}: {l.Language}"))}); " +
                    "an example's sources must all be in one.";
            return null;
        }

        /// <summary>A folder as one submission of several files (judged only where a worker builds its language from several
        /// files: <see cref="VerifyApi"/>). Its files together are held to <see cref="JudgeOptions.MaxSourceBytes"/>, as a
        /// submission's are.</summary>
        private ProblemExample ReadFolder(string folder, string expected, List<string> paths)
        {
            var declared = paths.Sum(p => files[p].Length);
            if (declared > options.MaxSourceBytes)
                return Skip(folder, expected, $"holds {declared} bytes of files; at most {options.MaxSourceBytes} are accepted together.");
            var reasons = new ValidationErrors();
            var folderFiles = new List<SubmissionFile>();
            long bytes = 0;
            foreach (var path in paths)
            {
                // What is left of the folder's bytes: a zip's sizes are the uploader's word, ReadText counts what comes out.
                var content = ProblemArchive.ReadText(files[path], options.MaxSourceBytes - bytes, path, reasons);
                if (content is null)
                    return Skip(folder, expected, ReasonsOf(reasons));
                bytes += System.Text.Encoding.UTF8.GetByteCount(content);
                folderFiles.Add(new SubmissionFile(Path.GetFileName(path), content));
            }
            var language = folderFiles.Select(f => Path.GetExtension(f.Name)).First(ExampleLanguages.ContainsKey);
            return new ProblemExample(folder, expected, ExampleLanguages[language], null, null, null, folderFiles);
        }

        private static string ReasonsOf(ValidationErrors reasons) => string.Join(" ", reasons.ToDictionary().Values.SelectMany(r => r));

        private static ProblemExample Skip(string path, string expected, string reason) => new(path, expected, null, null, null, reason);
    }
}
