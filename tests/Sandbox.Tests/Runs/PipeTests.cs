namespace Judge.Sandbox.Tests.Runs;

/// <summary>Two runs at the same time joined by pipes the trusted side made (an interactive problem's program and
/// validator): what one writes the other reads, and when one side ends the other is not left waiting.</summary>
[Collection(SandboxCollection.Name)]
public sealed class PipeTests(SandboxFixture sandbox)
{
    private static readonly SandboxLimits Limits = new() { CpuTime = TimeSpan.FromSeconds(5), WallTime = TimeSpan.FromSeconds(30), Processes = 8 };

    [Fact]
    public async Task Two_runs_joined_by_two_pipes_answer_each_other_and_both_end()
    {
        using var toAnswerer = SandboxPipe.Create();
        using var toAsker = SandboxPipe.Create();

        var (asker, answerer) = await sandbox.Runner.RunPairAsync(
            new SandboxSpec
            {
                Command = [sandbox.CompileC(Programs.Asker)],
                Limits = Limits,
                Stdin = SandboxInput.FromPipe(toAsker),
                StdoutPipe = toAnswerer,
                CaptureOutput = true,
            },
            new SandboxSpec
            {
                Command = [sandbox.CompileC(Programs.Doubler)],
                Limits = Limits,
                Stdin = SandboxInput.FromPipe(toAnswerer),
                StdoutPipe = toAsker,
                CaptureOutput = true,
            });
        using var _ = asker;
        using var __ = answerer;

        ResultAssert.Status(SandboxStatus.Ok, asker);
        ResultAssert.Status(SandboxStatus.Ok, answerer);
        Assert.Null(asker.Stdout);
        Assert.Equal("7 -> 14\n21 -> 42\n", ReadAll(asker.Stderr!));
    }

    [Fact]
    public async Task When_the_writer_exits_the_reader_sees_end_of_file_instead_of_waiting_for_its_wall_time()
    {
        using var pipe = SandboxPipe.Create();

        var (writer, reader) = await sandbox.Runner.RunPairAsync(
            new SandboxSpec { Command = ["/bin/true"], Limits = Limits, StdoutPipe = pipe, Stdin = SandboxInput.FromBytes(default) },
            new SandboxSpec { Command = ["/bin/cat"], Limits = Limits, Stdin = SandboxInput.FromPipe(pipe), CaptureOutput = true });
        using var _ = writer;
        using var __ = reader;

        ResultAssert.Status(SandboxStatus.Ok, reader);
        Assert.InRange(reader.WallTimeMs, 0, 15_000);
    }

    [Fact]
    public async Task When_the_reader_exits_the_writer_is_stopped_by_the_broken_pipe_instead_of_blocking()
    {
        using var pipe = SandboxPipe.Create();

        var (writer, reader) = await sandbox.Runner.RunPairAsync(
            new SandboxSpec { Command = ["/usr/bin/yes"], Limits = Limits, StdoutPipe = pipe, CaptureOutput = true },
            new SandboxSpec { Command = ["/usr/bin/head", "-c", "1"], Limits = Limits, Stdin = SandboxInput.FromPipe(pipe), CaptureOutput = true });
        using var _ = writer;
        using var __ = reader;

        ResultAssert.Status(SandboxStatus.Ok, reader);
        // SIGPIPE (13), or yes's own exit when it sees EPIPE: either way it ended long before its limits.
        Assert.True(writer.Status is SandboxStatus.Signaled or SandboxStatus.RuntimeError, $"got {writer}");
        Assert.InRange(writer.WallTimeMs, 0, 15_000);
    }

    [Fact]
    public async Task Two_runs_that_both_wait_to_read_first_end_by_their_wall_time_and_release_each_other()
    {
        using var one = SandboxPipe.Create();
        using var two = SandboxPipe.Create();
        var shortLimits = Limits with { WallTime = TimeSpan.FromSeconds(1) };

        var (first, second) = await sandbox.Runner.RunPairAsync(
            new SandboxSpec { Command = ["/bin/cat"], Limits = shortLimits, Stdin = SandboxInput.FromPipe(one), StdoutPipe = two },
            new SandboxSpec { Command = ["/bin/cat"], Limits = Limits, Stdin = SandboxInput.FromPipe(two), StdoutPipe = one });
        using var _ = first;
        using var __ = second;

        ResultAssert.Status(SandboxStatus.WallTimeLimit, first);
        // The second was given 30 s; the first's end closed its stdin, so it ended with it.
        ResultAssert.Status(SandboxStatus.Ok, second);
        Assert.InRange(second.WallTimeMs, 0, 15_000);
    }

    [Fact]
    public async Task A_pair_whose_first_spec_is_invalid_starts_neither()
    {
        using var pipe = SandboxPipe.Create();

        await Assert.ThrowsAsync<SandboxSpecException>(() => sandbox.Runner.RunPairAsync(
            new SandboxSpec { Command = ["/bin/true"], StdoutPipe = pipe, CaptureOutput = true, StderrToStdout = true },
            new SandboxSpec { Command = ["/bin/cat"], Stdin = SandboxInput.FromPipe(pipe) }));
    }

    private static string ReadAll(CapturedOutput output)
    {
        using var reader = new StreamReader(output.OpenRead());
        return reader.ReadToEnd();
    }

    private static class Programs
    {
        /// <summary>Asks two questions, one at a time, and tells on stderr what it was answered.</summary>
        public const string Asker = """
            #include <stdio.h>
            int main(void) {
                int questions[] = { 7, 21 };
                for (int i = 0; i < 2; i++) {
                    int answer;
                    printf("%d\n", questions[i]);
                    fflush(stdout);
                    if (scanf("%d", &answer) != 1) return 1;
                    fprintf(stderr, "%d -> %d\n", questions[i], answer);
                }
                return 0;
            }
            """;

        /// <summary>Answers every number with its double, until end of file.</summary>
        public const string Doubler = """
            #include <stdio.h>
            int main(void) {
                int n;
                while (scanf("%d", &n) == 1) { printf("%d\n", 2 * n); fflush(stdout); }
                return 0;
            }
            """;
    }
}
