using System.IO.Compression;
using System.Net;
using System.Text;
using System.Text.Json;
using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

/// <summary>Test files as contests use them, through the real pipeline: uploaded, stored by digest, fetched by the worker
/// into its cache, streamed into the sandbox and compared without being read whole.</summary>
[Collection(StackCollection.Name)]
public sealed class TestDataTests(StackFixture fixture)
{
    private const int BigBytes = 100 << 20;

    /// <summary>Prints how many bytes its stdin has and a hash of them, whatever they are.</summary>
    private const string CountAndHash = """
        #include <stdio.h>
        int main(void) {
            static unsigned char buffer[1 << 16];
            unsigned long long count = 0;
            unsigned int hash = 0;
            size_t read;
            while ((read = fread(buffer, 1, sizeof buffer, stdin)) > 0) {
                count += read;
                for (size_t i = 0; i < read; i++)
                    hash = hash * 31 + buffer[i];
            }
            printf("%llu %u\n", count, hash);
            return 0;
        }
        """;

    private const string Echo = """
        #include <stdio.h>
        int main(void) {
            static char buffer[1 << 16];
            size_t read;
            while ((read = fread(buffer, 1, sizeof buffer, stdin)) > 0)
                fwrite(buffer, 1, read, stdout);
            return 0;
        }
        """;

    private HttpClient Http => fixture.Client.Http;

    [Fact]
    public async Task A_kattis_package_with_a_100_MiB_binary_test_is_stored_streamed_into_the_sandbox_and_judged()
    {
        // A kibibyte of every byte value, repeated: binary, and small once zipped.
        var block = Enumerable.Range(0, 1024).Select(i => (byte)(i * 37 % 256)).ToArray();
        var hash = 0u;
        for (var i = 0; i < BigBytes / block.Length; i++)
            foreach (var b in block)
                hash = unchecked(hash * 31 + b);
        using var zip = Zip(("big/problem.yaml", Text("name: Big data\n")),
            ("big/data/sample/1.in", Text("ab")), ("big/data/sample/1.ans", Text($"2 {unchecked(97u * 31 + 98)}\n")),
            ("big/data/secret/1.in", Repeat(block, BigBytes / block.Length)), ("big/data/secret/1.ans", Text($"{BigBytes} {hash}\n")));

        var problem = await UploadAsync(zip, """{"cpuTimeMs": 5000}""");
        var right = await fixture.Client.JudgeAsync(new SubmissionRequest("c", CountAndHash) { ProblemId = problem }, TimeSpan.FromMinutes(3));
        var wrong = await fixture.Client.JudgeAsync(new SubmissionRequest("c", CountAndHash.Replace("count += read;", "count += read + 1;")) { ProblemId = problem },
            TimeSpan.FromMinutes(3));

        Assert.True(right.Verdict == "AC", fixture.Stack.Explain(JsonSerializer.Serialize(right)));
        Assert.Equal(2, right.Tests.Count);
        Assert.Equal("WA", wrong.Verdict);
    }

    [Fact]
    public async Task Binary_answers_are_compared_byte_for_byte()
    {
        var bytes = Enumerable.Range(0, 4096).Select(i => (byte)(i % 256)).ToArray();
        using var zip = Zip(("1.in", bytes), ("1.out", bytes), ("2.in", bytes), ("2.out", bytes));

        var problem = await UploadAsync(zip, null, """{"kind": "exact"}""");
        var echo = await fixture.Client.JudgeAsync(new SubmissionRequest("c", Echo) { ProblemId = problem }, TimeSpan.FromMinutes(2));
        var text = await fixture.Client.JudgeAsync(new SubmissionRequest("python3", "print('not binary')\n") { ProblemId = problem }, TimeSpan.FromMinutes(2));

        Assert.True(echo.Verdict == "AC", fixture.Stack.Explain(JsonSerializer.Serialize(echo)));
        Assert.Equal("WA", text.Verdict);
    }

    private async Task<Guid> UploadAsync(MemoryStream zip, string? limits, string? checker = null)
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(zip.ToArray()), "file", "problem.zip" }, { new StringContent("test data"), "name" } };
        if (limits is not null)
            form.Add(new StringContent(limits), "limits");
        if (checker is not null)
            form.Add(new StringContent(checker), "checker");
        using var response = await Http.PostAsync("problems/upload", form);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, fixture.Stack.Explain(body));
        return JsonDocument.Parse(body).RootElement.GetProperty("id").GetGuid();
    }

    private static Action<Stream> Text(string text) => stream => stream.Write(Encoding.UTF8.GetBytes(text));

    private static Action<Stream> Repeat(byte[] block, int times) => stream =>
    {
        for (var i = 0; i < times; i++)
            stream.Write(block);
    };

    private static MemoryStream Zip(params (string Name, Action<Stream> Write)[] files)
    {
        var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, write) in files)
            {
                using var entry = archive.CreateEntry(name, CompressionLevel.Fastest).Open();
                write(entry);
            }
        zip.Position = 0;
        return zip;
    }

    private static MemoryStream Zip(params (string Name, byte[] Bytes)[] files) =>
        Zip(files.Select(f => (f.Name, (Action<Stream>)(stream => stream.Write(f.Bytes)))).ToArray());
}
