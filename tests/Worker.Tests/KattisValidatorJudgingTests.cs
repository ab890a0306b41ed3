using System.Diagnostics;
using Judge.Sandbox;

namespace Judge.Worker.Tests;

/// <summary>Kattis packages with their own output validator, or interactive, stored as the Api stores an upload and
/// judged by the worker in the real sandbox.</summary>
[Collection(PostgresCollection.Name)]
public class KattisValidatorJudgingTests(PostgresFixture postgres)
{
    /// <summary>Checks that the output is a proper divisor of the input's number, whichever; it wants its flag "strict".</summary>
    private const string DivisorValidator = """
        #include <stdio.h>
        #include <string.h>
        int main(int argc, char** argv) {
            if (argc < 5 || strcmp(argv[4], "strict") != 0) { fprintf(stderr, "expected the flag strict\n"); return 1; }
            FILE* in = fopen(argv[1], "r");
            long long n, d;
            if (fscanf(in, "%lld", &n) != 1) return 1;
            char path[4096];
            snprintf(path, sizeof path, "%s/judgemessage.txt", argv[3]);
            FILE* message = fopen(path, "w");
            if (scanf("%lld", &d) != 1) { fprintf(message, "no number in the output\n"); return 43; }
            if (d <= 1 || d >= n || n % d != 0) { fprintf(message, "%lld is not a proper divisor of %lld\n", d, n); return 43; }
            char extra;
            if (scanf(" %c", &extra) == 1) { fprintf(message, "more output after the divisor\n"); return 43; }
            return 42;
        }
        """;

    [Fact]
    public async Task A_custom_validator_accepts_any_right_answer_and_its_judgemessage_explains_a_rejection()
    {
        var sandbox = new RecordingSandbox(HostToolchains.Sandbox);
        var worker = await WorkerHarness.StartAsync(postgres, sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(
            ("divisor/problem.yaml", "name: Divisor\nvalidation: custom\nvalidator_flags: strict\n"),
            ("divisor/output_validators/divides/divides.c", DivisorValidator),
            ("divisor/data/secret/1.in", "15\n"), ("divisor/data/secret/1.ans", "3\n"),
            ("divisor/data/secret/2.in", "91\n"), ("divisor/data/secret/2.ans", "7\n"));
        var smallest = await worker.InsertSubmissionAsync("python3", "n = int(input())\nprint(next(d for d in range(2, n) if n % d == 0))\n", problemId: problem);
        // 5 and 13: not the answers in the package, but right.
        var largest = await worker.InsertSubmissionAsync("python3", "n = int(input())\nprint(next(n // d for d in range(2, n) if n % d == 0))\n", problemId: problem);
        var wrong = await worker.InsertSubmissionAsync("python3", "print(1)\n", problemId: problem);

        await worker.JudgeAsync(smallest);
        await worker.JudgeAsync(largest);
        await worker.JudgeAsync(wrong);

        await AssertVerdictAsync(worker, smallest, "AC");
        await AssertVerdictAsync(worker, largest, "AC");
        Assert.Equal(2, (await worker.SubmissionAsync(largest)).Score);
        var rejected = await worker.TestResultsAsync(wrong);
        Assert.Equal(["WA", "WA"], rejected.Select(t => t.Verdict));
        Assert.Equal("1 is not a proper divisor of 15", rejected[0].Message);
        Assert.Equal("WA", (await worker.SubmissionAsync(wrong)).Verdict);
        // Compiled once for the three submissions (the worker keeps it), and removed with the worker.
        Assert.Single(sandbox.Volumes, volume => Path.GetFileName(volume.HostPath).StartsWith("validator-", StringComparison.Ordinal));
        await worker.DisposeAsync();
        Assert.True(sandbox.AllVolumesRemoved(), "a volume outlived the worker");
    }

    [Fact]
    public async Task A_validator_that_crashes_is_an_internal_error_naming_the_validator_and_its_stderr_not_the_programs_fault()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(
            ("broken/problem.yaml", "name: Broken\nvalidation: custom\n"),
            ("broken/output_validators/broken/broken.py", "raise RuntimeError('the jury forgot a case')\n"),
            ("broken/data/secret/1.in", "1\n"), ("broken/data/secret/1.ans", "1\n"));
        var submission = await worker.InsertSubmissionAsync("python3", "print(input())\n", problemId: problem);

        await worker.JudgeAsync(submission);

        var judged = await worker.SubmissionAsync(submission);
        Assert.Equal("IE", judged.Verdict);
        Assert.Contains("the validator output_validators/broken failed", judged.Message);
        Assert.Contains("RuntimeError: the jury forgot a case", judged.Message);
        Assert.Equal("IE", Assert.Single(await worker.TestResultsAsync(submission)).Verdict);
    }

    [Fact]
    public async Task A_judgemessage_the_validator_made_a_link_to_a_host_file_is_not_followed()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(
            ("linker/problem.yaml", "name: Linker\nvalidation: custom\n"),
            ("linker/output_validators/linker/linker.py", """
                import os, sys
                os.symlink("/etc/passwd", sys.argv[3] + "/judgemessage.txt")
                sys.exit(43)
                """),
            ("linker/data/secret/1.in", "1\n"), ("linker/data/secret/1.ans", "1\n"));
        var submission = await worker.InsertSubmissionAsync("python3", "print(1)\n", problemId: problem);

