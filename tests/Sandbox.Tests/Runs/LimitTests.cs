using Judge.Testing;
using System.Diagnostics;

namespace Judge.Sandbox.Tests.Runs;

/// <summary>One test per limit: a program that goes past it, and the result that says so.</summary>
[Collection(SandboxCollection.Name)]
public sealed class LimitTests(SandboxFixture sandbox)
{
    private static readonly SandboxLimits Defaults = new()
    {
        CpuTime = TimeSpan.FromSeconds(2),
        WallTime = TimeSpan.FromSeconds(5),
        MemoryBytes = 128L << 20,
        Processes = 32,
        OutputBytes = 1 << 20,
    };

    private SandboxResult Run(string[] command, SandboxLimits limits, string? stdin = null, string? stdout = null, string[]? with = null,
        BindMount[]? binds = null) =>
        sandbox.Runner.Run(new SandboxSpec
        {
            Command = command,
            With = with ?? [],
            Binds = binds ?? [],
            Limits = limits,
            StdinPath = stdin,
            StdoutPath = stdout ?? Path.Combine(sandbox.NewDirectory(), "stdout"),
            StderrPath = stdout ?? Path.Combine(sandbox.NewDirectory(), "stderr"),
        });

    [Fact]
    public void Memory_hog_is_killed_and_reported_as_memory_limit_with_peak_near_it()
    {
        string program = sandbox.CompileC(Programs.MemoryHog);
        long limit = 64L << 20;

        SandboxResult result = Run([program], Defaults with { MemoryBytes = limit });

        ResultAssert.Status(SandboxStatus.MemoryLimit, result);
        Assert.InRange(result.PeakMemoryBytes, limit * 9 / 10, limit);
    }

    [Fact]
    public void Peak_memory_counts_memory_freed_before_the_program_exits()
    {
        string program = sandbox.CompileC(Programs.TouchAndRelease);

        SandboxResult result = Run([program], Defaults);

        // The kernel's high-water mark (memory.peak, memory.max_usage_in_bytes): a reading taken after
        // the run, when the program holds almost nothing, would be far below the 48 MiB it touched.
        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.InRange(result.PeakMemoryBytes, 48L << 20, Defaults.MemoryBytes!.Value);
    }

    [Fact]
    public void Cpu_loop_is_stopped_within_25_ms_of_the_cpu_limit_in_the_median_of_five_runs()
    {
        string program = sandbox.CompileC(Programs.Spin);
        var limit = TimeSpan.FromMilliseconds(500);

        // Judged by the median of five: a stall of the whole host (a descheduled virtual CPU, a pause of
        // the runtime; under emulation, in scripts/vm-test.sh, both last ten times longer) can delay one
        // kill without saying anything about the watch. docs/benchmarks.md has the measured spread.
        var results = Enumerable.Range(0, 5).Select(_ => Run([program], Defaults with { CpuTime = limit })).ToList();

        Assert.All(results, result => ResultAssert.Status(SandboxStatus.TimeLimit, result));
        long[] cpuMs = [.. results.Select(result => result.CpuTimeMs).Order()];
        string all = string.Join(", ", cpuMs);
        Assert.True(cpuMs[0] >= 500, $"stopped early: {all} ms");
        // The watch sleeps remaining/cores and re-reads the cgroup, so the overshoot is the kill latency: how late the
        // watching thread wakes. The target is 10 ms, which the median and 90th percentile meet even beside other work
        // (bench/tle-precision.sh, docs/benchmarks.md); the bound leaves room for a slower, busier host.
        Assert.True(cpuMs[2] <= 500 + 25, $"overshot to a median of {cpuMs[2]} ms: {all} ms");
        // Even a stalled kill is the watch's, long before the RLIMIT_CPU backstop (2 s here).
        Assert.True(cpuMs[^1] <= 2 * 500, $"overshot to {cpuMs[^1]} ms: {all} ms");
    }

