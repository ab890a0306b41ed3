namespace Judge.Sandbox.Tests.Runs;

[Collection(SandboxCollection.Name)]
public sealed class BasicRunTests(SandboxFixture sandbox)
{
    [Fact]
    public void True_exits_ok_with_measurements()
    {
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/true"] });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Signal);
    }

    [Fact]
    public void Non_zero_exit_is_a_runtime_error_with_its_code()
    {
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/sh", "-c", "exit 7"] });

        ResultAssert.Status(SandboxStatus.RuntimeError, result);
        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public void Command_can_be_a_program_that_exists_only_behind_a_bind()
    {
        string program = sandbox.CompileC("int main(void) { return 42; }");
        string dir = Path.GetDirectoryName(program)!;

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/prog/main"],
            Binds = [new BindMount(dir, "/prog")],
        });

        ResultAssert.Status(SandboxStatus.RuntimeError, result);
        Assert.Equal(42, result.ExitCode);
    }

    [Fact]
    public void A_failing_setup_step_is_a_setup_error_naming_the_step_and_the_reason()
    {
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/true"], Cwd = "/no/such/dir" });

        ResultAssert.Status(SandboxStatus.SetupError, result);
        Assert.Equal("chdir to working directory: No such file or directory", result.Message);
    }

    [Fact]
    public void Stale_runs_of_dead_processes_are_removed_and_runs_of_live_ones_are_kept()
    {
        int deadPid = Enumerable.Range(100_000, 10_000).First(pid => !Directory.Exists($"/proc/{pid}"));
        var limits = new Judge.Sandbox.Cgroups.CgroupLimits(null, null, null, null);
        using var live = sandbox.Runner.Cgroups.CreateRun($"run-{Environment.ProcessId}-999999", limits);
        using var foreign = sandbox.Runner.Cgroups.CreateRun("not-a-run", limits);
        using var stale = sandbox.Runner.Cgroups.CreateRun($"run-{deadPid}-1", limits);

        sandbox.Runner.RemoveStaleRuns();

        Assert.False(File.Exists(stale.ProcsFiles[0]), "the dead process's run is still there");
        Assert.True(File.Exists(live.ProcsFiles[0]), "a live process's run was removed");
        Assert.True(File.Exists(foreign.ProcsFiles[0]), "a cgroup that is not a run was removed");
    }

    [Fact]
    public void A_run_leaves_no_cgroup_and_no_host_mount_behind()
    {
        // The first run of a runner mounts its /dev directory for good; only what a run adds counts.
        sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/true"] });
        var mountsBefore = HostMountsUnder(sandbox.Root);
        string program = sandbox.CompileC("""
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
                FILE *f = fopen("/tmp/left", "w"); fputs("x", f); fclose(f);
                f = fopen("/box/left", "w"); fputs("x", f); fclose(f);
                if (fork() == 0) { setsid(); for (;;) pause(); }
                return 0;
            }
            """);

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = [program] });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Empty(sandbox.RunCgroups());
        Assert.Equal(mountsBefore, HostMountsUnder(sandbox.Root));
    }

    /// <summary>Mount points under <paramref name="root"/> in the test process's (the host's) mount namespace: a
    /// run's own mounts live in its namespace, and anything the runner mounted on the host would be under its state directory.</summary>
    private static List<string> HostMountsUnder(string root) =>
        [.. File.ReadAllLines("/proc/self/mountinfo").Select(line => line.Split(' ')[4]).Where(mountPoint => mountPoint.StartsWith(root, StringComparison.Ordinal))];

    [Fact]
    public void A_given_rootfs_directory_is_the_whole_root()
    {
        // Any directory tree works; an image the builder made for /bin/sh is a handy one.
        string rootfs = new Judge.Sandbox.Rootfs.ImageBuilder(Path.Combine(sandbox.Root, "rootfs-images")).GetOrBuild(["/bin/sh"]).Directory;
        string stdout = Path.Combine(sandbox.NewDirectory(), "stdout");

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["sh", "-c", "echo /*"],
            RootfsDir = rootfs,
            StdoutPath = stdout,
        });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("/bin /box /dev /lib /lib64 /proc /tmp /usr", File.ReadAllText(stdout).Trim());
    }
}
