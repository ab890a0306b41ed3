using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Dapper;
using Judge.Api.Judge0;
using MassTransit;

namespace Judge.Api.Tests;

/// <summary>The Judge0 surface's answers that need no worker: validation, errors, access, CORS, the queue cap and the
/// information endpoints, against the real Api and database. Judging through it is in tests/EndToEnd.Tests/Judge0.</summary>
[Collection(ApiCollection.Name)]
public sealed class Judge0ApiTests(ApiFixture fixture)
{
    private const int Python3 = 71;

    private static async Task<JsonElement> JsonAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == status, $"expected {(int)status}, got {(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement;
    }

    private JudgeApiFactory FactoryWith(params (string Key, string Value)[] settings) =>
        new(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness(), settings);

    [Fact]
    public async Task Create_answers_201_with_only_the_token_and_stores_one_submission_with_one_test()
    {
        var response = await fixture.Client.PostAsJsonAsync("/submissions",
            new { source_code = "print(input())", language_id = Python3, stdin = "hi", expected_output = "hi" });

        var body = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(["token"], body.EnumerateObject().Select(p => p.Name));
        var token = Guid.Parse(body.GetProperty("token").GetString()!);
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var stored = await connection.QuerySingleAsync<(string Language, string Limits, string RunOptions, long Tests)>(
            "SELECT language, limits::text, run_options::text, (SELECT count(*) FROM submission_tests WHERE submission_id = id) FROM submissions WHERE id = @token",
            new { token });
        Assert.Equal("python3", stored.Language);
        Assert.Equal(1, stored.Tests);
        Assert.Contains("\"keepOutput\": true", stored.RunOptions);
    }

    [Fact]
    public async Task Missing_source_and_language_answer_422_with_Rails_validation_errors()
    {
        var response = await fixture.Client.PostAsJsonAsync("/submissions", new { stdin = "1" });

        var errors = await JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("can't be blank", errors.GetProperty("source_code")[0].GetString());
        Assert.Equal("can't be blank", errors.GetProperty("language_id")[0].GetString());
    }

    [Fact]
    public async Task Options_that_cannot_be_honoured_safely_are_refused_each_with_its_reason()
    {
        var response = await fixture.Client.PostAsJsonAsync("/submissions", new
        {
            source_code = "print(1)",
            language_id = Python3,
            enable_network = true,
            compiler_options = "-O3",
            callback_url = "http://169.254.169.254/",
            additional_files = "UEsFBgAAAAAAAAAAAAAAAAAAAAAAAA==",
            enable_per_process_and_thread_time_limit = true,
            enable_per_process_and_thread_memory_limit = "true",
        });

        var errors = await JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        foreach (var field in new[] { "enable_network", "compiler_options", "callback_url", "additional_files",
                     "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit" })
            Assert.True(errors.TryGetProperty(field, out var reasons) && reasons.GetArrayLength() == 1, $"{field} not refused: {errors}");
        Assert.StartsWith("this option cannot be enabled", errors.GetProperty("enable_network")[0].GetString());
    }

    [Fact]
    public async Task Limits_beyond_the_maxima_and_unknown_languages_answer_422_as_Judge0_words_them()
    {
        var response = await fixture.Client.PostAsJsonAsync("/submissions", new
        {
            source_code = "x", language_id = 9999, cpu_time_limit = "21", memory_limit = 1024, number_of_runs = 0, max_file_size = "lots",
        });

        var errors = await JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Equal("language with id 9999 doesn't exist", errors.GetProperty("language_id")[0].GetString());
        Assert.Equal("must be less than or equal to 20.0", errors.GetProperty("cpu_time_limit")[0].GetString());
        Assert.Equal("must be greater than or equal to 2048", errors.GetProperty("memory_limit")[0].GetString());
        Assert.Equal("must be greater than 0", errors.GetProperty("number_of_runs")[0].GetString());
        Assert.Equal("is not a number", errors.GetProperty("max_file_size")[0].GetString());
    }

    [Fact]
    public async Task A_language_no_live_worker_runs_is_refused_by_its_Judge0_id()
    {
        var response = await fixture.Client.PostAsJsonAsync("/submissions", new { source_code = "x", language_id = 45 });

        var errors = await JsonAsync(response, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("is not offered by any worker", errors.GetProperty("language_id")[0].GetString());
    }

    [Fact]
    public async Task Base64_sources_are_decoded_and_bad_base64_is_a_422()
    {
        var good = await fixture.Client.PostAsJsonAsync("/submissions?base64_encoded=true",
            new { source_code = Convert.ToBase64String("print(1)\n"u8), language_id = Python3 });
        var token = Guid.Parse((await JsonAsync(good, HttpStatusCode.Created)).GetProperty("token").GetString()!);
        await using (var connection = await fixture.Database.DataSource.OpenConnectionAsync())
            Assert.Equal("print(1)\n", await connection.ExecuteScalarAsync<string>("SELECT source FROM submissions WHERE id = @token", new { token }));

        var bad = await fixture.Client.PostAsJsonAsync("/submissions?base64_encoded=true", new { source_code = "%%%", language_id = Python3 });
        var errors = await JsonAsync(bad, HttpStatusCode.UnprocessableEntity);
        Assert.Contains("Base64", errors.GetProperty("source_code")[0].GetString());
    }

    [Fact]
    public async Task A_queued_submission_shows_In_Queue_with_the_default_fields_and_null_results()
    {
        var created = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = Python3 }),
            HttpStatusCode.Created);

        var submission = await JsonAsync(await fixture.Client.GetAsync($"/submissions/{created.GetProperty("token").GetString()}"), HttpStatusCode.OK);

        Assert.Equal(Judge0SubmissionView.DefaultFields.Order(), submission.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(1, submission.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Equal("In Queue", submission.GetProperty("status").GetProperty("description").GetString());
        Assert.Equal(JsonValueKind.Null, submission.GetProperty("stdout").ValueKind);
        Assert.Equal(JsonValueKind.Null, submission.GetProperty("time").ValueKind);
    }

    [Fact]
    public async Task Fields_star_is_exactly_Judge0s_attributes_and_an_unknown_field_is_a_400()
    {
        var created = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = Python3 }),
            HttpStatusCode.Created);
        var token = created.GetProperty("token").GetString();

        var all = await JsonAsync(await fixture.Client.GetAsync($"/submissions/{token}?fields=*"), HttpStatusCode.OK);
        var some = await JsonAsync(await fixture.Client.GetAsync($"/submissions/{token}?fields=status_id,language_id,cpu_time_limit,created_at"), HttpStatusCode.OK);
        var unknown = await JsonAsync(await fixture.Client.GetAsync($"/submissions/{token}?fields=stdout,nope,verdict"), HttpStatusCode.BadRequest);

        string[] judge0 =
        [
            "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at", "finished_at", "time", "memory",
            "stderr", "token", "number_of_runs", "cpu_time_limit", "cpu_extra_time", "wall_time_limit", "memory_limit", "stack_limit",
            "max_processes_and_or_threads", "enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
            "max_file_size", "compile_output", "exit_code", "exit_signal", "message", "wall_time", "compiler_options",
            "command_line_arguments", "redirect_stderr_to_stdout", "callback_url", "additional_files", "enable_network", "started_at",
            "queued_at", "updated_at", "queue_host", "execution_host", "status", "language",
        ];
        Assert.Equal(judge0, all.EnumerateObject().Select(p => p.Name));
        Assert.Equal(["language_id", "status_id", "created_at", "cpu_time_limit"], some.EnumerateObject().Select(p => p.Name));
        Assert.Equal(Python3, some.GetProperty("language_id").GetInt32());
        Assert.Equal("2.0", some.GetProperty("cpu_time_limit").GetString());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$", some.GetProperty("created_at").GetString());
        Assert.Equal(71, all.GetProperty("language").GetProperty("id").GetInt32());
        Assert.Equal("Python (3.11)", all.GetProperty("language").GetProperty("name").GetString());
        Assert.Equal("invalid fields: [nope, verdict]", unknown.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Unknown_tokens_and_submissions_of_our_own_API_are_404_on_the_Judge0_surface()
    {
        var ours = await fixture.Client.PostAsJsonAsync("/api/v1/submissions", new { language = "python3", source = "print(1)", stdin = "" });
        var id = (await ours.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetString();

        await JsonAsync(await fixture.Client.GetAsync($"/submissions/{id}"), HttpStatusCode.NotFound);
        await JsonAsync(await fixture.Client.GetAsync($"/submissions/{Guid.NewGuid()}"), HttpStatusCode.NotFound);
        await JsonAsync(await fixture.Client.GetAsync("/submissions/not-a-token"), HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task An_unfinished_submission_cannot_be_deleted()
    {
        var created = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = Python3 }),
            HttpStatusCode.Created);

        var response = await fixture.Client.DeleteAsync($"/submissions/{created.GetProperty("token").GetString()}");

        var error = await JsonAsync(response, HttpStatusCode.BadRequest);
        Assert.Equal("submission cannot be deleted because its status is 1 (In Queue)", error.GetProperty("error").GetString());
    }

    [Fact]
    public async Task A_batch_creates_the_valid_ones_and_answers_the_errors_of_the_others_in_order()
    {
        var response = await fixture.Client.PostAsJsonAsync("/submissions/batch", new
        {
            submissions = new object[]
            {
                new { source_code = "print(1)", language_id = Python3 },
                new { source_code = "print(2)" },
                new { source_code = "print(3)", language_id = Python3 },
            },
        });

        var answers = await JsonAsync(response, HttpStatusCode.Created);
        Assert.Equal(3, answers.GetArrayLength());
        Assert.True(answers[0].TryGetProperty("token", out var first));
        Assert.Equal("can't be blank", answers[1].GetProperty("language_id")[0].GetString());
        Assert.True(answers[2].TryGetProperty("token", out var third));

        var batch = await JsonAsync(await fixture.Client.GetAsync(
            $"/submissions/batch?tokens={first.GetString()},{Guid.NewGuid()},{third.GetString()}&fields=token,status_id"), HttpStatusCode.OK);
        var submissions = batch.GetProperty("submissions");
        Assert.Equal(first.GetString(), submissions[0].GetProperty("token").GetString());
        Assert.Equal(JsonValueKind.Null, submissions[1].ValueKind);
        Assert.Equal(third.GetString(), submissions[2].GetProperty("token").GetString());
    }

    [Fact]
    public async Task Batches_of_none_or_more_than_twenty_are_a_400_and_all_invalid_is_a_422()
    {
        var tooMany = Enumerable.Range(0, 21).Select(_ => new { source_code = "print(1)", language_id = Python3 }).ToArray();

        var many = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions/batch", new { submissions = tooMany }), HttpStatusCode.BadRequest);
        var none = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions/batch", new { submissions = Array.Empty<object>() }), HttpStatusCode.BadRequest);
        var tokens = await JsonAsync(await fixture.Client.GetAsync("/submissions/batch?tokens="), HttpStatusCode.BadRequest);
        var invalid = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions/batch", new { submissions = new[] { new { stdin = "1" } } }),
            HttpStatusCode.UnprocessableEntity);

        Assert.Equal("number of submissions in a batch should be less than or equal to 20", many.GetProperty("error").GetString());
        Assert.Equal("there should be at least one submission in a batch", none.GetProperty("error").GetString());
        Assert.Equal("there should be at least one submission in a batch", tokens.GetProperty("error").GetString());
        Assert.Equal(1, invalid.GetArrayLength());
    }

    [Fact]
    public async Task Listing_is_paged_with_Judge0s_meta_and_refuses_a_page_below_one()
    {
        for (var i = 0; i < 3; i++)
            await fixture.Client.PostAsJsonAsync("/submissions", new { source_code = $"print({i})", language_id = Python3 });

        var page = await JsonAsync(await fixture.Client.GetAsync("/submissions?page=1&per_page=2&fields=token"), HttpStatusCode.OK);
        var bad = await JsonAsync(await fixture.Client.GetAsync("/submissions?page=0"), HttpStatusCode.BadRequest);

        Assert.Equal(2, page.GetProperty("submissions").GetArrayLength());
        var meta = page.GetProperty("meta");
        Assert.Equal(1, meta.GetProperty("current_page").GetInt32());
        Assert.Equal(2, meta.GetProperty("next_page").GetInt32());
        Assert.Equal(JsonValueKind.Null, meta.GetProperty("prev_page").ValueKind);
        Assert.True(meta.GetProperty("total_count").GetInt32() >= 3);
        Assert.Equal("invalid page: 0", bad.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Statuses_are_Judge0s_fourteen()
    {
        var statuses = await JsonAsync(await fixture.Client.GetAsync("/statuses"), HttpStatusCode.OK);

        Assert.Equal(Enumerable.Range(1, 14), statuses.EnumerateArray().Select(s => s.GetProperty("id").GetInt32()));
        Assert.Equal("Runtime Error (SIGSEGV)", statuses[6].GetProperty("description").GetString());
        Assert.Equal("Exec Format Error", statuses[13].GetProperty("description").GetString());
    }

    [Fact]
    public async Task Languages_list_the_live_ones_once_and_every_Judge0_id_resolves()
    {
        var active = await JsonAsync(await fixture.Client.GetAsync("/languages"), HttpStatusCode.OK);
        var all = await JsonAsync(await fixture.Client.GetAsync("/languages/all"), HttpStatusCode.OK);
        var python = await JsonAsync(await fixture.Client.GetAsync("/languages/71"), HttpStatusCode.OK);
        await JsonAsync(await fixture.Client.GetAsync("/languages/4242"), HttpStatusCode.NotFound);

        Assert.Contains(active.EnumerateArray(), l => l.GetProperty("id").GetInt32() == 71 && l.GetProperty("name").GetString() == "Python (3.11)");
        Assert.Equal(Enumerable.Range(43, 47), all.EnumerateArray().Select(l => l.GetProperty("id").GetInt32()));
        Assert.False(all.EnumerateArray().Single(l => l.GetProperty("id").GetInt32() == 71).GetProperty("is_archived").GetBoolean());
        Assert.Equal(["id", "name", "is_archived", "source_file", "compile_cmd", "run_cmd"], python.EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public async Task About_version_config_info_and_workers_answer_as_Judge0_1_13_1()
    {
        var about = await JsonAsync(await fixture.Client.GetAsync("/about"), HttpStatusCode.OK);
        var version = await fixture.Client.GetStringAsync("/version");
        var config = await JsonAsync(await fixture.Client.GetAsync("/config_info"), HttpStatusCode.OK);
        var workers = await JsonAsync(await fixture.Client.GetAsync("/workers"), HttpStatusCode.OK);

        Assert.Equal("1.13.1", about.GetProperty("version").GetString());
        Assert.Equal("1.13.1", version);
        string[] keys =
        [
            "maintenance_mode", "enable_wait_result", "enable_compiler_options", "allowed_languages_for_compile_options",
            "enable_command_line_arguments", "enable_submission_delete", "enable_callbacks", "callbacks_max_tries", "callbacks_timeout",
            "enable_additional_files", "max_queue_size", "cpu_time_limit", "max_cpu_time_limit", "cpu_extra_time", "max_cpu_extra_time",
            "wall_time_limit", "max_wall_time_limit", "memory_limit", "max_memory_limit", "stack_limit", "max_stack_limit",
            "max_processes_and_or_threads", "max_max_processes_and_or_threads", "enable_per_process_and_thread_time_limit",
            "allow_enable_per_process_and_thread_time_limit", "enable_per_process_and_thread_memory_limit",
            "allow_enable_per_process_and_thread_memory_limit", "max_file_size", "max_max_file_size", "number_of_runs",
            "max_number_of_runs", "redirect_stderr_to_stdout", "max_extract_size", "enable_batched_submissions",
            "max_submission_batch_size", "submission_cache_duration", "use_docs_as_homepage", "allow_enable_network", "enable_network",
            "disable_implicit_base64_encoding",
        ];
        Assert.Equal(keys, config.EnumerateObject().Select(p => p.Name));
        Assert.Equal(2.0, config.GetProperty("cpu_time_limit").GetDouble());
        Assert.Equal(262144, config.GetProperty("memory_limit").GetInt32());
        Assert.False(config.GetProperty("allow_enable_network").GetBoolean());
        Assert.Equal("judge", workers[0].GetProperty("queue").GetString());
    }

    [Fact]
    public async Task A_full_queue_answers_503()
    {
        await using var factory = FactoryWith(("Judge0:MaxQueueSize", "0"));
        using var client = await factory.CreateClientWithKeyAsync();

        var response = await client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = Python3 });

        Assert.Equal("queue is full", (await JsonAsync(response, HttpStatusCode.ServiceUnavailable)).GetProperty("error").GetString());
    }

    [Fact]
    public async Task X_Auth_Token_is_an_API_key_and_with_user_tokens_configured_X_Auth_User_guards_listing()
    {
        await using var factory = FactoryWith(("Judge0:AuthzTokens:0", "admin"));
        using var client = factory.CreateClient();
        var key = (await factory.CreateKeyAsync()).Key;

        var anonymous = await client.GetAsync("/statuses");
        var wrong = await Send(client, HttpMethod.Get, "/statuses", ("X-Auth-Token", "judge_guess"));
        var authenticated = await Send(client, HttpMethod.Get, "/statuses", ("X-Auth-Token", key));
        var listWithoutUser = await Send(client, HttpMethod.Get, "/submissions", ("X-Auth-Token", key));
        var listAsAdmin = await Send(client, HttpMethod.Get, "/submissions", ("X-Auth-Token", key), ("X-Auth-User", "admin"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        Assert.Equal(HttpStatusCode.OK, authenticated.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, listWithoutUser.StatusCode);
        Assert.Equal("", await listWithoutUser.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, listAsAdmin.StatusCode);
    }

    [Fact]
    public async Task Another_keys_Judge0_submission_answers_404()
    {
        var created = await JsonAsync(await fixture.Client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = Python3 }),
            HttpStatusCode.Created);
        using var other = await fixture.Factory.CreateClientWithKeyAsync();

        var response = await other.GetAsync($"/submissions/{created.GetProperty("token").GetString()}");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task Browsers_from_any_origin_get_CORS_answers_and_preflights_that_allow_X_Auth_Token()
    {
        var preflight = await Send(fixture.Client, HttpMethod.Options, "/submissions",
            ("Origin", "https://ide.example"), ("Access-Control-Request-Method", "POST"), ("Access-Control-Request-Headers", "content-type,x-auth-token"));
        var simple = await Send(fixture.Client, HttpMethod.Get, "/statuses", ("Origin", "https://ide.example"));

        Assert.True(preflight.IsSuccessStatusCode, $"preflight answered {(int)preflight.StatusCode}");
        Assert.Equal("*", preflight.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.Contains("x-auth-token", string.Join(",", preflight.Headers.GetValues("Access-Control-Allow-Headers")), StringComparison.OrdinalIgnoreCase);
        Assert.Equal("*", simple.Headers.GetValues("Access-Control-Allow-Origin").Single());
    }

    [Fact]
    public async Task Configured_origins_and_path_prefix_are_honoured()
    {
        await using var factory = FactoryWith(("Judge0:CorsOrigins:0", "https://ide.example"), ("Judge0:PathPrefix", "/judge0"));
        using var client = await factory.CreateClientWithKeyAsync();

        var allowed = await Send(client, HttpMethod.Get, "/judge0/statuses", ("Origin", "https://ide.example"));
        var other = await Send(client, HttpMethod.Get, "/judge0/statuses", ("Origin", "https://evil.example"));
        var root = await client.GetAsync("/statuses");

        Assert.Equal(HttpStatusCode.OK, allowed.StatusCode);
        Assert.Equal("https://ide.example", allowed.Headers.GetValues("Access-Control-Allow-Origin").Single());
        Assert.False(other.Headers.Contains("Access-Control-Allow-Origin"));
        Assert.Equal(HttpStatusCode.NotFound, root.StatusCode);
    }

    private static Task<HttpResponseMessage> Send(HttpClient client, HttpMethod method, string path, params (string Name, string Value)[] headers)
    {
        var request = new HttpRequestMessage(method, path);
        foreach (var (name, value) in headers)
            request.Headers.TryAddWithoutValidation(name, value);
        return client.SendAsync(request);
    }
}