    [Theory]
    [InlineData("thread")]
    [InlineData("child")]
    public void Cpu_time_counts_threads_and_children_not_just_the_main_process(string spinner)
    {
        // The main thread only sleeps: the limit can only be reached through the spinner's CPU time.
        string program = sandbox.CompileC(Programs.SleepWhileOtherSpins, "-pthread");

        SandboxResult result = Run([program, spinner], Defaults with { CpuTime = TimeSpan.FromMilliseconds(300), WallTime = TimeSpan.FromSeconds(20) });

        ResultAssert.Status(SandboxStatus.TimeLimit, result);
        Assert.True(result.CpuTimeMs >= 300);
    }

    [Fact]
    public void Sleeper_gets_wall_time_limit_not_time_limit()
    {
        // Starting a program costs CPU time: about a millisecond natively, up to a few hundred under
        // emulation (scripts/vm-test.sh). Measured first, on this host, so that the wall limit can be
        // far above it: a sleep counted as CPU time must stand out from the start-up.
        long startupMs = Enumerable.Range(0, 3).Max(_ => Run(["/bin/sleep", "0"], Defaults).CpuTimeMs);
        long wallLimitMs = Math.Max(300, 10 * startupMs);

        SandboxResult result = Run(["/bin/sleep", "600"], Defaults with { WallTime = TimeSpan.FromMilliseconds(wallLimitMs) });

        ResultAssert.Status(SandboxStatus.WallTimeLimit, result);
        // Stopped at the limit, not when the sleep ended; a slow, busy host gets 2.7 s to notice.
        Assert.InRange(result.WallTimeMs, wallLimitMs, wallLimitMs + 2700);
        Assert.True(result.CpuTimeMs < wallLimitMs / 3, $"{result.CpuTimeMs} ms of CPU time for a sleep (start-up: {startupMs} ms)");
    }

    [Fact]
    public void Fork_bomb_is_contained_and_the_host_can_still_fork()
    {
        string program = sandbox.CompileC(Programs.ForkBomb);
        string stdout = Path.Combine(sandbox.NewDirectory(), "stdout");

        SandboxResult result = Run([program], Defaults with { Processes = 16, WallTime = TimeSpan.FromSeconds(2) }, stdout: stdout);

        Assert.NotEqual(SandboxStatus.Ok, result.Status);
        Assert.NotEqual(SandboxStatus.SetupError, result.Status);
        // Without the pids limit the bomb would run until the wall time, and the first assertions would still hold.
        var refused = System.Text.RegularExpressions.Regex.Match(File.ReadAllText(stdout), @"^fork EAGAIN after (\d+)\n");
        Assert.True(refused.Success, $"fork was never refused: {File.ReadAllText(stdout)}");
        Assert.InRange(int.Parse(refused.Groups[1].Value), 1, 15);
        using var host = Process.Start("/bin/true");
        host.WaitForExit();
        Assert.Equal(0, host.ExitCode);
    }

    [Fact]
    public void Output_flood_is_stopped_at_the_output_limit()
    {
        string dir = sandbox.NewDirectory();
        string stdout = Path.Combine(dir, "stdout");

        SandboxResult result = Run(["/bin/cat", "/dev/zero"], Defaults with { OutputBytes = 1 << 20 }, stdout: stdout);

        ResultAssert.Status(SandboxStatus.OutputLimit, result);
        Assert.Equal(1 << 20, new FileInfo(stdout).Length);
    }

    [Fact]
    public void Daemonised_grandchild_is_gone_after_the_run()
    {
        string marker = $"judge-daemon-{Guid.NewGuid():N}";
        string program = sandbox.CompileC(Programs.Daemon);

        SandboxResult result = Run([program, marker], Defaults);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.False(HostPrograms.HostHasProcessWithArgument(marker), "the daemonised grandchild outlived the run");
    }

