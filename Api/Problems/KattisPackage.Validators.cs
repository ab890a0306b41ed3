using System.IO.Compression;
using System.Text.RegularExpressions;
using Judge.Data;

namespace Judge.Api.Problems;

/// <summary>
/// A package's own output validator (legacy <c>output_validators/NAME/</c>, draft <c>output_validator/</c>) and
/// interactive problems: which validator judges, in which language the worker compiles it, and the faults that refuse
/// it. What is read and how it runs is in docs/problem-packages.md.
/// </summary>
public static partial class KattisPackage
{
    /// <summary>A validator's source files in all: testlib.h, the largest header validators bring, is about 200 KiB.</summary>
    public const int MaxValidatorBytes = 1 << 20;

    /// <summary>The worker language each source file extension is compiled as.</summary>
    private static readonly Dictionary<string, string> ValidatorLanguages = new(StringComparer.Ordinal)
    {
        [".c"] = "c",
        [".cpp"] = "cpp17", [".cc"] = "cpp17", [".cxx"] = "cpp17", [".c++"] = "cpp17", [".C"] = "cpp17",
        [".py"] = "python3",
        [".java"] = "java",
    };

    private sealed partial class Reader
    {
        /// <summary>type: interactive (draft and legacy), or legacy validation: custom interactive.</summary>
        private bool interactive;

        /// <summary>Legacy validation: custom (with or without interactive, score).</summary>
        private bool customValidation;

        /// <summary>The package judges with its own validator: its output_validator_flags are the validator's arguments,
        /// not the default validator's flags.</summary>
        private bool customValidator;

        /// <summary>Legacy <c>validation</c>: <c>default</c>, or <c>custom</c> with any of <c>interactive</c>, <c>score</c>.</summary>
        private void ReadValidation(string validation)
        {
            var words = validation.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            if (words is ["default"])
                return;
            if (words.FirstOrDefault() != "custom" || words.Skip(1).Any(w => w is not ("interactive" or "score")))
            {
                Fault("problem.yaml", $"validation '{validation}' is not one the format defines; use default, custom, custom interactive or custom score.");
                return;
            }
            customValidation = true;
            interactive |= words.Contains("interactive");
        }

        /// <summary>The one validator program of the package, or null for the default output validator. Call after the
        /// problem's type and validation are read, and before its tests.</summary>
        private KattisValidator? ValidatorOf(string version)
        {
            // Legacy: output_validators/NAME/... (or one file directly in it); draft: output_validator/ is the program.
            var programs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var path in files.Keys)
            {
                string? program = null;
                if (path.StartsWith("output_validators/", StringComparison.Ordinal))
                    program = path.Split('/') is [_, var name, _, ..] ? $"output_validators/{name}" : path;
                else if (path.StartsWith("output_validator/", StringComparison.Ordinal))
                    program = "output_validator";
                if (program is not null)
                    (programs.TryGetValue(program, out var list) ? list : programs[program] = []).Add(path);
            }

            var legacyCustom = version != Draft && customValidation;
            if (programs.Count == 0)
            {
                if (interactive)
                    Fault("problem.yaml", "an interactive problem needs its validator: put it in output_validators/NAME/ (legacy) or output_validator/.");
                else if (legacyCustom)
                    Fault("problem.yaml", "validation is custom, but the package has no output_validators/NAME/ folder with the validator.");
                return null;
            }
            if (version != Draft && !customValidation)
            {
                Fault(programs.Keys.First(), "is an output validator, but problem.yaml's validation is default: set validation: custom " +
                    "(custom interactive for an interactive problem), or remove the validator.");
                return null;
            }
            // Several: each after the first is a fault, and the first is still read for its own.
            foreach (var program in programs.Keys.Skip(1))
                Fault(program, $"is a second output validator beside {programs.Keys.First()}; a package has one.");

            customValidator = true;
            var (folder, paths) = programs.First();
            return ProgramOf(folder, paths);
        }