        await worker.JudgeAsync(submission);

        var result = Assert.Single(await worker.TestResultsAsync(submission));
        Assert.Equal("WA", result.Verdict);
        Assert.Null(result.Message); // not the worker's /etc/passwd
    }

    [Fact]
    public async Task A_scoring_validators_score_txt_is_the_accepted_tests_score_which_the_groups_grader_adds_up()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(
            ("bid/problem.yaml", "name: Bid\ntype: scoring\nvalidation: custom score\n"),
            ("bid/output_validators/bid/bid.py", """
                import sys
                bid = float(sys.stdin.read())
                with open(sys.argv[3] + "/score.txt", "w") as score:
                    score.write(f"{bid}\n")
                sys.exit(42)
                """),
            ("bid/data/sample/1.in", "0\n"), ("bid/data/sample/1.ans", "-\n"),
            ("bid/data/secret/1.in", "1\n"), ("bid/data/secret/1.ans", "-\n"),
            ("bid/data/secret/2.in", "2\n"), ("bid/data/secret/2.ans", "-\n"));
        var submission = await worker.InsertSubmissionAsync("python3", "print(2.6)\n", problemId: problem);

        await worker.JudgeAsync(submission);

        await AssertVerdictAsync(worker, submission, "AC");
        Assert.Equal(5.2, (await worker.SubmissionAsync(submission)).Score!.Value, 6); // 2.6 + 2.6 (sum); the sample scores nothing
    }

    /// <summary>The number is in the input; the program guesses, the validator answers higher, lower or correct.</summary>
    private static readonly (string Name, string Content)[] GuessingGame =
    [
        ("problem.yaml", "problem_format_version: 2023-07-draft\nname: Guess\ntype: interactive\nlimits:\n  time_limit: 1\n"),
        ("output_validator/guess.py", """
            import sys
            secret = int(open(sys.argv[1]).read())

            def judge(message, code):
                with open(sys.argv[3] + "/judgemessage.txt", "w") as feedback:
                    feedback.write(message + "\n")
                sys.exit(code)

            def say(reply):
                try:
                    print(reply, flush=True)
                except BrokenPipeError:
                    judge("the program stopped reading", 43)

            for guesses in range(1, 11):
                line = sys.stdin.readline()
                if not line:
                    judge(f"the program ended after {guesses - 1} guesses", 43)
                try:
                    guess = int(line)
                except ValueError:
                    judge(f"not a number: {line.strip()}", 43)
                if guess == secret:
                    say("correct")
                    judge(f"guessed in {guesses}", 42)
                say("lower" if guess > secret else "higher")
            judge("more than 10 guesses", 43)
            """),
        ("data/sample/1.in", "37\n"), ("data/sample/1.ans", "37\n"),
        ("data/secret/1.in", "100\n"), ("data/secret/1.ans", "100\n"),
    ];

    [Fact]
    public async Task Interactive_guessing_game_accepts_a_binary_search_and_rejects_a_program_that_gives_up()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(GuessingGame);
        var search = await worker.InsertSubmissionAsync("python3", """
            lo, hi = 1, 100
            while True:
                mid = (lo + hi) // 2
                print(mid, flush=True)
                reply = input()
                if reply == "correct":
                    break
                if reply == "lower":
                    hi = mid - 1
                else:
                    lo = mid + 1
            """, problemId: problem);
        var givesUp = await worker.InsertSubmissionAsync("python3", "print(1, flush=True)\ninput()\n", problemId: problem);

        await worker.JudgeAsync(search);
        await worker.JudgeAsync(givesUp);

        await AssertVerdictAsync(worker, search, "AC");
        var rejected = await worker.TestResultsAsync(givesUp);
        Assert.Equal(["WA", "WA"], rejected.Select(t => t.Verdict));
        Assert.Equal("the program ended after 1 guesses", rejected[0].Message);
    }

    [Fact]
    public async Task Interactive_program_that_never_flushes_ends_time_limit_exceeded_by_its_own_limits()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await worker.InsertPackageAsync(GuessingGame);
        // Its guess waits in its buffer (stdout is a pipe) while it waits for the answer: neither side can go on.
        // (Not input(), which flushes stdout first.)
        var silent = await worker.InsertSubmissionAsync("python3", "import sys\nprint(50)\nsys.stdin.readline()\n", problemId: problem);

        var clock = Stopwatch.StartNew();
        await worker.JudgeAsync(silent);

        var results = await worker.TestResultsAsync(silent);
        Assert.Equal(["TLE", "TLE"], results.Select(t => t.Verdict));
        Assert.Equal("TLE", (await worker.SubmissionAsync(silent)).Verdict);
        // 1 s of CPU makes a wall time of 3 s per test; the validator (20 s of its own on top) never held the slot longer.
        Assert.InRange(clock.Elapsed, TimeSpan.Zero, TimeSpan.FromSeconds(40));
    }

    private static async Task AssertVerdictAsync(WorkerHarness worker, Guid id, string verdict)
    {
        var judged = await worker.SubmissionAsync(id);
        Assert.True(judged.Verdict == verdict, $"{judged.Verdict}: {judged.Message} {judged.CompileOutput} " +
            string.Join(" | ", (await worker.TestResultsAsync(id)).Select(t => $"{t.Verdict} {t.Message} {t.Stderr}")));
    }
}
