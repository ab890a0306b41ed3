using Dapper;
using Judge.Api.Validation;
using Judge.Contracts;
using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Languages;
using Judge.Worker.Messaging;
using MassTransit;
using MassTransit.Testing;
using Npgsql;

namespace Judge.Worker.Tests;

[Collection(PostgresCollection.Name)]
public class JudgeSubmissionConsumerTests(PostgresFixture postgres)
{
    private static readonly Language C = LanguageCatalog.C();

    [Fact]
    public async Task Accepted_submission_gets_verdict_score_and_every_test_result_and_is_announced()
    {
        var sandbox = new FakeSandbox();
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1 2\n", "1 2", 3), ("x\n", "x\n", 4)]);

        await using var listener = await postgres.DataSource.OpenConnectionAsync();
        string? announced = null;
        listener.Notification += (_, e) => announced = e.Payload;
        await listener.ExecuteAsync("LISTEN submission_done");

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal(("done", "AC", 7), (submission.Status, submission.Verdict, submission.Score));
        Assert.NotNull(submission.StartedAt);
        Assert.NotNull(submission.FinishedAt);
        var tests = await worker.TestResultsAsync(id);
        Assert.Equal([1, 2], tests.Select(t => t.Index));
        Assert.All(tests, t => Assert.Equal("AC", t.Verdict));
        Assert.Equal("1 2\n", tests[0].Stdout);
        // The run's peak, plus what the program's files take in its box (a page or two for this one).
        Assert.InRange(tests[0].MemoryKb, 3072 + 4, 3072 + 64);

        await listener.WaitAsync(TimeSpan.FromSeconds(30));
        Assert.Equal(id.ToString(), announced);
    }

    [Fact]
    public async Task A_compiled_program_gets_a_tmpfs_box_of_its_own_and_an_interpreted_program_a_plain_directory()
    {
        // Seen while the run is going on: the worker removes the box when the submission is done.
        var programBoxIsMounted = new List<bool>();
        var sandbox = new FakeSandbox(spec =>
        {
            if (!FakeSandbox.IsCompile(spec))
            {
                var box = spec.Binds.Single(b => b.Target == Language.ProgramDirectory).Source;
                programBoxIsMounted.Add(File.ReadLines("/proc/self/mounts").Any(line => line.Split(' ')[1] == box));
            }
            return null;
        });
        // SQLite: an interpreted language with no syntax check, so nothing to compile (Python's compile step is its syntax check).
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C, LanguageCatalog.Sqlite());
        var compiled = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1\n", "1", 1)]);
        var interpreted = await worker.InsertSubmissionAsync("sqlite", "SELECT 1;", tests: [("1\n", "1", 1)]);

        await worker.JudgeAsync(compiled);
        await worker.JudgeAsync(interpreted);

