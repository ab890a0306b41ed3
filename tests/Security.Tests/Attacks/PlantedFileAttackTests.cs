using System.Security.Cryptography;

namespace Judge.Security.Tests.Attacks;

/// <summary>
/// Programs that leave traps for the trusted side: links and fifos at the names the worker reads
/// after a run, links out of the work dir it removes, and argument lists too big to exec.
/// </summary>
[Collection(AttackCollection.Name)]
public sealed class PlantedFileAttackTests(AttackFixture sandbox)
{
    [Fact]
    public void Planted_links_and_fifos_are_neither_read_nor_followed_by_the_trusted_side()
    {
        string canaryDir = sandbox.NewDirectory();
        string canaryFile = Path.Combine(canaryDir, "precious");
        File.WriteAllText(canaryFile, "host data");
        byte[] shadowBefore = SHA256.HashData(File.ReadAllBytes("/etc/shadow"));
        string workDir = sandbox.NewDirectory();
        string program = sandbox.CompileC("""
            int main(int argc, char **argv)
            {
                report("symlink_shadow", symlink("/etc/shadow", "/box/out.txt"));
                report("symlink_canary_file", symlink(argv[1], "/box/result.txt"));
                report("symlink_canary_dir", symlink(argv[2], "/box/compiled"));
                report("mkfifo", mkfifo("/box/stderr.txt", 0666));
                report("hardlink_image_file", link(argv[0], "/box/binary"));
                report("hardlink_dev_null", link("/dev/null", "/box/null"));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, canaryFile, canaryDir], adjust: spec => spec with { WorkDir = workDir });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(
            [
                "symlink_shadow ok", "symlink_canary_file ok", "symlink_canary_dir ok", "mkfifo ok",
                "hardlink_image_file EXDEV", "hardlink_dev_null EXDEV",
            ],
            run.Lines);
        // The trusted side reads results without following anything the program planted...
        Assert.Null(SafeFiles.ReadFile(workDir, "out.txt", 1 << 20, out _));
        Assert.Null(SafeFiles.ReadFile(workDir, "result.txt", 1 << 20, out _));
        Assert.Null(SafeFiles.ReadFile(workDir, "stderr.txt", 1 << 20, out _)); // and does not hang on a fifo
        // The same for the checkers, which read a program's output through.
        Assert.Null(SafeFiles.OpenRead(workDir, "out.txt"));
        Assert.Null(SafeFiles.OpenRead(workDir, "stderr.txt"));
        // ...and removes the work dir without reaching through its links.
        SafeFiles.RemoveTree(workDir);
        Assert.False(Directory.Exists(workDir));
        Assert.Equal("host data", File.ReadAllText(canaryFile));
        Assert.Equal(shadowBefore, SHA256.HashData(File.ReadAllBytes("/etc/shadow")));
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Directory_link_planted_in_the_work_dir_does_not_redirect_reads_or_removal()
    {
        // The program cannot rename /box itself (a mount point), but it can plant a link one level down.
        string canaryDir = sandbox.NewDirectory();
        File.WriteAllText(Path.Combine(canaryDir, "out.txt"), "host data");
        string workDir = sandbox.NewDirectory();
        string program = sandbox.CompileC("""
            int main(int argc, char **argv)
            {
                report("rename_box", rename("/box", "/tmp/box"));
                report("symlink_subdir", symlink(argv[1], "/box/output"));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, canaryDir], adjust: spec => spec with { WorkDir = workDir });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(["rename_box EXDEV", "symlink_subdir ok"], run.Lines);
        Assert.Throws<IOException>(() => SafeFiles.ReadFile(Path.Combine(workDir, "output"), "out.txt", 1 << 20, out _));
        SafeFiles.RemoveTree(workDir);
        Assert.Equal("host data", File.ReadAllText(Path.Combine(canaryDir, "out.txt")));
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Huge_environment_is_a_clean_setup_error()
    {
        var environment = new Dictionary<string, string>(SandboxSpec.DefaultEnvironment) { ["HUGE"] = new string('x', 1 << 20) };

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/true"], Environment = environment, Limits = AttackFixture.Limits });

        Assert.Equal(SandboxStatus.SetupError, result.Status);
        Assert.Equal("execve /bin/true: Argument list too long", result.Message);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Huge_command_line_is_a_clean_setup_error()
    {
        // 100 arguments of 100 KiB: each under the kernel's per-string cap, 10 MiB together.
        var command = new List<string> { "/bin/true" };
        command.AddRange(Enumerable.Repeat(new string('x', 100 << 10), 100));

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = command, Limits = AttackFixture.Limits });

        Assert.Equal(SandboxStatus.SetupError, result.Status);
        Assert.Equal("execve /bin/true: Argument list too long", result.Message);
        sandbox.AssertNextRunWorks();
    }
}
