using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

/// <summary>Submissions of several files and a grader problem over HTTP, through the broker, the worker and the sandbox.</summary>
[Collection(StackCollection.Name)]
public sealed class MultiFileAndGraderTests(StackFixture fixture)
{
    [Fact]
    public async Task A_C_program_of_two_files_and_a_header_is_judged_over_http_and_the_languages_say_c_takes_several_files()
    {
        var languages = await fixture.Client.Http.GetFromJsonAsync<JsonElement>("languages");
        Assert.True(languages.EnumerateArray().Single(l => l.GetProperty("id").GetString() == "c").GetProperty("multiFile").GetBoolean());

        var submission = await JudgeAsync(new
        {
            language = "c",
            files = new[]
            {
                new { name = "main.c", content = "#include <stdio.h>\n#include \"twice.h\"\nint main(void) { int x; scanf(\"%d\", &x); printf(\"%d\\n\", twice(x)); }\n" },
                new { name = "twice.h", content = "int twice(int x);\n" },
                new { name = "twice.c", content = "#include \"twice.h\"\nint twice(int x) { return 2 * x; }\n" },
            },
            tests = new[] { new { input = "21\n", expectedOutput = "42\n" } },
        });

        Assert.True(submission.GetProperty("verdict").GetString() == "AC", submission.ToString());
    }

    [Fact]
    public async Task The_documented_grader_problem_grades_a_student_module_test_by_test()
    {
        var languages = await fixture.Client.Http.GetFromJsonAsync<JsonElement>("languages");
        Assert.True(languages.EnumerateArray().Single(l => l.GetProperty("id").GetString() == "python3").GetProperty("runsGraders").GetBoolean());

        using var created = await fixture.Client.Http.PostAsJsonAsync("problems", new
        {
            name = "add and mul",
            grader = new { language = "python3", entry = "grade.py", files = new[] { new { name = "grade.py", content = GraderExample } } },
        }, JudgeClient.Json);
        Assert.True(created.StatusCode == HttpStatusCode.Created, await created.Content.ReadAsStringAsync());
        var problemId = (await created.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();

        var submission = await JudgeAsync(new
        {
            language = "python3",
            problemId,
            files = new[] { new { name = "solution.py", content = "def add(a, b):\n    return a + b\n\ndef mul(a, b):\n    return a * b\n" } },
        });

        Assert.True(submission.GetProperty("verdict").GetString() == "AC", submission.ToString());
        Assert.Equal(6, submission.GetProperty("score").GetInt32());
        Assert.Equal(["add", "mul", "mul of negatives"], submission.GetProperty("tests").EnumerateArray().Select(t => t.GetProperty("name").GetString()));
    }

    /// <summary>docs/languages.md's example grader (docs/examples/grader/grade.py).</summary>
    private static readonly string GraderExample = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "grade.py"));

    private async Task<JsonElement> JudgeAsync(object request)
    {
        using var deadline = new CancellationTokenSource(StackFixture.VerdictTimeout);
        using var response = await fixture.Client.PostSubmissionAsync(request, wait: true, deadline.Token);
        var body = await response.Content.ReadFromJsonAsync<JsonElement>(deadline.Token);
        if (response.StatusCode == HttpStatusCode.OK)
            return body;
        Assert.True(response.StatusCode == HttpStatusCode.Accepted, body.ToString());
        var id = body.GetProperty("id").GetGuid();
        while (true)
        {
            var submission = await fixture.Client.Http.GetFromJsonAsync<JsonElement>($"submissions/{id}", deadline.Token);
            if (submission.GetProperty("status").GetString() == "done")
                return submission;
            await Task.Delay(100, deadline.Token);
        }
    }
}
