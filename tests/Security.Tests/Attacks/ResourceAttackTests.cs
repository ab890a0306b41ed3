using Judge.Testing;
using System.Diagnostics;

namespace Judge.Security.Tests.Attacks;

/// <summary>Programs that try to exhaust a resource: each is stopped at its limit, reported as such, and leaves nothing behind.</summary>
[Collection(AttackCollection.Name)]
public sealed class ResourceAttackTests(AttackFixture sandbox)
{
    private static readonly SandboxLimits Limits = AttackFixture.Limits;

    [Fact]
    public void Fork_bomb_is_contained_and_the_host_can_still_fork()
    {
        string marker = $"judge-forkbomb-{Guid.NewGuid():N}";
        string program = sandbox.CompileC("""
            int main(void)
            {
                for (;;)
                    fork();
            }
            """);

        AttackRun run = sandbox.Run([program, marker], Limits with { Processes = 16 });

        // The kernel copies a task, its stack and page tables before the pids controller refuses a
        // fork, and charges that kernel memory to the run's memory cgroup. Thousands of refused
        // forks a second can reach the memory limit before the time limit (seen in CI at 50 ms).
        // Either limit contains the bomb.
        Assert.True(
            run.Result.Status is SandboxStatus.TimeLimit or SandboxStatus.WallTimeLimit or SandboxStatus.MemoryLimit,
            $"expected a time or memory limit, got {run.Result}\nstderr: {run.Stderr}");
        Assert.False(HostPrograms.HostHasProcessWithArgument(marker), "a fork bomb process outlived the run");
        using (var host = Process.Start("/bin/true"))
        {
            host.WaitForExit();
            Assert.Equal(0, host.ExitCode);
        }
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Forks_past_the_process_limit_fail_with_EAGAIN()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                int made = 0;
                for (;;) {
                    pid_t pid = fork();
                    if (pid == 0) {
                        pause();
                        _exit(0);
                    }
                    if (pid < 0)
                        break;
                    made++;
                }
                printf("fork %s after %d\n", strerrorname_np(errno), made);
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], Limits with { Processes = 16 });

        ResultAssert.Status(SandboxStatus.Ok, run);
        // 16 tasks in all: the program itself and at most 15 children.
        Assert.Matches(@"^fork EAGAIN after (\d|1[0-5])\n$", run.Stdout);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Thread_bomb_stops_at_the_process_limit()
    {
        string program = sandbox.CompileC("""
            #include <pthread.h>
            static void *idle(void *arg)
            {
                (void)arg;
                pause();
                return NULL;
            }
            int main(void)
            {
                pthread_attr_t attr;
                pthread_attr_init(&attr);
                pthread_attr_setstacksize(&attr, 64 * 1024);
                int made = 0, rc;
                pthread_t t;
                while ((rc = pthread_create(&t, &attr, idle, NULL)) == 0)
                    made++;
                printf("pthread_create %s after %d\n", strerrorname_np(rc), made);
                return 0;
            }
            """, "-pthread");

        AttackRun run = sandbox.Run([program], Limits);

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Matches(@"^pthread_create EAGAIN after ([12]?\d|3[01])\n$", run.Stdout);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Memory_bomb_touching_its_pages_gets_memory_limit()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                for (;;) {
                    char *p = malloc(1 << 20);
                    if (!p)
                        return 3;
                    memset(p, 1, 1 << 20);
                }
            }
            """);

        // Time enough to fault in 64 MiB on a slow host: under emulation (the cgroup v2 VM) 1 s of CPU touched only 37 MiB.
        AttackRun run = sandbox.Run([program], Limits with { CpuTime = TimeSpan.FromSeconds(20), WallTime = TimeSpan.FromSeconds(60) });

        ResultAssert.Status(SandboxStatus.MemoryLimit, run);
        Assert.InRange(run.Result.PeakMemoryBytes, 0, Limits.MemoryBytes!.Value);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Huge_untouched_mapping_is_not_a_memory_limit()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                void *p = mmap(NULL, 64UL << 30, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
                report("mmap_64g", p == MAP_FAILED ? -1 : 0);
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], Limits);

        // Either the kernel grants the address space (nothing is charged until touched) or refuses it cleanly.
        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Contains(run.Stdout, new[] { "mmap_64g ok\n", "mmap_64g ENOMEM\n" });
        Assert.True(run.Result.PeakMemoryBytes < 16L << 20, $"peak {run.Result.PeakMemoryBytes} for untouched memory");
    }

    private const string StackOverflow = """
        static int dive(volatile char *above)
        {
            volatile char frame[4096];
            frame[0] = above ? above[0] + 1 : 0;
            return dive(frame) + frame[1];
        }
        int main(void)
        {
            return dive(NULL);
        }
        """;

    [Fact]
    public void Stack_overflow_is_a_segmentation_fault_at_the_stack_limit()
    {
        AttackRun run = sandbox.Run([sandbox.CompileC(StackOverflow)], Limits with { StackBytes = 8L << 20 });

        ResultAssert.Status(SandboxStatus.Signaled, run);
        Assert.Equal(11, run.Result.Signal);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Stack_overflow_without_a_stack_limit_hits_the_memory_limit()
    {
        AttackRun run = sandbox.Run([sandbox.CompileC(StackOverflow)], Limits with { StackBytes = null });

        ResultAssert.Status(SandboxStatus.MemoryLimit, run);
        sandbox.AssertNextRunWorks();
    }

    private const string FillFile = """
        int main(int argc, char **argv)
        {
            static char block[65536];
            long total = 0;
            ssize_t n;
            int fd = open(argv[1], O_WRONLY | O_CREAT | O_TRUNC, 0600);
            if (fd < 0 || argc < 2)
                return 2;
            memset(block, 'x', sizeof block);
            while ((n = write(fd, block, sizeof block)) > 0)
                total += n;
            printf("write %s after %ld\n", strerrorname_np(errno), total);
            return 0;
        }
        """;

    [Fact]
    public void Disk_fill_in_tmp_stops_at_the_tmpfs_size()
    {
        long tmp = 4L << 20;

        // The file size limit is set above /tmp's size, so the tmpfs is what stops it.
        AttackRun run = sandbox.Run([sandbox.CompileC(FillFile), "/tmp/fill"], Limits with { TmpBytes = tmp, OutputBytes = 16L << 20 });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Matches(@"^write ENOSPC after \d+\n$", run.Stdout);
        Assert.InRange(long.Parse(run.Stdout.Split(' ')[^1]), 0, tmp);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Disk_fill_of_one_file_in_box_stops_at_the_output_limit()
    {
        string workDir = sandbox.NewDirectory();
        long cap = 1L << 20;

        AttackRun run = sandbox.Run([sandbox.CompileC(FillFile), "/box/fill"], Limits with { OutputBytes = cap },
            spec => spec with { WorkDir = workDir });

        // The write past the limit raises SIGXFSZ, which kills the program (it is not its namespace's init).
        ResultAssert.Status(SandboxStatus.OutputLimit, run);
        Assert.Equal(25, run.Result.Signal);
        Assert.Equal("", run.Stdout);
        Assert.Equal(cap, new FileInfo(Path.Combine(workDir, "fill")).Length);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Disk_fill_of_many_files_in_a_fresh_box_stops_at_the_box_size()
    {
        long box = 4L << 20;
        string program = sandbox.CompileC("""
            int main(void)
            {
                static char block[65536];
                char name[64];
                long total = 0;
                memset(block, 'x', sizeof block);
                for (int i = 0;; i++) {
                    snprintf(name, sizeof name, "/box/f%d", i);
                    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
                    if (fd < 0)
                        break;
                    ssize_t n = write(fd, block, sizeof block);
                    close(fd);
                    if (n <= 0)
                        break;
                    total += n;
                }
                printf("stopped with %s after %ld\n", strerrorname_np(errno), total);
                return 0;
            }
            """);

        // Each file is far below the output limit: only the size of /box itself can stop this.
        AttackRun run = sandbox.Run([program], Limits with { BoxBytes = box, OutputBytes = 1L << 20 });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Matches(@"^stopped with ENOSPC after \d+\n$", run.Stdout);
        Assert.InRange(long.Parse(run.Stdout.Split(' ')[^1]), 0, box);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Inode_exhaustion_in_tmp_stops_at_the_tmpfs_inode_limit()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                char name[64];
                int made = 0;
                for (;;) {
                    snprintf(name, sizeof name, "/tmp/i%d", made);
                    int fd = open(name, O_WRONLY | O_CREAT | O_EXCL, 0600);
                    if (fd < 0)
                        break;
                    close(fd);
                    made++;
                }
                printf("create %s after %d\n", strerrorname_np(errno), made);
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], Limits with { TmpBytes = 4L << 20 });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Matches(@"^create ENOSPC after \d+\n$", run.Stdout);
        // The runner gives /tmp one inode per 4 KiB of its size.
        Assert.InRange(int.Parse(run.Stdout.Split(' ')[^1]), 1, (4 << 20) / 4096);
        sandbox.AssertNextRunWorks();
    }

    private const string Flood = """
        int main(int argc, char **argv)
        {
            static char block[65536];
            int fd = atoi(argv[1]);
            int stop_on_error = argc > 2;
            memset(block, 'y', sizeof block);
            for (;;) {
                if (write(fd, block, sizeof block) < 0 && stop_on_error)
                    return 1;
            }
        }
        """;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Output_flood_that_stops_at_the_first_error_gets_output_limit(int fd)
    {
        AttackRun run = sandbox.Run([sandbox.CompileC(Flood), fd.ToString(), "stop"], Limits);

        ResultAssert.Status(SandboxStatus.OutputLimit, run);
        Assert.Equal(Limits.OutputBytes, (fd == 1 ? run.Stdout : run.Stderr).Length);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Output_flood_that_ignores_write_errors_still_gets_output_limit()
    {
        AttackRun run = sandbox.Run([sandbox.CompileC(Flood), "1"], Limits);

        ResultAssert.Status(SandboxStatus.OutputLimit, run);
        Assert.Equal(Limits.OutputBytes, run.Stdout.Length);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Never_ending_read_gets_wall_time_limit()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                char c;
                int p[2];
                report("read_stdin", read(0, &c, 1));
                if (pipe(p) < 0)
                    return 2;
                report("read_own_pipe", read(p[0], &c, 1));
                return 0;
            }
            """);
        string empty = Path.Combine(sandbox.NewDirectory(), "empty");
        File.WriteAllBytes(empty, []);

        AttackRun run = sandbox.Run([program], Limits, spec => spec with { StdinPath = empty });

        ResultAssert.Status(SandboxStatus.WallTimeLimit, run);
        Assert.Equal("read_stdin ok\n", run.Stdout); // EOF at once
        Assert.InRange(run.Result.WallTimeMs, 3000, 4500);
        Assert.True(run.Result.CpuTimeMs < 200, $"a blocked read used {run.Result.CpuTimeMs} ms of CPU");
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Sleeping_to_dodge_the_cpu_limit_gets_wall_time_limit()
    {
        AttackRun run = sandbox.Run(["/bin/sleep", "60"], Limits);

        ResultAssert.Status(SandboxStatus.WallTimeLimit, run);
        Assert.InRange(run.Result.WallTimeMs, 3000, 4500);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Cpu_time_of_many_burning_threads_is_counted_together()
    {
        // The main thread only waits: if the other threads' CPU were not counted, this would never reach the CPU limit.
        string program = sandbox.CompileC("""
            #include <pthread.h>
            static void *burn(void *arg)
            {
                (void)arg;
                for (volatile unsigned long i = 0;; i++)
                    ;
                return NULL;
            }
            int main(void)
            {
                pthread_t t[8];
                for (int i = 0; i < 8; i++)
                    pthread_create(&t[i], NULL, burn, NULL);
                pthread_join(t[0], NULL);
                return 0;
            }
            """, "-pthread");

        AttackRun run = sandbox.Run([program], Limits);

        ResultAssert.Status(SandboxStatus.TimeLimit, run);
        Assert.True(run.Result.CpuTimeMs >= 1000, $"stopped at {run.Result.CpuTimeMs} ms of CPU");
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Daemonised_grandchild_does_not_outlive_the_run()
    {
        string marker = $"judge-daemon-{Guid.NewGuid():N}";
        string program = sandbox.CompileC("""
            int main(void)
            {
                pid_t child = fork();
                if (child == 0) {
                    setsid();
                    if (fork() == 0) {
                        signal(SIGHUP, SIG_IGN);
                        signal(SIGTERM, SIG_IGN);
                        for (;;)
                            sleep(1);
                    }
                    _exit(0);
                }
                waitpid(child, NULL, 0);
                puts("parent exits");
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, marker], Limits);

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal("parent exits\n", run.Stdout);
        Assert.False(HostPrograms.HostHasProcessWithArgument(marker), "the daemonised grandchild outlived the run");
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Stopped_processes_do_not_hang_the_run()
    {
        string marker = $"judge-stopped-{Guid.NewGuid():N}";
        // The program stops a child and then itself: nothing will ever resume either of them.
        string program = sandbox.CompileC("""
            int main(void)
            {
                pid_t child = fork();
                if (child == 0) {
                    raise(SIGSTOP);
                    _exit(0);
                }
                puts("stopping");
                fflush(stdout);
                raise(SIGSTOP);
                puts("resumed");
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, marker], Limits);

        ResultAssert.Status(SandboxStatus.WallTimeLimit, run);
        Assert.Equal("stopping\n", run.Stdout);
        Assert.InRange(run.Result.WallTimeMs, 3000, 4500);
        Assert.False(HostPrograms.HostHasProcessWithArgument(marker), "a stopped process outlived the run");
        sandbox.AssertNextRunWorks();
    }
}
