using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Judge.EndToEnd.Tests.Judge0;

/// <summary>
/// Judge0 CE 1.13's documented requests and answers replayed against the real Api and Worker: a Judge0 client's view of
/// create, wait, fields, base64 (non-UTF-8 output included), batch, every status our languages produce, and delete.
/// Written from Judge0's HTTP contract, not from the Api's types.
/// </summary>
[Collection(StackCollection.Name)]
public sealed class Judge0ContractTests(StackFixture fixture) : IDisposable
{
    private const int C = 50, Python3 = 71;
    // A Judge0 client sends its token as X-Auth-Token: here it is one of our keys.
    private readonly HttpClient http = new() { BaseAddress = fixture.Stack.BaseAddress, Timeout = TimeSpan.FromMinutes(5),
        DefaultRequestHeaders = { { "X-Auth-Token", fixture.Stack.ApiKey } } };

    public void Dispose() => http.Dispose();

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    /// <summary>Creates without waiting, as most clients do, and polls until the status is past Processing.</summary>
    private async Task<JsonElement> JudgeAsync(object submission, string query = "fields=*", string createQuery = "")
    {
        var created = await JsonAsync(await http.PostAsJsonAsync($"submissions?{createQuery}", submission), HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString();
        var deadline = DateTime.UtcNow + StackFixture.VerdictTimeout;
        while (true)
        {
            var result = await JsonAsync(await http.GetAsync($"submissions/{token}?{query}"), HttpStatusCode.OK);
            var status = result.TryGetProperty("status", out var s) ? s.GetProperty("id").GetInt32() : result.GetProperty("status_id").GetInt32();
            if (status > 2)
                return result;
            Assert.True(DateTime.UtcNow < deadline, fixture.Stack.Explain($"submission {token} still has status {status}"));
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Documented_example_with_wait_answers_201_with_the_default_fields_and_Accepted()
    {
        var response = await http.PostAsJsonAsync("submissions?wait=true",
            new { source_code = "#include <stdio.h>\nint main(void) { printf(\"hello, %s\\n\", \"world\"); return 0; }\n", language_id = C });

        var result = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(new[] { "stdout", "time", "memory", "stderr", "token", "compile_output", "message", "status" }.Order(),
            result.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(3, result.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Equal("Accepted", result.GetProperty("status").GetProperty("description").GetString());
        Assert.Equal("hello, world\n", result.GetProperty("stdout").GetString());
        Assert.Equal("", result.GetProperty("stderr").GetString());
        Assert.Matches(@"^\d+\.\d+$", result.GetProperty("time").GetString());
        Assert.True(result.GetProperty("memory").GetInt32() > 0);
        Assert.Equal(JsonValueKind.Null, result.GetProperty("message").ValueKind);
    }

    /// <summary>Each Judge0 status a program can earn, judged at once: Judge0's derivation from signal and exit code,
    /// its right-trimmed comparison, and our MLE and OLE at their nearest status with our reason.</summary>
    [Fact]
    public async Task Every_status_a_program_can_earn_is_derived_as_Judge0_derives_it()
    {
        const string Sum = "#include <stdio.h>\nint main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 1; printf(\"%ld  \\n\\n\", a + b); return 0; }\n";
        (int Status, object Submission)[] cases =
        [
            (3, new { source_code = Sum, language_id = C, stdin = "1 2", expected_output = "3" }),
            (4, new { source_code = Sum, language_id = C, stdin = "1 2", expected_output = "4\n" }),
            (5, new { source_code = "int main(void) { volatile unsigned long n = 0; for (;;) n++; }\n", language_id = C, cpu_time_limit = 0.5 }),
            (6, new { source_code = "int main(void) { return missing; }\n", language_id = C }),
            (7, new { source_code = "int main(void) { volatile int *p = 0; *p = 1; return 0; }\n", language_id = C }),
            (8, new { source_code = "#include <stdio.h>\nint main(void) { for (;;) puts(\"flood flood flood flood\"); }\n", language_id = C, max_file_size = 64 }),
            (9, new { source_code = "int main(void) { volatile int a = 7, z = 0; return a / z; }\n", language_id = C }),
            (10, new { source_code = "#include <stdlib.h>\nint main(void) { abort(); }\n", language_id = C }),
            (11, new { source_code = "int main(void) { return 3; }\n", language_id = C }),
            (12, new { source_code = "#include <signal.h>\nint main(void) { raise(SIGUSR1); return 0; }\n", language_id = C }),
            (12, new { source_code = "#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }\n",
                language_id = C, memory_limit = 32768, cpu_time_limit = 5 }),
        ];

        var results = await Task.WhenAll(cases.Select(c => JudgeAsync(c.Submission)));

        var wrong = cases.Zip(results).Where(p => p.First.Status != p.Second.GetProperty("status").GetProperty("id").GetInt32())
            .Select(p => $"expected {p.First.Status}, got {p.Second}").ToList();
        Assert.True(wrong.Count == 0, fixture.Stack.Explain(string.Join("\n", wrong)));
        Assert.Equal(11, results[4].GetProperty("exit_signal").GetInt32());
        Assert.Equal("Exited with error status 3", results[8].GetProperty("message").GetString());
        Assert.Contains("error", results[3].GetProperty("compile_output").GetString());
        Assert.StartsWith("Output limit exceeded", results[5].GetProperty("message").GetString());
        Assert.StartsWith("Memory limit exceeded", results[10].GetProperty("message").GetString());
    }

    [Fact]
    public async Task Base64_round_trips_non_UTF8_output_and_plain_text_of_it_is_refused_as_Judge0_refuses_it()
    {
        byte[] written = [0xff, 0xfe, 0x00, (byte)'o', (byte)'k', 0xc3, (byte)'\n'];
        var source = "import sys\nsys.stdout.buffer.write(bytes([0xff, 0xfe, 0x00]) + b'ok' + bytes([0xc3]) + b'\\n')\n";

        var result = await JudgeAsync(new { source_code = Convert.ToBase64String(Encoding.UTF8.GetBytes(source)), language_id = Python3 },
            "base64_encoded=true&fields=*", createQuery: "base64_encoded=true");

        var encoded = result.GetProperty("stdout").GetString()!;
        Assert.Equal(written, Convert.FromBase64String(encoded));
        Assert.EndsWith("\n", encoded); // Ruby's encode64, as Judge0 writes it
        Assert.Equal(source, Encoding.UTF8.GetString(Convert.FromBase64String(result.GetProperty("source_code").GetString()!)));
        var plain = await JsonAsync(await http.GetAsync($"submissions/{result.GetProperty("token").GetString()}"), HttpStatusCode.BadRequest);
        Assert.Equal("some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter",
            plain.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Additional_files_go_beside_the_program_which_imports_them()
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
        {
            using var entry = new StreamWriter(archive.CreateEntry("helper.py").Open());
            entry.Write("def double(n):\n    return 2 * n\n");
        }

        var result = await JudgeAsync(new
        {
            source_code = "import helper\nprint(helper.double(int(input())))\n",
            language_id = Python3,
            stdin = "21",
            expected_output = "42",
            additional_files = Convert.ToBase64String(zip.ToArray()),
        });

        Assert.Equal(3, result.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Equal("42\n", result.GetProperty("stdout").GetString());

        // A file in a folder would be a path into the box: refused, as Judge0 refuses what it cannot take.
        using var nested = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(nested, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            archive.CreateEntry("lib/helper.py");
        var refused = await JsonAsync(await http.PostAsJsonAsync("submissions", new
        {
            source_code = "print(1)\n", language_id = Python3, additional_files = Convert.ToBase64String(nested.ToArray()),
        }), HttpStatusCode.UnprocessableEntity);
        Assert.Contains("plain file name", refused.GetProperty("additional_files")[0].GetString());
    }

    [Fact]
    public async Task Arguments_stderr_into_stdout_stack_and_number_of_runs_are_honoured()
    {
        var result = await JudgeAsync(new
        {
            source_code = "import sys, resource\nprint(' '.join(sys.argv[1:]), flush=True)\nprint('to stderr', file=sys.stderr, flush=True)\nprint(resource.getrlimit(resource.RLIMIT_STACK)[0] // 1024)\n",
            language_id = Python3,
            command_line_arguments = "one  two",
            redirect_stderr_to_stdout = true,
            stack_limit = 8192,
            number_of_runs = 2,
        });

        Assert.Equal("one two\nto stderr\n8192\n", result.GetProperty("stdout").GetString());
        Assert.Equal("", result.GetProperty("stderr").GetString());
        Assert.Equal(2, result.GetProperty("number_of_runs").GetInt32());
        Assert.Equal("one  two", result.GetProperty("command_line_arguments").GetString());
    }

    [Fact]
    public async Task A_batch_is_judged_and_fetched_by_tokens_and_a_finished_one_is_deleted()
    {
        var created = await JsonAsync(await http.PostAsJsonAsync("submissions/batch", new
        {
            submissions = new object[]
            {
                new { source_code = "print(input())", language_id = Python3, stdin = "first" },
                new { language_id = Python3, stdin = "no source" },
            },
        }), HttpStatusCode.Created);
        var first = created[0].GetProperty("token").GetString();
        Assert.Equal("can't be blank", created[1].GetProperty("source_code")[0].GetString());
        // Judge0 ids of several versions of one language (C 48–50) all reach our toolchain.
        var cAlias = await JudgeAsync(new { source_code = "int main(void) { return 0; }\n", language_id = 48 });
        Assert.Equal(3, cAlias.GetProperty("status").GetProperty("id").GetInt32());

        JsonElement batch;
        var deadline = DateTime.UtcNow + StackFixture.VerdictTimeout;
        do
        {
            await Task.Delay(100);
            batch = await JsonAsync(await http.GetAsync($"submissions/batch?tokens={first},{cAlias.GetProperty("token").GetString()}&fields=token,stdout,status_id"),
                HttpStatusCode.OK);
        }
        while (batch.GetProperty("submissions")[0].GetProperty("status_id").GetInt32() <= 2 && DateTime.UtcNow < deadline);
        Assert.Equal("first\n", batch.GetProperty("submissions")[0].GetProperty("stdout").GetString());

        var deleted = await JsonAsync(await http.DeleteAsync($"submissions/{first}?fields=stdout"), HttpStatusCode.OK);
        Assert.Equal("first\n", Encoding.UTF8.GetString(Convert.FromBase64String(deleted.GetProperty("stdout").GetString()!)));
        await JsonAsync(await http.GetAsync($"submissions/{first}"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task Live_languages_show_Judge0_ids_with_our_real_versions_and_commands()
    {
        var languages = await JsonAsync(await http.GetAsync("languages"), HttpStatusCode.OK);
        var c = await JsonAsync(await http.GetAsync("languages/50"), HttpStatusCode.OK);

        Assert.Contains(languages.EnumerateArray(), l => l.GetProperty("id").GetInt32() == C
            && System.Text.RegularExpressions.Regex.IsMatch(l.GetProperty("name").GetString()!, @"^C \(GCC \d+\.\d+"));
        Assert.Contains(languages.EnumerateArray(), l => l.GetProperty("id").GetInt32() == Python3);
        Assert.DoesNotContain(languages.EnumerateArray(), l => l.GetProperty("id").GetInt32() is 48 or 49);
        Assert.False(c.GetProperty("is_archived").GetBoolean());
        Assert.Equal("main.c", c.GetProperty("source_file").GetString());
        Assert.Contains("gcc", c.GetProperty("compile_cmd").GetString());
    }
}
