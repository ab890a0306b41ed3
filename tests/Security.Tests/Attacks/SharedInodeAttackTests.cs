namespace Judge.Security.Tests.Attacks;

/// <summary>
/// Runs share some inodes: the image's files (hard links of the host's) and /dev (one per host). Whatever a run can
/// do to a shared inode that another run can observe is a channel between submissions, and whatever it can reserve
/// on the host behind a file's size is space no limit counts.
/// </summary>
[Collection(AttackCollection.Name)]
public sealed class SharedInodeAttackTests(AttackFixture sandbox)
{
    public static TheoryData<bool> AsRoot => new() { false, true };

    [Theory, MemberData(nameof(AsRoot))]
    public void Locks_and_watches_on_shared_inodes_are_refused(bool asRoot)
    {
        string program = sandbox.CompileC("""
            #include <sys/file.h>
            #include <sys/inotify.h>
            static long lock(int fd, int command)
            {
                struct flock range = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
                return fcntl(fd, command, &range);
            }
            int main(int argc, char **argv)
            {
                (void)argc;
                int zero = open("/dev/zero", O_RDONLY), full = open("/dev/full", O_RDWR), self = open(argv[0], O_RDONLY);
                report("flock_dev_zero", flock(zero, LOCK_EX | LOCK_NB));
                report("flock_dev_full", flock(full, LOCK_SH | LOCK_NB));
                report("flock_image_file", flock(self, LOCK_SH | LOCK_NB));
                report("setlk_dev_full", lock(full, F_SETLK));
                report("getlk_dev_full", lock(full, F_GETLK));
                report("ofd_setlk_dev_full", lock(full, F_OFD_SETLK));
                report("ofd_getlk_image_file", lock(self, F_OFD_GETLK));
                report("inotify_init1", inotify_init1(0));
                report("dnotify_dev", fcntl(open("/dev", O_RDONLY | O_DIRECTORY), F_NOTIFY, DN_ACCESS | DN_MULTISHOT));
                /* What programs do with fcntl legitimately still works. */
                report("getfl", fcntl(zero, F_GETFL));
                report("dupfd_cloexec", fcntl(zero, F_DUPFD_CLOEXEC, 10));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { RunAsRoot = asRoot });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(
            [
                "flock_dev_zero ENOLCK", "flock_dev_full ENOLCK", "flock_image_file ENOLCK", "setlk_dev_full ENOLCK",
                "getlk_dev_full ENOLCK", "ofd_setlk_dev_full ENOLCK", "ofd_getlk_image_file ENOLCK", "inotify_init1 ENOSYS",
                "dnotify_dev EPERM", "getfl ok", "dupfd_cloexec ok",
            ],
            run.Lines);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Blocks_cannot_be_reserved_behind_an_output_file_and_writing_them_counts_against_the_output_limit()
    {
        // stderr is a file on the host's side of the sandbox, like stdout; the results go to stdout.
        string program = sandbox.CompileC("""
            #include <linux/falloc.h>
            int main(void)
            {
                report("keep_size", fallocate(2, FALLOC_FL_KEEP_SIZE, 0, 256 << 20));
                report("extend", fallocate(2, 0, 0, 256 << 20));
                /* posix_fallocate falls back to writing a byte per block, which the file size limit stops (SIGXFSZ). */
                errno = posix_fallocate(2, 0, 256 << 20);
                report("posix_fallocate", errno ? -1 : 0);
                return 0;
            }
            """);
        string stderr = Path.Combine(sandbox.NewDirectory(), "stderr");

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { StderrPath = stderr });

        ResultAssert.Status(SandboxStatus.OutputLimit, run);
        Assert.Equal(25, run.Result.Signal);
        Assert.Equal(["keep_size EOPNOTSUPP", "extend EOPNOTSUPP"], run.Lines);
        Assert.InRange(new FileInfo(stderr).Length, 1, AttackFixture.Limits.OutputBytes!.Value);
        sandbox.AssertNextRunWorks();
    }
}
