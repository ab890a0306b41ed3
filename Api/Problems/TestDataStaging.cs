using System.Security.Cryptography;
using System.Text;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Problems;

/// <summary>
/// The test files of one problem on their way to the database: each written once to a private directory on the Api's
/// disk as it is unpacked, its SHA-256 computed on the way, so that a package of a gigabyte is never held in memory; then
/// copied into <c>test_data</c> in the transaction that stores the problem (<see cref="ProblemStore.InsertAsync"/>).
/// Disposing removes the directory, whether the problem was stored or refused.
/// </summary>
public sealed class TestDataStaging : IDisposable
{
    // Mode 0700, under the Api's temporary directory.
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("judge-upload-");
    private int parts;

    /// <summary>Stages what <paramref name="content"/> yields, counting what really comes out (a zip header's size is the
    /// uploader's word). Null, with the reason under <paramref name="field"/>, when it is more than <paramref name="maxBytes"/>.</summary>
    public TestFile? Add(Stream content, long maxBytes, string field, string name, ValidationErrors errors)
    {
        var part = Path.Combine(directory.FullName, $"part-{++parts}");
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long size = 0;
        using (var file = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0))
        {
            var buffer = new byte[81920];
            for (int read; (read = content.Read(buffer)) > 0;)
            {
                size += read;
                if (size > maxBytes)
                {
                    file.Dispose();
                    File.Delete(part);
                    errors.Add(field, $"{name} unpacks to more than {maxBytes} bytes; at most {maxBytes} are accepted per file.");
                    return null;
                }
                hash.AppendData(buffer, 0, read);
                file.Write(buffer, 0, read);
            }
        }
        var staged = new TestFile(Convert.ToHexStringLower(hash.GetHashAndReset()), size);
        var path = PathOf(staged);
        if (File.Exists(path))
            File.Delete(part); // the same bytes twice: one copy is enough
        else
            File.Move(part, path);
        return staged;
    }

    /// <summary>A test given as text (in a problem's JSON), staged as its UTF-8 bytes.</summary>
    public TestFile AddText(string text)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(text));
        return Add(content, long.MaxValue, "", "", new ValidationErrors())!;
    }

    /// <summary>A problem's tests given as text, as stored tests.</summary>
    public IReadOnlyList<TestCase> AddTexts(IReadOnlyList<TestCase> tests) =>
        [.. tests.Select(t => TestCase.Stored(t.Index, AddText(t.Input), AddText(t.ExpectedOutput ?? ""), t.Points, t.Group))];

    public Stream OpenRead(TestFile file) =>
        new FileStream(PathOf(file), FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0);

    private string PathOf(TestFile file) => Path.Combine(directory.FullName, file.Sha256);

    public void Dispose()
    {
        try
        {
            directory.Delete(recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
