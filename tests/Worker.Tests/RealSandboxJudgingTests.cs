using Judge.Api.Validation;
using Judge.Worker.Judging;

namespace Judge.Worker.Tests;

/// <summary>Real programs, compiled and run in the real sandbox, judged through the consumer.</summary>
[Collection(PostgresCollection.Name)]
public class RealSandboxJudgingTests(PostgresFixture postgres)
{
    private const string CSum = """
        #include <stdio.h>
        int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
        """;

    [Theory]
    [InlineData("c", CSum, "AC")]
    [InlineData("c", "#include <stdio.h>\nint main(void) { puts(\"3\"); return 0; }\n", "WA")]
    [InlineData("c", "int main(void) { return missing; }\n", "CE")]
    [InlineData("python3", "a, b = map(int, input().split())\nprint(a + b)\n", "AC")]
    [InlineData("python3", "print(42)\n", "WA")]
    [InlineData("python3", "raise SystemExit(3)\n", "RE")]
    [InlineData("cpp17", "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << std::endl; }\n", "AC")]
    [InlineData("cpp20", "#include <bits/stdc++.h>\nint main() { std::vector<long> v(2); for (auto& x : v) std::cin >> x; std::cout << std::accumulate(v.begin(), v.end(), 0L) << '\\n'; }\n", "AC")]
    [InlineData("java", "import java.util.*;\npublic class Main { public static void main(String[] a) { Scanner s = new Scanner(System.in); System.out.println(s.nextLong() + s.nextLong()); } }\n", "AC")]
    [InlineData("javascript", "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n", "AC")]
    [InlineData("rust", "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect(); println!(\"{}\", v[0] + v[1]); }\n", "AC")]
    [InlineData("pascal", "var a, b: longint;\nbegin\n  readln(a, b);\n  writeln(a + b);\nend.\n", "AC")]
    [InlineData("bash", "read a b\necho $((a + b))\n", "AC")]
    [InlineData("perl", "my ($a, $b) = split ' ', <STDIN>;\nprint $a + $b, \"\\n\";\n", "AC")]
    public async Task Real_programs_get_the_verdict_they_deserve(string language, string source, string verdict)
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await worker.InsertSubmissionAsync(language, source, tests: [("1 2\n", "3\n", 1), ("40 2\n", "42\n", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.True(verdict == submission.Verdict,
            $"expected {verdict}, got {submission.Verdict}: {submission.Message} {submission.CompileOutput} " +
            string.Join(" | ", (await worker.TestResultsAsync(id)).Select(t => $"{t.Verdict} {t.Message} {t.Stderr}")));
    }

    [Fact]
    public async Task An_endless_loop_is_a_time_limit()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await worker.InsertSubmissionAsync("c", "int main(void) { for (;;) {} }\n", limits: new LimitsRequest(CpuTimeMs: 300), tests: [("", "", 1)]);

        await worker.JudgeAsync(id);

        Assert.Equal("TLE", (await worker.SubmissionAsync(id)).Verdict);
    }

    [Fact]
    public async Task A_compile_of_two_steps_that_fails_in_the_second_is_a_compile_error_with_that_steps_output()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        // nasm assembles it; ld finds nothing called "missing".
        var id = await worker.InsertSubmissionAsync("nasm", "extern missing\nglobal _start\n_start:\n    call missing\n", tests: [("", "", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal("CE", submission.Verdict);
        Assert.Contains("undefined reference to `missing'", submission.CompileOutput);
    }

    /// <summary>The BEAM's JIT sizes an 8 MiB memory file at start-up: under a 4 KiB output limit that was SIGXFSZ (OLE)
    /// before the program ran. The output limit still holds for what the program writes.</summary>
    [Theory]
    [InlineData("main(_) -> io:format(\"3~n\").\n", "AC")]
    [InlineData("main(_) -> io:format(\"~s~n\", [lists:duplicate(8192, $x)]), io:format(\"3~n\").\n", "OLE")]
    public async Task Erlang_runs_under_a_small_output_limit_which_still_holds_for_its_output(string source, string verdict)
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await worker.InsertSubmissionAsync("erlang", source, limits: new LimitsRequest(OutputKb: 4), tests: [("", "3\n", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.True(verdict == submission.Verdict, $"expected {verdict}, got {submission.Verdict}: {submission.Message} {submission.CompileOutput}");
    }

    [Fact]
    public async Task Java_using_most_of_its_memory_limit_is_not_a_memory_limit()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        const string source = """
            public class Main { public static void main(String[] a) {
                byte[] big = new byte[150 << 20]; for (int i = 0; i < big.length; i += 4096) big[i] = 1;
                System.out.println(big[4096]); } }
            """;
        var id = await worker.InsertSubmissionAsync("java", source, limits: new LimitsRequest(MemoryKb: 262144), tests: [("", "1\n", 1)]);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.True(submission.Verdict == "AC", $"{submission.Verdict}: {submission.Message} {submission.CompileOutput}");
    }

    [Fact]
    public async Task A_custom_checker_in_C_decides_with_its_exit_code_and_explains_with_its_stderr()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        // Accepts any answer within 1 of the jury's.
        const string checker = """
            #include <stdio.h>
            #include <stdlib.h>
            int main(int argc, char **argv) {
                FILE *out = fopen(argv[2], "r"), *ans = fopen(argv[3], "r");
                long got, want;
                if (fscanf(ans, "%ld", &want) != 1) return 3;
                if (fscanf(out, "%ld", &got) != 1) { fprintf(stderr, "no number\n"); return 2; }
                if (labs(got - want) > 1) { fprintf(stderr, "got %ld, want %ld\n", got, want); return 1; }
                return 0;
            }
            """;
        var id = await worker.InsertSubmissionAsync("python3", "print(int(input()) + 1)\n",
            checker: new CheckerRequest("custom", null, checker, "c"),
            tests: [("10", "10", 1), ("10", "12", 1), ("10", "20", 1)]);

        await worker.JudgeAsync(id);

        var tests = await worker.TestResultsAsync(id);
        Assert.Equal(["AC", "AC", "WA"], tests.Select(t => t.Verdict));
        Assert.Equal("got 11, want 20", tests[2].Message);
        Assert.Equal(2, (await worker.SubmissionAsync(id)).Score);
    }
}
