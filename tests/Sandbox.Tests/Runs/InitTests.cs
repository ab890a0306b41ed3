using System.Text.RegularExpressions;

namespace Judge.Sandbox.Tests.Runs;

/// <summary>
/// The program runs as PID 2 under the sandbox's init (Native/init.c): what the program does to itself means what
/// it means, its real wait status comes back, and no process it leaves stays a zombie.
/// </summary>
[Collection(SandboxCollection.Name)]
public sealed class InitTests(SandboxFixture sandbox)
{
    private static readonly SandboxLimits Limits = new()
    {
        CpuTime = TimeSpan.FromSeconds(2), WallTime = TimeSpan.FromSeconds(10), MemoryBytes = 64L << 20, Processes = 16, OutputBytes = 1 << 20,
    };

    private (SandboxResult Result, string Stdout) Run(string source, SandboxLimits? limits = null, bool asRoot = false, string? workDir = null)
    {
        string stdout = Path.Combine(sandbox.NewDirectory(), "stdout");
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = [sandbox.CompileC(source)],
            Limits = limits ?? Limits,
            StdoutPath = stdout,
            RunAsRoot = asRoot,
            WorkDir = workDir,
        });
        return (result, File.ReadAllText(stdout));
    }

    [Fact]
    public void A_program_that_aborts_is_reported_killed_by_SIGABRT()
    {
        var (result, _) = Run("#include <stdlib.h>\nint main(void) { abort(); }\n");

        ResultAssert.Status(SandboxStatus.Signaled, result);
        Assert.Equal(6, result.Signal);
    }

    [Theory]
    [InlineData(0, SandboxStatus.Ok)]
    [InlineData(42, SandboxStatus.RuntimeError)]
    [InlineData(255, SandboxStatus.RuntimeError)]
    public void The_programs_own_exit_code_comes_back(int code, SandboxStatus status)
    {
        var (result, _) = Run($"int main(void) {{ return {code}; }}\n");

        ResultAssert.Status(status, result);
        Assert.Equal(code, result.ExitCode);
        Assert.Null(result.Signal);
    }

    [Fact]
    public void Writing_past_the_file_size_limit_kills_with_SIGXFSZ_and_is_output_limit()
    {
        string workDir = sandbox.NewDirectory();
        var (result, stdout) = Run("""
            #include <stdio.h>
            #include <string.h>
            int main(void)
            {
                static char block[2 << 20];
                memset(block, 'x', sizeof block);
                FILE *f = fopen("/box/big", "w");
                size_t written = fwrite(block, 1, sizeof block, f);
                printf("wrote %zu, closed %d\n", written, fclose(f));
                return 0;
            }
            """, workDir: workDir);

        ResultAssert.Status(SandboxStatus.OutputLimit, result);
        Assert.Equal(25, result.Signal);
        Assert.Equal("", stdout); // it never got to say it wrote the file
        Assert.Equal(1 << 20, new FileInfo(Path.Combine(workDir, "big")).Length);
    }

    [Fact]
    public void A_signal_sent_to_pid_1_is_passed_on_to_the_program()
    {
        // As root inside, the program may signal PID 1; init passes the signal back, and its default action applies.
        var (result, stdout) = Run("""
            #include <signal.h>
            #include <stdio.h>
            #include <unistd.h>
            int main(void)
            {
                printf("pid %d\n", getpid());
                fflush(stdout);
                kill(1, SIGUSR1);
                for (int i = 0; i < 1000; i++)
                    usleep(10000);
                return 0;
            }
            """, asRoot: true);

        Assert.Equal("pid 2\n", stdout);
        ResultAssert.Status(SandboxStatus.Signaled, result);
        Assert.Equal(10, result.Signal); // SIGUSR1
    }

    [Fact]
    public void Orphans_are_reaped_so_no_process_stays_a_zombie()
    {
        // Ten children each leave an orphan that exits at once; the program reads every process's state after that.
        var (result, stdout) = Run("""
            #include <dirent.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <sys/wait.h>
            #include <unistd.h>
            static int zombies(void)
            {
                int count = 0;
                DIR *proc = opendir("/proc");
                for (struct dirent *e; (e = readdir(proc)) != NULL;) {
                    char path[300], stat[512];
                    if (atoi(e->d_name) <= 0)
                        continue;
                    snprintf(path, sizeof path, "/proc/%s/stat", e->d_name);
                    FILE *f = fopen(path, "r");
                    if (f && fgets(stat, sizeof stat, f) && strstr(stat, ") Z "))
                        count++;
                    if (f)
                        fclose(f);
                }
                closedir(proc);
                return count;
            }
            int main(void)
            {
                for (int i = 0; i < 10; i++) {
                    pid_t child = fork();
                    if (child == 0) {
                        if (fork() == 0)
                            _exit(0); /* the orphan, reparented to PID 1 */
                        _exit(0);
                    }
                    waitpid(child, NULL, 0);
                }
                int left = -1;
                for (int tries = 0; tries < 500 && left != 0; tries++) {
                    usleep(10000);
                    left = zombies();
                }
                printf("zombies %d\n", left);
                return 0;
            }
            """);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("zombies 0\n", stdout);
    }

    [Fact]
    public void Pid_1_is_our_init_with_no_capability_and_nothing_the_program_can_read()
    {
        var (result, stdout) = Run("""
            #include <errno.h>
            #include <stdio.h>
            #include <string.h>
            #include <unistd.h>
            static void show(const char *path)
            {
                char line[256] = "";
                FILE *f = fopen(path, "r");
                if (!f) { printf("%s %s\n", path, strerrorname_np(errno)); return; }
                while (fgets(line, sizeof line, f))
                    if (strncmp(line, "CapEff:", 7) == 0 || strncmp(line, "Name:", 5) == 0)
                        printf("%s", line);
                fclose(f);
            }
            static int init_has_exec(void)
            {
                char line[256] = "";
                FILE *f = fopen("/proc/1/status", "r");
                int yes = f && fgets(line, sizeof line, f) && strcmp(line, "Name:\tjudge-init\n") == 0;
                if (f)
                    fclose(f);
                return yes;
            }
            int main(void)
            {
                /* The program may start before PID 1 has exec'd judge-init (it was our set-up until then). */
                for (int tries = 0; tries < 500 && !init_has_exec(); tries++)
                    usleep(10000);
                show("/proc/1/status"); show("/proc/1/environ"); show("/proc/1/mem");
                return 0;
            }
            """, asRoot: true);

        ResultAssert.Status(SandboxStatus.Ok, result);
        var lines = stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("Name:\tjudge-init", lines[0]);
        Assert.Matches(new Regex(@"^CapEff:\s+0+$"), lines[1]);
        Assert.Equal(["/proc/1/environ EACCES", "/proc/1/mem EACCES"], lines[2..]);
    }
}
