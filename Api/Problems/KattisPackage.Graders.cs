using Judge.Data;

namespace Judge.Api.Problems;

/// <summary>A legacy package's custom grader (<c>graders/NAME/</c>, or one file in <c>graders/</c>): the program that grades
/// the groups whose testdata.yaml says <c>grading: custom</c> (docs/problem-packages.md, "Scores").</summary>
public static partial class KattisPackage
{
    private sealed partial class Reader
    {
        /// <summary>The one grader program of the package, read as an output validator's files are; null when no group is
        /// graded custom. Call after the tests are walked (their gradings say which groups are custom).</summary>
        private KattisValidator? GraderOf(string version)
        {
            var programs = new SortedDictionary<string, List<string>>(StringComparer.Ordinal);
            foreach (var path in files.Keys.Where(p => p.StartsWith("graders/", StringComparison.Ordinal)))
            {
                var program = path.Split('/') is [_, var name, _, ..] ? $"graders/{name}" : path;
                (programs.TryGetValue(program, out var list) ? list : programs[program] = []).Add(path);
            }

            var custom = gradings.FirstOrDefault(g => g.Custom);
            var where = custom is null ? "" : custom.Group == "" ? "data/testdata.yaml" : $"data/{custom.Group}/testdata.yaml";
            if (custom is not null && version == Draft)
            {
                Fault(where, "says grading: custom, which is legacy: the 2023-07-draft format has no custom graders.");
                return null;
            }
            if (custom is null)
            {
                // A grader nothing runs is most likely a testdata.yaml that forgot to say so: better told than ignored.
                if (programs.Count > 0)
                    Fault(programs.Keys.First(), "is a grader, but no testdata.yaml says grading: custom: set it for the groups it grades, or remove the grader.");
                return null;
            }
            if (programs.Count == 0)
            {
                Fault(where, "says grading: custom, but the package has no graders/NAME/ folder with the grader.");
                return null;
            }
            // problemtools runs every grader in turn and keeps the last one's answer; one grader says the same plainly.
            foreach (var program in programs.Keys.Skip(1))
                Fault(program, $"is a second grader beside {programs.Keys.First()}; a package has one.");

            var (folder, paths) = programs.First();
            return ProgramOf(folder, paths, "grader") is { } grader ? grader with { Interactive = false, Scoring = false } : null;
        }
    }
}
