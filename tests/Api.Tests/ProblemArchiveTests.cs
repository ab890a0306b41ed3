using System.IO.Compression;
using System.Text;
using Judge.Api.Problems;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

public sealed class ProblemArchiveTests
{
    private static readonly JudgeOptions Options = new() { MaxTests = 3, MaxTestFileBytes = 64, MaxUploadBytes = 1000 };

    public static MemoryStream Zip(params (string Name, string Content)[] files)
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in files)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        stream.Position = 0;
        return stream;
    }

    /// <returns>Each test as its index, its input's and its answer's bytes as staged, and its points.</returns>
    private static (List<(int Index, byte[] Input, byte[] Answer, int Points)> Tests, string[] Errors) Read(Stream zip)
    {
        var errors = new ValidationErrors();
        using var staging = new TestDataStaging();
        var tests = ProblemArchive.Read(zip, Options, staging, "file", errors);
        return ([.. tests.Select(t => (t.Index, Staged(staging, t.InputFile!), Staged(staging, t.AnswerFile!), t.Points))],
            errors.ToDictionary().GetValueOrDefault("file") ?? []);
    }

    private static byte[] Staged(TestDataStaging staging, TestFile file)
    {
        using var stream = staging.OpenRead(file);
        using var bytes = new MemoryStream();
        stream.CopyTo(bytes);
        Assert.Equal((file.Size, file.Sha256), (bytes.Length, Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes.ToArray()))));
        return bytes.ToArray();
    }

    [Fact]
    public void Pairs_become_tests_in_numeric_order()
    {
        var (tests, errors) = Read(Zip(("10.in", "b"), ("10.out", "B"), ("tests/2.in", "a"), ("tests/2.out", "A"), ("tests/", "")));

        Assert.Empty(errors);
        Assert.Equal([(1, "a", "A", 1), (2, "b", "B", 1)], tests.Select(t => (t.Index, Encoding.UTF8.GetString(t.Input), Encoding.UTF8.GetString(t.Answer), t.Points)));
    }

    [Fact]
    public void Incomplete_pairs_are_named()
    {
        var (_, errors) = Read(Zip(("1.in", "a"), ("2.out", "b")));

        Assert.Equal(["Test 1: 1.in has no 1.out.", "Test 2: 2.out has no 2.in."], errors);
    }

    [Fact]
    public void Other_files_are_rejected()
    {
        var (_, errors) = Read(Zip(("1.in", "a"), ("1.out", "a"), ("solution.cpp", "")));

        Assert.Contains("solution.cpp", Assert.Single(errors));
    }

    [Fact]
    public void A_file_over_the_size_limit_is_rejected()
    {
        var (_, errors) = Read(Zip(("1.in", new string('x', 65)), ("1.out", "")));

        Assert.Contains("1.in", Assert.Single(errors));
    }

    [Fact]
    public void More_pairs_than_allowed_are_rejected()
    {
        var files = Enumerable.Range(1, 4).SelectMany(n => new[] { ($"{n}.in", ""), ($"{n}.out", "") }).ToArray();

        var (_, errors) = Read(Zip(files));

        Assert.Contains("at most 3", Assert.Single(errors));
    }

    [Fact]
    public void Not_a_zip_is_rejected()
    {
        var (_, errors) = Read(new MemoryStream(Encoding.UTF8.GetBytes("plain text")));

        Assert.Equal(["Is not a zip archive."], errors);
    }

    [Fact]
    public void Binary_test_data_is_kept_byte_for_byte_under_its_sha256()
    {
        var stream = new MemoryStream();
        using (var archive = new ZipArchive(stream, ZipArchiveMode.Create, leaveOpen: true))
        {
            using (var input = archive.CreateEntry("1.in").Open())
                input.Write([0xff, 0xfe, 0x00]);
            archive.CreateEntry("1.out");
        }
        stream.Position = 0;

        var (tests, errors) = Read(stream);

        Assert.Empty(errors);
        var test = Assert.Single(tests);
        Assert.Equal([0xff, 0xfe, 0x00], test.Input);
        Assert.Empty(test.Answer);
    }
}
