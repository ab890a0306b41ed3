using System.Text;
using Judge.Api.Submissions;
using Judge.Data;

namespace Judge.Api.Validation;

/// <summary>The files of a submission or of a grader: names (<see cref="FileNames"/>), no duplicates, storable text, at most
/// <see cref="FileNames.MaxFiles"/>. Their size together is <see cref="SizeRules"/>' (413).</summary>
public static class FileRules
{
    public static IReadOnlyList<SubmissionFile> Resolve(IReadOnlyList<SubmissionFileRequest?> requested, string field, ValidationErrors errors)
    {
        if (requested.Count == 0)
        {
            errors.Add(field, "Give at least one file.");
            return [];
        }
        if (requested.Count > FileNames.MaxFiles)
        {
            errors.Add(field, $"Has {requested.Count} files; at most {FileNames.MaxFiles} are accepted.");
            return [];
        }
        var files = new List<SubmissionFile>(requested.Count);
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < requested.Count; i++)
        {
            var at = $"{field}[{i}]";
            if (requested[i] is not { } file)
            {
                errors.Add(at, "Must be an object with name and content.");
                continue;
            }
            if (FileNames.Problem(file.Name) is { } problem)
                errors.Add($"{at}.name", problem);
            else if (FileNames.Reserved.Contains(file.Name!))
                errors.Add($"{at}.name", $"'{file.Name}' is reserved: a grader writes it.");
            else if (!seen.Add(file.Name!))
                errors.Add($"{at}.name", $"'{file.Name}' is given twice.");
            if (file.Content is null)
                errors.Add($"{at}.content", "Is required (it may be empty).");
            else
                TextRules.CheckStorable(file.Content, $"{at}.content", errors);
            files.Add(new SubmissionFile(file.Name ?? "", file.Content ?? ""));
        }
        return files;
    }

    /// <summary>What the files' contents add up to, in UTF-8 bytes.</summary>
    public static long Bytes(IReadOnlyList<SubmissionFileRequest?>? files) =>
        files?.Sum(f => f?.Content is null ? 0L : Encoding.UTF8.GetByteCount(f.Content)) ?? 0;
}
