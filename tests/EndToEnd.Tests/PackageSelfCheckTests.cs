using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

/// <summary>A Kattis package's input validators, run by the real worker on every test at upload, and its example submissions,
/// judged on demand through the real queue (POST/GET /problems/{id}/verify).</summary>
[Collection(StackCollection.Name)]
public sealed class PackageSelfCheckTests(StackFixture fixture)
{
    /// <summary>Two numbers from 1 to the bound its argument gives (`--max N`), on one line: exit 42, else 43 with the reason.</summary>
    private const string RangeValidator = """
        import sys
        bound = int(sys.argv[sys.argv.index("--max") + 1])
        a, b = map(int, sys.stdin.read().split())
        if not (1 <= a <= bound and 1 <= b <= bound):
            print(f"{a} {b}: each must be from 1 to {bound}", file=sys.stderr)
            sys.exit(43)
        sys.exit(42)
        """;

    private const string Sum = "a, b = map(int, input().split())\nprint(a + b)\n";
    private const string SumPlusOne = "a, b = map(int, input().split())\nprint(a + b + 1)\n";

    private static (string, string)[] Package(string secondInput, params (string Name, string Content)[] examples) =>
    [
        ("sum/problem.yaml", "name: Checked sum\n"),
        ("sum/input_validators/range/range.py", RangeValidator),
        ("sum/data/testdata.yaml", "input_validator_flags: --max 10\n"),
        ("sum/data/sample/1.in", "1 2\n"), ("sum/data/sample/1.ans", "3\n"),
        ("sum/data/secret/1.in", "4 5\n"), ("sum/data/secret/1.ans", "9\n"),
        ("sum/data/secret/2.in", secondInput), ("sum/data/secret/2.ans", $"{secondInput.Split(' ').Sum(int.Parse)}\n"),
        .. examples.Select(e => ($"sum/{e.Name}", e.Content)),
    ];

    private HttpClient Http => fixture.Client.Http;

