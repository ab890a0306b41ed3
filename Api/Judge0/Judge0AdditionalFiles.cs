using System.IO.Compression;
using System.Text;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Judge0;

/// <summary>
/// Judge0's <c>additional_files</c>: a Base64 zip whose files go into the box beside the program. Here they become the
/// other files of a submission of several files (docs/languages.md, "Several files"), so the language must take several;
/// the program's own file is the entry that runs. Read in memory with the same rules as any submission's files: plain
/// names (no folders), UTF-8 text, no more than <see cref="FileNames.MaxFiles"/>, within the source size limit.
/// </summary>
public static class Judge0AdditionalFiles
{
    private const string Field = "additional_files";

    /// <returns>The program's file followed by the zip's; null with the reasons in <paramref name="errors"/>.</returns>
    public static IReadOnlyList<SubmissionFile>? Read(string base64, string source, Judge0LiveLanguage language, int maxBytes, ValidationErrors errors)
    {
        if (!language.MultiFile || language.SourceFile is not { } sourceFile)
        {
            errors.Add(Field, $"{language.Name} takes one file only here, so it cannot have additional files");
            return null;
        }
        byte[] zip;
        try
        {
            zip = Convert.FromBase64String(base64.Replace("\n", "").Replace("\r", ""));
        }
        catch (FormatException)
        {
            errors.Add(Field, "must be a Base64 encoded zip");
            return null;
        }
        if (zip.Length > maxBytes)
        {
            errors.Add(Field, $"is too long (maximum is {maxBytes} bytes)");
            return null;
        }

        var files = new List<SubmissionFile> { new(sourceFile, source) };
        long total = Encoding.UTF8.GetByteCount(source);
        try
        {
            using var archive = new ZipArchive(new MemoryStream(zip), ZipArchiveMode.Read);
            foreach (var entry in archive.Entries.Where(e => !e.FullName.EndsWith('/')))
            {
                if (FileNames.Problem(entry.FullName) is { } problem)
                    errors.Add(Field, $"'{entry.FullName}': {problem}");
                else if (entry.FullName == sourceFile || FileNames.Reserved.Contains(entry.FullName))
                    errors.Add(Field, $"'{entry.FullName}' is a name the program's own file or the judge uses");
                else if (Read(entry, maxBytes - total) is not { } bytes)
                {
                    // Counted as it unpacks, not by what the zip declares.
                    errors.Add(Field, $"unpacks to more than {maxBytes} bytes");
                    break;
                }
                else if (Text(bytes) is { } text)
                {
                    total += bytes.Length;
                    files.Add(new SubmissionFile(entry.FullName, text));
                }
                else
                    errors.Add(Field, $"'{entry.FullName}' is not UTF-8 text without NUL bytes, which is all a box is given here");
            }
        }
        catch (InvalidDataException)
        {
            errors.Add(Field, "must be a Base64 encoded zip");
            return null;
        }
        if (files.Count > FileNames.MaxFiles)
            errors.Add(Field, $"holds {files.Count - 1} files; at most {FileNames.MaxFiles - 1} are accepted");
        return errors.Has(Field) ? null : files;
    }

    /// <summary>The entry's bytes, or null when it holds more than <paramref name="limit"/>.</summary>
    private static byte[]? Read(ZipArchiveEntry entry, long limit)
    {
        using var stream = entry.Open();
        using var bytes = new MemoryStream();
        var buffer = new byte[81920];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            if (bytes.Length + read > limit)
                return null;
            bytes.Write(buffer, 0, read);
        }
        return bytes.ToArray();
    }

    private static string? Text(byte[] bytes)
    {
        try
        {
            var text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
            return text.Contains('\0') ? null : text;
        }
        catch (DecoderFallbackException)
        {
            return null;
        }
    }
}