        /// <summary>A validator's files (or a grader's: <paramref name="role"/> names which in faults), and the language they
        /// are compiled as, from their extensions.</summary>
        private KattisValidator? ProgramOf(string folder, List<string> paths, string role = "validator")
        {
            // A legacy program that is one file directly in output_validators/ (graders/) is its own folder.
            var prefix = paths is [var single] && single == folder ? folder[..(folder.LastIndexOf('/') + 1)] : folder + "/";
            var validatorFiles = new List<ValidatorFile>();
            long total = 0;
            foreach (var path in paths.Order(StringComparer.Ordinal))
            {
                var name = path[prefix.Length..];
                if (name.Contains('/'))
                {
                    Fault(path, $"is in a folder inside the {role}; a {role}'s files lie directly in its folder.");
                    continue;
                }
                if (!ValidatorFileName().IsMatch(name))
                {
                    Fault(path, $"has a name the {role}'s files may not have: letters, digits, '_', '.', '+' and '-', not first '.', '+' or '-'.");
                    continue;
                }
                if (name is "build" or "run")
                {
                    Fault(path, $"{role}s built or run by their own build/run script are not supported: the worker cannot know which " +
                        $"toolchain such a script needs in the sandbox. Give the {role}'s C, C++, Python 3 or Java source instead.");
                    continue;
                }
                var entry = files[path];
                total += entry.Length;
                if (total > MaxValidatorBytes)
                {
                    Fault(path, $"makes the {role}'s files larger than {MaxValidatorBytes} bytes in all.");
                    return null;
                }
                if (ProblemArchive.ReadText(entry, MaxValidatorBytes, $"{field}:{path}", errors) is { } content)
                    validatorFiles.Add(new ValidatorFile(name, content));
            }

            var languages = validatorFiles.Select(f => ValidatorLanguages.GetValueOrDefault(Path.GetExtension(f.Name))).OfType<string>().Distinct().ToList();
            if (languages.Count != 1)
            {
                Fault(folder, languages.Count == 0
                    ? $"holds no {role} source: give .c, .cpp/.cc, .py or .java files."
                    : $"holds sources of several languages ({string.Join(", ", languages)}); a {role} is written in one.");
                return null;
            }
            var language = languages[0];
            var main = language switch
            {
                "python3" => PythonMain(folder, validatorFiles, role),
                "java" => JavaMain(folder, validatorFiles, role),
                _ => null,
            };
            if (language is "python3" or "java" && main is null)
                return null;
            return new KattisValidator(folder, language, interactive, scoring, validatorFiles, [], main);
        }

        /// <summary>The one .py file; of several, the one named after the folder, or validator.py (grader.py), or main.py.</summary>
        private string? PythonMain(string folder, List<ValidatorFile> validatorFiles, string role)
        {
            var scripts = validatorFiles.Where(f => f.Name.EndsWith(".py", StringComparison.Ordinal)).Select(f => f.Name).ToList();
            if (scripts is [var one])
                return one;
            var byName = new[] { Path.GetFileName(folder) + ".py", $"{role}.py", "main.py" }.FirstOrDefault(scripts.Contains);
            if (byName is null)
                Fault(folder, $"holds several Python files ({string.Join(", ", scripts)}): name the one to run {role}.py.");
            return byName;
        }

        /// <summary>The class whose file has <c>static void main</c>, in the default package.</summary>
        private string? JavaMain(string folder, List<ValidatorFile> validatorFiles, string role)
        {
            var sources = validatorFiles.Where(f => f.Name.EndsWith(".java", StringComparison.Ordinal)).ToList();
            foreach (var source in sources.Where(s => PackageDeclaration().IsMatch(s.Content)))
                Fault($"{folder}/{source.Name}", $"declares a package; the {role}'s classes must be in the default package.");
            var mains = sources.Where(s => MainMethod().IsMatch(s.Content)).Select(s => Path.GetFileNameWithoutExtension(s.Name)).ToList();
            if (mains is [var main] && !JavaClassName().IsMatch(main))
                Fault($"{folder}/{main}.java", "is not named as a Java class: the file holding main is named after its class.");
            else if (mains.Count == 1)
                return mains[0];
            else
                Fault(folder, mains.Count == 0
                    ? "has no Java class with a main method."
                    : $"has several Java classes with a main method ({string.Join(", ", mains)}); one must be the {role}.");
            return null;
        }
    }

    [GeneratedRegex(@"^\s*package\s+[\w.]+\s*;", RegexOptions.Multiline)]
    private static partial Regex PackageDeclaration();

    [GeneratedRegex(@"static\s+(public\s+)?void\s+main\s*\(")]
    private static partial Regex MainMethod();

    /// <summary>What the worker accepts as a validator's (or grader's) file name (it passes the names to the compiler).</summary>
    [GeneratedRegex(@"^[A-Za-z0-9_][A-Za-z0-9_.+\-]*$")]
    private static partial Regex ValidatorFileName();

    [GeneratedRegex(@"^[A-Za-z_$][A-Za-z0-9_$]*$")]
    private static partial Regex JavaClassName();
}
