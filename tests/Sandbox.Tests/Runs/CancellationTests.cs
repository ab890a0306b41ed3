using System.Diagnostics;
using Judge.Testing;

namespace Judge.Sandbox.Tests.Runs;

/// <summary>A run stopped from outside while its program still runs.</summary>
[Collection(SandboxCollection.Name)]
public sealed class CancellationTests(SandboxFixture sandbox)
{
    [Fact]
    public async Task Cancelling_a_run_kills_its_whole_tree_at_once_and_leaves_no_cgroup()
    {
        string marker = $"judge-cancel-{Guid.NewGuid():N}";
        string program = sandbox.CompileC(Programs.ForkingDaemon);
        using var cancellation = new CancellationTokenSource();
        var spec = new SandboxSpec
        {
            Command = [program, marker],
            // Far beyond the test's own bounds: only the cancellation can end this run in time.
            Limits = new SandboxLimits { WallTime = TimeSpan.FromMinutes(5), Processes = 32 },
        };
        Task<SandboxResult> run = Task.Run(() => sandbox.Runner.Run(spec, cancellation.Token));
        Assert.True(SpinWait.SpinUntil(() => HostPrograms.HostHasProcessWithArgument(marker), TimeSpan.FromSeconds(60)),
            $"the program never started (the run is {run.Status})");

        var clock = Stopwatch.StartNew();
        cancellation.Cancel();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(cancellation.Token, error.CancellationToken);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"the run took {clock.Elapsed} to end after it was cancelled");
        Assert.False(HostPrograms.HostHasProcessWithArgument(marker), "a process of the cancelled run outlived it");
        Assert.Empty(sandbox.RunCgroups());
    }

    [Fact]
    public void A_run_cancelled_before_it_starts_prepares_nothing()
    {
        string stdout = Path.Combine(sandbox.NewDirectory(), "stdout");
        var spec = new SandboxSpec { Command = ["/bin/true"], StdoutPath = stdout };

        Assert.Throws<OperationCanceledException>(() => sandbox.Runner.Run(spec, new CancellationToken(canceled: true)));

        Assert.False(File.Exists(stdout), "the run opened its stdout");
        Assert.Empty(sandbox.RunCgroups());
    }

    private static class Programs
    {
        /// <summary>A daemon that never stops forking short-lived children, under a parent that sleeps: the tree
        /// changes while it is killed, as a program's does.</summary>
        public const string ForkingDaemon = """
            #include <sys/wait.h>
            #include <unistd.h>
            int main(void) {
                if (fork() == 0) {
                    setsid();
                    for (;;) { pid_t child = fork(); if (child == 0) _exit(0); if (child > 0) waitpid(child, 0, 0); }
                }
                for (;;) pause();
            }
            """;
    }
}