    [Fact]
    public void Stdin_to_stdout_round_trip_is_byte_exact()
    {
        string dir = sandbox.NewDirectory();
        string input = Path.Combine(dir, "input"), output = Path.Combine(dir, "output");
        var bytes = new byte[300_000];
        Random.Shared.NextBytes(bytes);
        File.WriteAllBytes(input, bytes);

        SandboxResult result = Run(["/bin/cat"], Defaults, stdin: input, stdout: output);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal(bytes, File.ReadAllBytes(output));
    }

    [Fact]
    public void Io_and_cpu_quota_limits_are_written_and_a_run_under_them_completes()
    {
        // Reading 8 MiB of a disk file at 4 MiB/s takes about two seconds when the throttle works
        // (the page cache is dropped for this file first, so the read reaches the disk).
        string dir = sandbox.NewDirectory();
        string data = Path.Combine(dir, "data");
        File.WriteAllBytes(data, new byte[8 << 20]);
        File.SetUnixFileMode(data, (UnixFileMode)0b110_100_100);
        DropFromPageCache(data);

        SandboxResult result = Run(["/bin/cat", "/data/data"], Defaults with
        {
            IoReadBytesPerSecond = 4 << 20, CpuCores = 0.5, OutputBytes = 16 << 20, WallTime = TimeSpan.FromSeconds(20),
        }, binds: [new BindMount(dir, "/data")]);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.True(result.WallTimeMs >= 1000, $"8 MiB at 4 MiB/s took only {result.WallTimeMs} ms: the read throttle did not apply");
    }

    private static void DropFromPageCache(string path)
    {
        using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite);
        file.Flush(flushToDisk: true); // dirty pages cannot be dropped
        const int PosixFadvDontneed = 4;
        Fadvise(file.SafeFileHandle.DangerousGetHandle().ToInt32(), 0, 0, PosixFadvDontneed);
    }

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "posix_fadvise")]
    private static extern int Fadvise(int fd, long offset, long length, int advice);

    private static class Programs
    {
        public const string MemoryHog = """
            #include <stdlib.h>
            #include <string.h>
            int main(void) {
                for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); }
            }
            """;

        /// <summary>Touches 48 MiB, gives it back to the kernel, and exits cleanly.</summary>
        public const string TouchAndRelease = """
            #include <string.h>
            #include <sys/mman.h>
            int main(void) {
                size_t size = 48 << 20;
                char *p = mmap(0, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
                if (p == MAP_FAILED) return 3;
                memset(p, 1, size);
                return munmap(p, size) == 0 ? 0 : 4;
            }
            """;

        public const string Spin = "int main(void) { volatile unsigned long n = 0; for (;;) n++; }";

        public const string SleepWhileOtherSpins = """
            #include <pthread.h>
            #include <string.h>
            #include <unistd.h>
            static void *spin(void *arg) { volatile unsigned long n = 0; (void)arg; for (;;) n++; return 0; }
            int main(int argc, char **argv) {
                pthread_t t;
                if (argc > 1 && strcmp(argv[1], "thread") == 0) pthread_create(&t, 0, spin, 0);
                else if (fork() == 0) spin(0);
                for (;;) pause();
            }
            """;

        /// <summary>Every child is a bomb too; the first process reports how many forks it got before one was refused.</summary>
        public const string ForkBomb = """
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            int main(void) {
                for (int made = 0;; made++) {
                    pid_t pid = fork();
                    if (pid == 0)
                        for (;;) fork();
                    if (pid < 0) {
                        printf("fork %s after %d\n", errno == EAGAIN ? "EAGAIN" : strerror(errno), made);
                        fflush(stdout);
                        for (;;) pause();
                    }
                }
            }
            """;

        public const string Daemon = """
            #include <stdlib.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                if (fork() == 0) {
                    setsid();
                    if (fork() == 0) { char *args[] = { argv[0], argv[1], "child", 0 }; if (argc == 2) execv(argv[0], args); for (;;) pause(); }
                    _exit(0);
                }
                if (argc == 3) for (;;) pause();
                usleep(100000);
                return 0;
            }
            """;
    }
}
