namespace Judge.Security.Tests.Attacks;

/// <summary>Programs that look for host secrets and host paths, or try to write host settings.</summary>
[Collection(AttackCollection.Name)]
public sealed class HostInformationTests(AttackFixture sandbox)
{
    private const string CatFiles = """
        int main(int argc, char **argv)
        {
            char buf[65536];
            for (int i = 1; i < argc; i++) {
                int fd = open(argv[i], O_RDONLY);
                if (fd < 0) {
                    printf("open %s %s\n", argv[i], strerrorname_np(errno));
                    continue;
                }
                printf("open %s ok\n", argv[i]);
                ssize_t n;
                while ((n = read(fd, buf, sizeof buf)) > 0)
                    fwrite(buf, 1, (size_t)n, stdout);
                close(fd);
            }
            return 0;
        }
        """;

    [Fact]
    public void Host_secrets_are_not_in_the_image()
    {
        string config = Path.Combine(sandbox.NewDirectory(), "appsettings.json");
        File.WriteAllText(config, "{\"ConnectionStrings\":{\"Judge\":\"Password=hunter2\"}}");

        AttackRun run = sandbox.Run([sandbox.CompileC(CatFiles), "/etc/shadow", "/etc/passwd", "/root/.bash_history", config],
            adjust: spec => spec with { RunAsRoot = true });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(["open /etc/shadow ENOENT", "open /etc/passwd ENOENT", "open /root/.bash_history ENOENT", $"open {config} ENOENT"], run.Lines);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Worker_environment_is_not_visible_anywhere_under_proc()
    {
        string name = $"JUDGE_TEST_SECRET_{Guid.NewGuid():N}";
        string secret = Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(name, secret);
        // Every environ the sandbox can see, its own included, with NULs as newlines.
        string program = sandbox.CompileC("""
            #include <dirent.h>
            static void dump(const char *path)
            {
                char buf[65536];
                int fd = open(path, O_RDONLY);
                if (fd < 0)
                    return;
                ssize_t n = read(fd, buf, sizeof buf);
                for (ssize_t i = 0; i < n; i++)
                    putchar(buf[i] ? buf[i] : '\n');
                close(fd);
            }
            int main(void)
            {
                char path[300];
                DIR *proc = opendir("/proc");
                for (struct dirent *e; (e = readdir(proc)) != NULL;) {
                    if (e->d_name[0] < '1' || e->d_name[0] > '9')
                        continue;
                    snprintf(path, sizeof path, "/proc/%s/environ", e->d_name);
                    dump(path);
                    snprintf(path, sizeof path, "/proc/%s/cmdline", e->d_name);
                    dump(path);
                }
                dump("/proc/self/environ");
                return 0;
            }
            """);

        try
        {
            AttackRun run = sandbox.Run([program]);

            ResultAssert.Status(SandboxStatus.Ok, run);
            Assert.Contains("PATH=/usr/local/bin:/usr/bin:/bin", run.Lines); // it did read its own environment
            Assert.DoesNotContain(secret, run.Stdout);
            Assert.DoesNotContain(name, run.Stdout);
            Assert.DoesNotContain("DOTNET", run.Stdout);
        }
        finally
        {
            Environment.SetEnvironmentVariable(name, null);
        }
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Mount_table_shows_no_host_paths_but_the_program_own()
    {
        string program = sandbox.CompileC(CatFiles);

        AttackRun run = sandbox.Run([program, "/proc/self/mountinfo", "/proc/self/cgroup"]);

        ResultAssert.Status(SandboxStatus.Ok, run);
        // The program runs at its host path by design. The read-only image's binds name their source
        // under the content-addressed image cache (a bind shows its path in the source filesystem):
        // a known, documented disclosure of that one directory. Nothing else of the host may show.
        string shown = run.Stdout.Replace(program, "<program>").Replace(sandbox.Runner.Options.ImageCacheDirectory, "<images>");
        Assert.Contains("/box", shown);
        Assert.DoesNotContain(sandbox.Runner.Options.StateDirectory, shown);
        Assert.DoesNotContain(sandbox.Runner.Options.CgroupParent, shown);
        Assert.DoesNotContain("/work/", shown);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Host_kernel_settings_cannot_be_written_and_sys_is_absent()
    {
        string corePattern = File.ReadAllText("/proc/sys/kernel/core_pattern");
        string hostname = File.ReadAllText("/proc/sys/kernel/hostname");
        string program = sandbox.CompileC("""
            static void try_write(const char *path, const char *text)
            {
                int fd = open(path, O_WRONLY);
                long rc = fd < 0 ? -1 : write(fd, text, strlen(text));
                report(path, rc);
                if (fd >= 0)
                    close(fd);
            }
            int main(void)
            {
                struct stat st;
                try_write("/proc/sys/kernel/core_pattern", "|/box/evil");
                try_write("/proc/sys/vm/drop_caches", "3");
                try_write("/proc/sys/kernel/hostname", "owned");
                try_write("/proc/sysrq-trigger", "h");
                try_write("/proc/self/oom_score_adj", "-1000");
                report("stat_sys", stat("/sys", &st));
                report("open_cgroup", open("/sys/fs/cgroup/memory/memory.limit_in_bytes", O_WRONLY));
                report("mkdir_sys", mkdir("/sys", 0755));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { RunAsRoot = true });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(8, run.Lines.Length);
        Assert.All(run.Lines, line => Assert.DoesNotMatch(" ok$", line));
        Assert.Equal(corePattern, File.ReadAllText("/proc/sys/kernel/core_pattern"));
        Assert.Equal(hostname, File.ReadAllText("/proc/sys/kernel/hostname"));
        sandbox.AssertNextRunWorks();
    }
}
