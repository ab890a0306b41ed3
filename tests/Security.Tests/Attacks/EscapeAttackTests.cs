using Judge.Testing;
using Xunit.Abstractions;

namespace Judge.Security.Tests.Attacks;

/// <summary>
/// Programs that try to leave the sandbox or reach kernel surface it has no business touching.
/// Each runs as the sandbox's ordinary user and as its root: root inside holds no capability, so
/// the answers must not differ.
/// </summary>
[Collection(AttackCollection.Name)]
public sealed class EscapeAttackTests(AttackFixture sandbox, ITestOutputHelper output)
{
    public static TheoryData<bool> AsRoot => new() { false, true };

    [Theory, MemberData(nameof(AsRoot))]
    public void Mount_unshare_setns_chroot_and_new_namespaces_are_denied(bool asRoot)
    {
        string hostname = File.ReadAllText("/proc/sys/kernel/hostname");
        string program = sandbox.CompileC("""
            #include <pthread.h>
            #include <sys/mount.h>
            static void *nothing(void *arg) { return arg; }
            static long clone_flags(unsigned long flags)
            {
                long rc = syscall(SYS_clone, flags | SIGCHLD, 0, 0, 0, 0);
                if (rc == 0)
                    _exit(0);
                return rc;
            }
            int main(void)
            {
                /* struct clone_args, first version: flags, pidfd, child_tid, parent_tid, exit_signal, stack, stack_size, tls */
                uint64_t clone3_args[8] = { CLONE_NEWUSER, 0, 0, 0, SIGCHLD, 0, 0, 0 };
                report("unshare_user", unshare(CLONE_NEWUSER));
                report("unshare_mount", unshare(CLONE_NEWNS));
                report("clone_newuser", clone_flags(CLONE_NEWUSER));
                report("clone_newns", clone_flags(CLONE_NEWNS));
                report("clone_newnet", clone_flags(CLONE_NEWNET));
                long rc = syscall(SYS_clone3, clone3_args, sizeof clone3_args);
                if (rc == 0)
                    _exit(0);
                report("clone3_newuser", rc);
                report("setns", setns(open("/proc/self/ns/mnt", O_RDONLY), 0));
                report("mount_tmpfs", mount("none", "/box", "tmpfs", 0, NULL));
                report("mount_bind_root", mount("/", "/box", NULL, MS_BIND, NULL));
                report("umount_proc", umount2("/proc", MNT_DETACH));
                report("chroot", chroot("/tmp"));
                report("pivot_root", syscall(SYS_pivot_root, "/tmp", "/tmp"));
                report("fsopen", syscall(SYS_fsopen, "tmpfs", 0));
                report("open_tree", syscall(SYS_open_tree, AT_FDCWD, "/proc", 1));
                report("open_tree_attr", syscall(467, AT_FDCWD, "/proc", 0, NULL, 0));
                report("sethostname", sethostname("owned", 5));
                /* What programs do legitimately still works: fork, and threads (glibc falls back from clone3 to clone). */
                pid_t child = fork();
                if (child == 0)
                    _exit(0);
                report("fork", child < 0 ? -1 : waitpid(child, NULL, 0));
                pthread_t t;
                int err = pthread_create(&t, NULL, nothing, NULL);
                errno = err;
                report("thread", err ? -1 : pthread_join(t, NULL));
                return 0;
            }
            """, "-pthread");

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { RunAsRoot = asRoot });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(
            [
                "unshare_user EPERM", "unshare_mount EPERM", "clone_newuser EPERM", "clone_newns EPERM", "clone_newnet EPERM",
                "clone3_newuser ENOSYS", "setns EPERM", "mount_tmpfs EPERM", "mount_bind_root EPERM", "umount_proc EPERM",
                "chroot EPERM", "pivot_root EPERM", "fsopen EPERM", "open_tree EPERM", "open_tree_attr EPERM", "sethostname EPERM",
                "fork ok", "thread ok",
            ],
            run.Lines);
        Assert.Equal(hostname, File.ReadAllText("/proc/sys/kernel/hostname"));
        sandbox.AssertNextRunWorks();
    }

    [Theory, MemberData(nameof(AsRoot))]
    public void Io_uring_keyrings_bpf_perf_and_userfaultfd_are_unavailable(bool asRoot)
    {
        string program = sandbox.CompileC("""
            #include <sys/personality.h>
            int main(void)
            {
                char params[120] = {0}; /* struct io_uring_params */
                char attr[128] = {0};   /* union bpf_attr / struct perf_event_attr, zeroed */
                report("io_uring_setup", syscall(SYS_io_uring_setup, 8, params));
                report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 1));
                report("add_key", syscall(SYS_add_key, "user", "judge", "x", 1, -3));
                report("request_key", syscall(SYS_request_key, "user", "judge", NULL, 0));
                report("bpf", syscall(SYS_bpf, 0 /* BPF_MAP_CREATE */, attr, sizeof attr));
                report("perf_event_open", syscall(SYS_perf_event_open, attr, 0, -1, -1, 0));
                report("userfaultfd", syscall(SYS_userfaultfd, 0));
                report("syslog", syscall(SYS_syslog, 10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0));
                report("iopl", syscall(SYS_iopl, 3));
                report("personality_no_aslr", personality(ADDR_NO_RANDOMIZE));
                report("personality_query", personality(0xffffffff));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { RunAsRoot = asRoot });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(
            [
                "io_uring_setup ENOSYS", "keyctl EPERM", "add_key EPERM", "request_key EPERM", "bpf EPERM",
                "perf_event_open EPERM", "userfaultfd EPERM", "syslog EPERM", "iopl EPERM",
                "personality_no_aslr EPERM", "personality_query ok",
            ],
            run.Lines);
        sandbox.AssertNextRunWorks();
    }

    /// <summary>
    /// The i386 entry must never run a call. Where the host runs <c>int $0x80</c> for a 64-bit process, only our
    /// filter stops it, and it must do so with SIGSYS. Some hosts give 64-bit processes no IA-32 entry at all (a
    /// virtualisation layer can, whatever the kernel's config says) and kill the caller themselves; there the
    /// filter cannot be seen, and the test proves what it still can: the call never returned and the process died.
    /// </summary>
    [Fact]
    public void I386_syscall_through_int_0x80_never_runs_and_kills_the_process()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                long pid;
                puts("before");
                fflush(stdout);
                __asm__ volatile ("int $0x80" : "=a"(pid) : "a"(20L) /* i386 getpid */ : "memory");
                printf("after %ld\n", pid);
                return 0;
            }
            """);
        HostRun onHost = HostPrograms.RunOnHost(program);
        bool hostRunsTheCall = onHost.ExitCode == 0 && onHost.Stdout.StartsWith("before\nafter ", StringComparison.Ordinal);
        bool hostKillsTheCaller = onHost.Signal is not null && onHost.Stdout == "before\n";
        Assert.True(hostRunsTheCall || hostKillsTheCaller, $"the host did neither of the two things it can do with int $0x80: {onHost}");

        AttackRun run = sandbox.Run([program]);

        ResultAssert.Status(SandboxStatus.Signaled, run);
        Assert.Equal("before\n", run.Stdout);
        if (hostRunsTheCall)
        {
            output.WriteLine("This host runs int $0x80 outside the sandbox; the sandbox's filter must stop it with SIGSYS.");
            Assert.Equal(31, run.Result.Signal); // SIGSYS
        }
        else
        {
            output.WriteLine($"This host itself kills a process that uses int $0x80 (signal {onHost.Signal} outside any sandbox), so the "
                + $"filter cannot be observed here; the sandboxed call never returned and the process died of signal {run.Result.Signal}.");
        }
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void X32_syscall_kills_the_process()
    {
        string program = sandbox.CompileC("""
            int main(void)
            {
                puts("before");
                fflush(stdout);
                long pid = syscall(0x40000000 | SYS_getpid);
                printf("after %ld\n", pid);
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program]);

        ResultAssert.Status(SandboxStatus.Signaled, run);
        Assert.Equal(31, run.Result.Signal);
        Assert.Equal("before\n", run.Stdout);
        sandbox.AssertNextRunWorks();
    }
}
