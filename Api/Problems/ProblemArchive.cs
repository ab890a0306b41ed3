using System.IO.Compression;
using System.Text;
using System.Text.RegularExpressions;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Problems;

/// <summary>
/// Reads a zip of <c>N.in</c>/<c>N.out</c> pairs (at the top or in any folder) into tests ordered by N.
/// Every pair must be complete; sizes are checked before and while unpacking, so a zip bomb stops at the limit. The files
/// are any bytes, staged on disk as they are unpacked (<see cref="TestDataStaging"/>).
/// </summary>
public static partial class ProblemArchive
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static IReadOnlyList<TestCase> Read(Stream zip, JudgeOptions options, TestDataStaging staging, string field, ValidationErrors errors)
    {
        ZipArchive archive;
        try
        {
            archive = new ZipArchive(zip, ZipArchiveMode.Read, leaveOpen: true);
        }
        // A few bytes that begin like a zip make ZipArchive seek before the start of the upload's stream,
        // which that stream answers with ArgumentOutOfRangeException (found by FuzzTests).
        catch (Exception e) when (e is InvalidDataException or ArgumentOutOfRangeException or EndOfStreamException)
        {
            errors.Add(field, "Is not a zip archive.");
            return [];
        }
        using (archive)
        {
            var inputs = new SortedDictionary<int, ZipArchiveEntry>();
            var outputs = new SortedDictionary<int, ZipArchiveEntry>();
            foreach (var entry in archive.Entries.Where(e => !IsIgnorable(e)))
            {
                var match = TestFileName().Match(entry.Name);
                if (!match.Success)
                {
                    errors.Add(field, $"Unexpected entry '{entry.FullName}': only N.in and N.out files are accepted.");
                    continue;
                }
                var number = int.Parse(match.Groups["n"].Value);
                var kind = match.Groups["kind"].Value;
                if (!(kind == "in" ? inputs : outputs).TryAdd(number, entry))
                    errors.Add(field, $"Test {number} has more than one {number}.{kind}.");
            }

            foreach (var number in inputs.Keys.Except(outputs.Keys))
                errors.Add(field, $"Test {number}: {number}.in has no {number}.out.");
            foreach (var number in outputs.Keys.Except(inputs.Keys))
                errors.Add(field, $"Test {number}: {number}.out has no {number}.in.");
            if (inputs.Count == 0 && outputs.Count == 0)
                errors.Add(field, "Holds no N.in/N.out pairs.");
            if (inputs.Count > options.MaxTests)
                errors.Add(field, $"Holds {inputs.Count} tests; at most {options.MaxTests} are accepted.");
            var declared = inputs.Values.Concat(outputs.Values).Sum(e => e.Length);
            if (declared > options.MaxUploadBytes)
                errors.Add(field, $"Unpacks to {declared} bytes; at most {options.MaxUploadBytes} are accepted.");
            if (errors.Any)
                return [];

            var tests = new List<TestCase>(inputs.Count);
            foreach (var (number, inputEntry) in inputs)
            {
                var input = Stage(inputEntry, options.MaxTestFileBytes, staging, field, errors);
                var answer = Stage(outputs[number], options.MaxTestFileBytes, staging, field, errors);
                if (input is not null && answer is not null)
                    tests.Add(TestCase.Stored(tests.Count + 1, input, answer, 1));
            }
            return errors.Any ? [] : tests;
        }
    }

    internal static bool IsIgnorable(ZipArchiveEntry entry) =>
        entry.FullName.EndsWith('/') // a folder
        || entry.Name.StartsWith('.')
        || entry.FullName.StartsWith("__MACOSX/", StringComparison.Ordinal);

    /// <summary>A test file, staged as it unpacks.</summary>
    internal static TestFile? Stage(ZipArchiveEntry entry, long maxBytes, TestDataStaging staging, string field, ValidationErrors errors)
    {
        if (entry.Length > maxBytes)
        {
            errors.Add(field, $"{entry.FullName} is {entry.Length} bytes; at most {maxBytes} are accepted per file.");
            return null;
        }
        using var stream = entry.Open();
        return staging.Add(stream, maxBytes, field, entry.FullName, errors);
    }

    internal static string? ReadText(ZipArchiveEntry entry, long maxBytes, string field, ValidationErrors errors)
    {
        if (entry.Length > maxBytes)
        {
            errors.Add(field, $"{entry.FullName} is {entry.Length} bytes; at most {maxBytes} are accepted per file.");
            return null;
        }
        // The header's size is the uploader's word; count what actually comes out.
        using var content = new MemoryStream();
        using (var stream = entry.Open())
        {
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer)) > 0)
            {
                if (content.Length + read > maxBytes)
                {
                    errors.Add(field, $"{entry.FullName} unpacks to more than {maxBytes} bytes.");
                    return null;
                }
                content.Write(buffer, 0, read);
            }
        }
        string text;
        try
        {
            text = StrictUtf8.GetString(content.GetBuffer(), 0, (int)content.Length);
        }
        catch (DecoderFallbackException)
        {
            errors.Add(field, $"{entry.FullName} is not UTF-8 text.");
            return null;
        }
        return TextRules.CheckStorable(text, $"{field}:{entry.FullName}", errors) ? text : null;
    }

    [GeneratedRegex(@"^(?<n>\d{1,9})\.(?<kind>in|out)$")]
    private static partial Regex TestFileName();
}