        Assert.Equal([true, false], programBoxIsMounted);
        Assert.Equal("AC", (await worker.SubmissionAsync(interpreted)).Verdict);
    }

    [Fact]
    public async Task Problem_tests_run_in_order_the_first_failure_decides_and_the_score_counts_accepted_points()
    {
        var sandbox = new FakeSandbox();
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var problem = await worker.InsertProblemAsync(new LimitsRequest(CpuTimeMs: 700, MemoryKb: 65536), new CheckerRequest("tokens", null, null, null),
            ("a  b", "a b", 10), ("c", "d", 20), ("e", "e", 30));
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", problemId: problem);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal(("WA", 40), (submission.Verdict, submission.Score));
        var tests = await worker.TestResultsAsync(id);
        Assert.Equal(["AC", "WA", "AC"], tests.Select(t => t.Verdict));
        Assert.Equal("token 1: expected \"d\", got \"c\"", tests[1].Message);
        var run = sandbox.Specs.First(spec => !FakeSandbox.IsCompile(spec));
        Assert.Equal(TimeSpan.FromMilliseconds(700), run.Limits.CpuTime);
        // Less the program's files, which the run is charged for by the worker rather than by the cgroup.
        Assert.InRange(run.Limits.MemoryBytes!.Value, (64L << 20) - (64 << 10), (64L << 20) - (4 << 10));
    }

    [Fact]
    public async Task Compile_error_keeps_the_compiler_output_and_runs_no_test()
    {
        var sandbox = new FakeSandbox();
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "syntax error", tests: [("1", "1", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal(("CE", 0), (submission.Verdict, submission.Score));
        Assert.Contains("error: expected something", submission.CompileOutput);
        Assert.Empty(await worker.TestResultsAsync(id));
        Assert.Single(sandbox.Specs);
    }

    [Fact]
    public async Task Runs_see_the_compile_volume_read_only_at_prog_with_a_fresh_box_and_their_streams_in_no_volume()
    {
        var sandbox = new FakeSandbox();
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1), ("2", "2", 1)]);

        await worker.JudgeAsync(id);

        var compile = sandbox.Specs.First();
        Assert.Equal(C.Compile, compile.Command);
        Assert.Equal(sandbox.Volumes.First().HostPath, compile.WorkDir);
        var runs = sandbox.Specs.Skip(1).ToList();
        Assert.Equal(2, runs.Count);
        Assert.All(runs, run =>
        {
            var bind = Assert.Single(run.Binds);
            Assert.Equal((compile.WorkDir, "/prog", false), (bind.Source, bind.Target, bind.Writable));
            Assert.Null(run.WorkDir);
            Assert.Equal((null, null, null), (run.StdinPath, run.StdoutPath, run.StderrPath));
            Assert.True(run.CaptureOutput);
            Assert.NotNull(run.Stdin);
            Assert.DoesNotContain(run.Environment.Keys, key => key.Contains("Connection", StringComparison.OrdinalIgnoreCase));
        });
        Assert.True(sandbox.AllVolumesRemoved());
    }

    [Fact]
    public async Task Plain_run_is_accepted_on_a_clean_exit_and_keeps_its_stdout()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", stdin: "hello\n");

        await worker.JudgeAsync(id);

        Assert.Equal("AC", (await worker.SubmissionAsync(id)).Verdict);
        Assert.Equal("hello\n", Assert.Single(await worker.TestResultsAsync(id)).Stdout);
    }

    [Fact]
    public async Task Plain_run_that_crashes_is_a_runtime_error()
    {
        var sandbox = new FakeSandbox(spec => FakeSandbox.IsCompile(spec) ? null : FakeSandbox.Result(SandboxStatus.RuntimeError, 3));
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){return 3;}", stdin: "");

        await worker.JudgeAsync(id);

        Assert.Equal("RE", (await worker.SubmissionAsync(id)).Verdict);
        Assert.Equal(3, Assert.Single(await worker.TestResultsAsync(id)).ExitCode);
    }

    [Fact]
    public async Task Custom_checker_is_compiled_once_and_its_exit_code_and_stderr_decide_each_test()
    {
        // The checker accepts when output equals answer, else exits 1 (WA) with a reason on stderr. The output is its
        // stdin, named /dev/stdin: the program's captured stdout itself, not a copy in the box.
        var sandbox = new FakeSandbox(spec =>
        {
            if (FakeSandbox.IsCompile(spec) || spec.Command[^1] != "/data/answer")
                return null;
            Assert.Equal(["/data/input", "/dev/stdin", "/data/answer"], spec.Command.TakeLast(3));
            Assert.Empty(Directory.GetFileSystemEntries(spec.WorkDir!));
            var output = FakeSandbox.Input(spec);
            var answer = FakeSandbox.JuryFile(spec, "/data/answer");
            return output == answer ? FakeSandbox.Result() : FakeSandbox.Result(SandboxStatus.RuntimeError, 1, stderr: $"wanted {answer}\n");
        });
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var checker = new CheckerRequest("custom", null, "checker source", "c");
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", checker: checker, tests: [("7", "7", 1), ("8", "9", 1)]);

        await worker.JudgeAsync(id);

        Assert.Equal(("WA", 1), ((await worker.SubmissionAsync(id)).Verdict, (await worker.SubmissionAsync(id)).Score));
        var tests = await worker.TestResultsAsync(id);
        Assert.Equal(["AC", "WA"], tests.Select(t => t.Verdict));
        Assert.Equal("wanted 9", tests[1].Message);
        Assert.Equal(2, sandbox.Specs.Count(FakeSandbox.IsCompile));
    }

    [Fact]
    public async Task A_wrong_answer_whose_message_cut_falls_inside_a_surrogate_pair_is_stored()
    {
        // The fake program echoes its input: 59 letters, then an emoji whose halves straddle the message's 60-char cut.
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        var line = new string('a', 59) + "\U0001F600b\n";
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [(line, "c\n", 1)]);

        await worker.JudgeAsync(id);

        Assert.Equal("WA", (await worker.SubmissionAsync(id)).Verdict);
        var test = Assert.Single(await worker.TestResultsAsync(id));
        Assert.Equal($"line 1: expected \"c\", got \"{new string('a', 59)}…\"", test.Message);
        Assert.Equal(line, test.Stdout);
    }

    [Fact]
    public async Task Lone_surrogates_and_nul_in_any_text_are_stored_as_replacement_characters()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);
        var store = new Data.JudgingStore(postgres.DataSource);
        const string bad = "a\uD800b\0c\uDC00";
        var test = new TestResult(1, Verdict.WA, 1, 1, 1, 0, null, bad, false, bad, false, bad);

        Assert.True(await store.FinishAsync(id, new Judging.JudgeOutcome(Verdict.WA, 0, bad, bad, [test]), CancellationToken.None));

        const string stored = "a\uFFFDb\uFFFDc\uFFFD";
        var submission = await worker.SubmissionAsync(id);
        Assert.Equal((stored, stored), (submission.CompileOutput, submission.Message));
        var row = Assert.Single(await worker.TestResultsAsync(id));
        Assert.Equal((stored, stored, stored), (row.Stdout, row.Stderr, row.Message));
    }

    [Fact]
    public async Task Redelivered_message_for_a_done_submission_changes_nothing()
    {
        var sandbox = new FakeSandbox();
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);
        await worker.JudgeAsync(id);
        var first = await worker.SubmissionAsync(id);
        var runs = sandbox.Specs.Count;

        await worker.JudgeAsync(id);

        Assert.Equal(first, await worker.SubmissionAsync(id));
        Assert.Equal(runs, sandbox.Specs.Count);
        Assert.Single(await worker.TestResultsAsync(id));
    }

    [Fact]
    public async Task Unknown_language_is_an_internal_error_with_a_reason()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        var id = await worker.InsertSubmissionAsync("cobol", "DISPLAY 'HI'.", tests: [("", "HI", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal(("done", "IE"), (submission.Status, submission.Verdict));
        Assert.Contains("cobol", submission.Message);
    }

    [Fact]
    public async Task A_sandbox_setup_error_in_a_test_is_an_internal_error_carrying_the_sandbox_message()
    {
        var sandbox = new FakeSandbox(spec => FakeSandbox.IsCompile(spec)
            ? null
            : new SandboxResult(SandboxStatus.SetupError, null, null, 0, 0, 0, "mount /proc: EPERM"));
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal(("IE", "mount /proc: EPERM"), (submission.Verdict, submission.Message));
    }

    [Fact]
    public async Task A_failure_not_worth_retrying_ends_in_the_error_queue_with_the_submission_marked_IE()
    {
        var sandbox = new FakeSandbox(_ => throw new InvalidOperationException("worker bug"));
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);

        await worker.JudgeAsync(id);

        Assert.True(await worker.Bus.Published.Any<Fault<JudgeSubmission>>(m => m.Context.Message.Message.SubmissionId == id));
        Assert.True(await worker.Bus.GetConsumerHarness<JudgeSubmissionFaultConsumer>().Consumed.Any<Fault<JudgeSubmission>>());
        Assert.Single(sandbox.Specs); // not retried
        var submission = await WaitForVerdictAsync(worker, id);
        Assert.Equal("IE", submission.Verdict);
        Assert.Contains("InvalidOperationException: worker bug", submission.Message);
    }

    [Fact]
    public async Task A_transient_infrastructure_failure_is_retried_and_then_judged_normally()
    {
        var failures = 1;
        var sandbox = new FakeSandbox(_ => Interlocked.Decrement(ref failures) >= 0 ? throw new TimeoutException("database away") : null);
        await using var worker = await WorkerHarness.StartAsync(postgres, sandbox, C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);

        await worker.JudgeAsync(id);

        var submission = await WaitForVerdictAsync(worker, id);
        Assert.Equal("AC", submission.Verdict);
        Assert.False(await worker.Bus.Published.Any<Fault<JudgeSubmission>>(m => m.Context.Message.Message.SubmissionId == id));
    }

    [Fact]
    public async Task A_second_finish_for_the_same_submission_writes_nothing()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        var id = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);
        var store = new Data.JudgingStore(postgres.DataSource);

        Assert.True(await store.FinishAsync(id, new Judging.JudgeOutcome(Verdict.WA, 0, null, null, []), CancellationToken.None));
        Assert.False(await store.MarkInternalErrorAsync(id, "late fault", CancellationToken.None));

        Assert.Equal("WA", (await worker.SubmissionAsync(id)).Verdict);
    }

    [Fact]
    public async Task A_claim_marks_a_compiled_language_compiling_and_one_with_nothing_to_compile_running()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        var compiled = await worker.InsertSubmissionAsync("c", "int main(){}", tests: [("1", "1", 1)]);
        var interpreted = await worker.InsertSubmissionAsync("bash", "echo 1", tests: [("1", "1", 1)]);
        var store = new Data.JudgingStore(postgres.DataSource);

        var claimedCompiled = await store.ClaimAsync(compiled, ["bash"], CancellationToken.None);
        var claimedInterpreted = await store.ClaimAsync(interpreted, ["bash"], CancellationToken.None);

        Assert.Equal("compiling", (await worker.SubmissionAsync(compiled)).Status);
        Assert.Equal("running", (await worker.SubmissionAsync(interpreted)).Status);
        Assert.Equal(["1"], claimedCompiled!.Tests.Select(t => t.Input));
        Assert.Equal(["1"], claimedInterpreted!.Tests.Select(t => t.Input));
    }

    [Fact]
    public async Task Languages_are_advertised_refreshed_and_withdrawn_per_worker()
    {
        var store = new Data.JudgingStore(postgres.DataSource);
        var workerId = $"test-{Guid.NewGuid():N}";
        DetectedLanguage[] languages = [new(C, "gcc 12"), new(LanguageCatalog.Bash(), "bash 5")];

        await store.AdvertiseLanguagesAsync(workerId, languages, CancellationToken.None);
        await store.AdvertiseLanguagesAsync(workerId, [new(C, "gcc 13")], CancellationToken.None);

        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        var rows = (await connection.QueryAsync<(string, string)>(
            "SELECT language_id, version FROM worker_languages WHERE worker_id = @workerId ORDER BY language_id", new { workerId })).ToList();
        Assert.Equal([("bash", "bash 5"), ("c", "gcc 13")], rows);

        await store.WithdrawLanguagesAsync(workerId, CancellationToken.None);
        Assert.Equal(0, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM worker_languages WHERE worker_id = @workerId", new { workerId }));
    }

    /// <summary>The fault path finishes after the original message is settled, so its verdict may land a little later.</summary>
    private static async Task<WorkerHarness.SubmissionRow> WaitForVerdictAsync(WorkerHarness worker, Guid id)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (true)
        {
            var submission = await worker.SubmissionAsync(id);
            if (submission.Status == "done" || DateTime.UtcNow > deadline)
                return submission;
            await Task.Delay(100);
        }
    }
}
