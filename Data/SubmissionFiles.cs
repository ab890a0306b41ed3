namespace Judge.Data;

/// <summary>One file of a submission of several files (a row of <c>submission_files</c>), or of a grader problem's own files.</summary>
public sealed record SubmissionFile(string Name, string Content);

/// <summary>
/// Which file names a box accepts, for a submission's files and a grader's alike. The Api refuses other names (400); the
/// Worker checks again before writing, since a name becomes a file in a directory and an argument to a compiler. A name is
/// one plain file name, no folders: letters, digits and <c>. _ - +</c>, not starting with <c>-</c> or <c>.</c> (so it is
/// never an option, never <c>..</c> and never hidden), at most <see cref="MaxNameLength"/> characters.
/// </summary>
public static class FileNames
{
    public const int MaxNameLength = 100;

    /// <summary>Most files in one submission or one grader.</summary>
    public const int MaxFiles = 64;

    /// <summary>Names the sandbox gives meaning to, which a submission must not bring: the grader's results.</summary>
    public static readonly IReadOnlySet<string> Reserved = new HashSet<string>(StringComparer.Ordinal) { "results.json" };

    /// <summary>Null when <paramref name="name"/> is acceptable, else why not.</summary>
    public static string? Problem(string? name)
    {
        if (string.IsNullOrEmpty(name))
            return "A file name is required.";
        if (name.Length > MaxNameLength)
            return $"Is {name.Length} characters; at most {MaxNameLength} are accepted.";
        if (name.Contains('/') || name.Contains('\\'))
            return "Must be a plain file name: no folders, no absolute paths.";
        if (name is "." or ".." || name.Contains(".."))
            return "Must not contain '..'.";
        if (name[0] is '-' or '.')
            return "Must not start with '-' or '.'.";
        if (name.FirstOrDefault(c => !IsAllowed(c)) is var bad && bad != default)
            return char.IsControl(bad)
                ? "Must not contain control characters."
                : $"Must use only letters, digits and . _ - + (not '{bad}').";
        return null;
    }

    private static bool IsAllowed(char c) => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '+';

    /// <summary>The file's extension with its dot (<c>.cpp</c>), or "" without one.</summary>
    public static string Extension(string name) => Path.GetExtension(name);
}