    [Fact]
    public async Task A_test_its_input_validator_refuses_refuses_the_package_naming_the_file_with_the_validator_s_message()
    {
        var name = $"refused {Guid.NewGuid():N}";
        using var response = await UploadAsync(Http, Package("50 1\n"), name);

        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.BadRequest, fixture.Stack.Explain(body));
        var errors = JsonDocument.Parse(body).RootElement.GetProperty("errors");
        var reason = Assert.Single(errors.EnumerateObject()).Value[0].GetString();
        Assert.Equal("file:data/secret/2.in", Assert.Single(errors.EnumerateObject()).Name);
        Assert.Contains("input_validators/range", reason);
        Assert.Contains("50 1: each must be from 1 to 10", reason);
        // Nothing of it was kept.
        var listed = await Http.GetStringAsync("problems?pageSize=100");
        Assert.DoesNotContain(name, listed);
    }

    [Fact]
    public async Task Examples_that_get_the_verdict_of_their_folder_pass_verification()
    {
        var problem = await UploadCreatedAsync(Http, Package("5 5\n",
            ("submissions/accepted/sum.py", Sum), ("submissions/wrong_answer/plus_one.py", SumPlusOne), ("submissions/accepted/notes.txt", "why\n")));

        using var started = await Http.PostAsync($"problems/{problem}/verify", null);
        var startedBody = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, fixture.Stack.Explain(startedBody));
        Assert.Equal($"/api/v1/problems/{problem}/verify", started.Headers.Location?.AbsolutePath);
        var queued = JsonSerializer.Deserialize<Started>(startedBody, JudgeClient.Json)!;
        Assert.Equal(problem, queued.ProblemId);
        Assert.Equal([("submissions/accepted/sum.py", "AC"), ("submissions/wrong_answer/plus_one.py", "WA")],
            queued.Examples.Select(e => (e.Path, e.ExpectedVerdict)));
        Assert.Equal("submissions/accepted/notes.txt", Assert.Single(queued.Skipped).Path);

        var verification = await WaitForVerificationAsync(Http, problem);
        var because = fixture.Stack.Explain(JsonSerializer.Serialize(verification));
        Assert.True(verification.Passed == true, because);
        Assert.Equal([("submissions/accepted/sum.py", "AC", true), ("submissions/wrong_answer/plus_one.py", "WA", true)],
            verification.Examples.Select(e => (e.Path, e.Verdict, e.Matched == true)));
        // Ordinary submissions of the caller.
        Assert.Equal("done", (await fixture.Client.GetSubmissionAsync(queued.Examples[0].SubmissionId)).Status);
    }

    [Fact]
    public async Task Folder_examples_of_several_cpp_files_are_judged_as_one_submission_each_and_pass_verification()
    {
        // main.cpp reads, util.h declares, util.cpp adds: each .cpp is compiled, the header goes along.
        const string Main = "#include <cstdio>\n#include \"util.h\"\nint main() { long a, b; std::scanf(\"%ld %ld\", &a, &b); std::printf(\"%ld\\n\", add(a, b)); }\n";
        const string Header = "long add(long a, long b);\n";
        var problem = await UploadCreatedAsync(Http, Package("5 5\n",
            ("submissions/accepted/sum/main.cpp", Main), ("submissions/accepted/sum/util.h", Header),
            ("submissions/accepted/sum/util.cpp", "#include \"util.h\"\nlong add(long a, long b) { return a + b; }\n"),
            ("submissions/wrong_answer/off/main.cpp", Main), ("submissions/wrong_answer/off/util.h", Header),
            ("submissions/wrong_answer/off/util.cpp", "#include \"util.h\"\nlong add(long a, long b) { return a + b + 1; }\n")));

        using var started = await Http.PostAsync($"problems/{problem}/verify", null);
        var startedBody = await started.Content.ReadAsStringAsync();
        Assert.True(started.StatusCode == HttpStatusCode.Accepted, fixture.Stack.Explain(startedBody));
        var queued = JsonSerializer.Deserialize<Started>(startedBody, JudgeClient.Json)!;
        Assert.Equal([("submissions/accepted/sum", "AC"), ("submissions/wrong_answer/off", "WA")], queued.Examples.Select(e => (e.Path, e.ExpectedVerdict)));
        Assert.Empty(queued.Skipped);

        var verification = await WaitForVerificationAsync(Http, problem);
        var because = fixture.Stack.Explain(JsonSerializer.Serialize(verification));
        Assert.True(verification.Passed == true, because);
        Assert.Equal([("submissions/accepted/sum", "AC", true), ("submissions/wrong_answer/off", "WA", true)],
            verification.Examples.Select(e => (e.Path, e.Verdict, e.Matched == true)));
    }

    [Fact]
    public async Task An_example_that_gets_another_verdict_is_reported_as_not_matching_and_another_key_cannot_see_the_verification()
    {
        var problem = await UploadCreatedAsync(Http, Package("5 5\n", ("submissions/accepted/off_by_one.py", SumPlusOne)));
        using var other = new HttpClient { BaseAddress = Http.BaseAddress };
        other.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", await fixture.Stack.CreateKeyAsync(admin: false));

        using var foreignPost = await other.PostAsync($"problems/{problem}/verify", null);
        using var foreignGet = await other.GetAsync($"problems/{problem}/verify");
        using var started = await Http.PostAsync($"problems/{problem}/verify", null);

        Assert.Equal(HttpStatusCode.NotFound, foreignPost.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, foreignGet.StatusCode);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        var verification = await WaitForVerificationAsync(Http, problem);
        var because = fixture.Stack.Explain(JsonSerializer.Serialize(verification));
        Assert.True(verification.Passed == false, because);
        var example = Assert.Single(verification.Examples);
        Assert.Equal(("submissions/accepted/off_by_one.py", "AC", "WA", false), (example.Path, example.ExpectedVerdict, example.Verdict, example.Matched));
    }

    private static async Task<Verification> WaitForVerificationAsync(HttpClient http, Guid problem)
    {
        using var deadline = new CancellationTokenSource(StackFixture.VerdictTimeout);
        while (true)
        {
            var verification = await http.GetFromJsonAsync<Verification>($"problems/{problem}/verify", JudgeClient.Json, deadline.Token)
                ?? throw new InvalidOperationException($"GET problems/{problem}/verify returned nothing");
            if (verification.Done)
                return verification;
            await Task.Delay(TimeSpan.FromMilliseconds(200), deadline.Token);
        }
    }

    private static async Task<HttpResponseMessage> UploadAsync(HttpClient http, (string Name, string Content)[] files, string? name = null)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (path, content) in files)
            {
                await using var entry = archive.CreateEntry(path).Open();
                await entry.WriteAsync(Encoding.UTF8.GetBytes(content));
            }
        using var form = new MultipartFormDataContent { { new ByteArrayContent(zip.ToArray()), "file", "sum.zip" } };
        if (name is not null)
            form.Add(new StringContent(name), "name");
        return await http.PostAsync("problems/upload", form);
    }

    private async Task<Guid> UploadCreatedAsync(HttpClient http, (string Name, string Content)[] files)
    {
        using var response = await UploadAsync(http, files);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, fixture.Stack.Explain(body));
        return JsonSerializer.Deserialize<CreatedProblem>(body, JudgeClient.Json)!.Id;
    }

    private sealed record CreatedProblem(Guid Id);

    private sealed record Queued(string Path, string ExpectedVerdict, Guid SubmissionId);

    private sealed record Skipped(string Path, string? ExpectedVerdict, string Reason);

    private sealed record Started(Guid ProblemId, IReadOnlyList<Queued> Examples, IReadOnlyList<Skipped> Skipped);

    private sealed record ExampleResult(string Path, string ExpectedVerdict, Guid SubmissionId, string Status, string? Verdict, bool? Matched);

    private sealed record Verification(Guid ProblemId, Guid? VerificationId, bool Done, bool? Passed, IReadOnlyList<ExampleResult> Examples,
        IReadOnlyList<Skipped> Skipped);
}
