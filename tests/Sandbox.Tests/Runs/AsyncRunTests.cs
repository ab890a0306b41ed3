using Judge.Testing;

namespace Judge.Sandbox.Tests.Runs;

/// <summary>Runs started with <see cref="SandboxRunner.RunAsync"/>: on the runner's own threads, at most
/// <see cref="SandboxOptions.ConcurrentRuns"/> at once, cancellable while they wait and while they run.</summary>
[Collection(SandboxCollection.Name)]
public sealed class AsyncRunTests(SandboxFixture sandbox)
{
    private static readonly SandboxLimits Limits = new() { CpuTime = TimeSpan.FromSeconds(5), WallTime = TimeSpan.FromMinutes(5), Processes = 8 };

    [Fact]
    public async Task An_async_run_reports_its_exit_code_and_its_captured_output()
    {
        using var result = await sandbox.Runner.RunAsync(new SandboxSpec
        {
            Command = [sandbox.CompileC(Programs.Speaks)],
            Limits = Limits,
            CaptureOutput = true,
        });

        Assert.Equal((SandboxStatus.RuntimeError, 3), (result.Status, result.ExitCode));
        Assert.Equal("to stdout\n"u8.ToArray(), result.Stdout!.ReadStart(100, out _));
        Assert.Equal("to stderr\n"u8.ToArray(), result.Stderr!.ReadStart(100, out _));
    }

    [Fact]
    public async Task A_run_waits_while_every_thread_of_the_runner_is_busy_and_a_cancelled_waiting_run_never_starts()
    {
        var runner = new SandboxRunner(sandbox.Runner.Options with { ConcurrentRuns = 1 });
        string sleeper = sandbox.CompileC(Programs.Sleeps);
        string marker = $"judge-async-{Guid.NewGuid():N}";
        string directory = sandbox.NewDirectory();
        using var first = new CancellationTokenSource();
        using var second = new CancellationTokenSource();

        Task<SandboxResult> busy = runner.RunAsync(new SandboxSpec { Command = [sleeper, marker], Limits = Limits }, first.Token);
        Assert.True(SpinWait.SpinUntil(() => HostPrograms.HostHasProcessWithArgument(marker), TimeSpan.FromSeconds(60)),
            $"the first run never started (it is {busy.Status})");
        Task<SandboxResult> waiting = runner.RunAsync(new SandboxSpec { Command = ["/bin/true"], Limits = Limits }, CancellationToken.None);
        Task<SandboxResult> dropped = runner.RunAsync(new SandboxSpec
        {
            Command = ["/bin/true"],
            Limits = Limits,
            StdoutPath = Path.Combine(directory, "stdout"),
        }, second.Token);

        // However long we look, the one thread is taken: nothing behind the first run may start.
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.False(waiting.IsCompleted, "a second run went while the runner's only thread was busy");
        second.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => dropped.WaitAsync(TimeSpan.FromSeconds(10)));

        first.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => busy.WaitAsync(TimeSpan.FromSeconds(30)));
        using var next = await waiting.WaitAsync(TimeSpan.FromSeconds(60));
        ResultAssert.Status(SandboxStatus.Ok, next);
        Assert.False(File.Exists(Path.Combine(directory, "stdout")), "the cancelled run was prepared after all");
        Assert.False(HostPrograms.HostHasProcessWithArgument(marker), "a process of the cancelled run outlived it");
        Assert.Empty(sandbox.RunCgroups());
    }

    [Fact]
    public async Task A_spec_the_sandbox_refuses_fails_the_task_with_the_reason()
    {
        var error = await Assert.ThrowsAsync<SandboxSpecException>(() =>
            sandbox.Runner.RunAsync(new SandboxSpec { Command = ["/bin/true"], Limits = new SandboxLimits { MemoryBytes = 1 } }));

        Assert.Contains("MemoryBytes", error.Message);
    }

    private static class Programs
    {
        public const string Speaks = """
            #include <stdio.h>
            int main(void) { fputs("to stdout\n", stdout); fputs("to stderr\n", stderr); return 3; }
            """;

        /// <summary>Sleeps until killed; its argument marks it in the host's process list.</summary>
        public const string Sleeps = """
            #include <unistd.h>
            int main(void) { for (;;) pause(); }
            """;
    }
}
