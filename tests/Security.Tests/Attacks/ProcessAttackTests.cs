using System.Diagnostics;

namespace Judge.Security.Tests.Attacks;

/// <summary>Programs that go after other processes: the host's, and the sandbox's own init.</summary>
[Collection(AttackCollection.Name)]
public sealed class ProcessAttackTests(AttackFixture sandbox)
{
    [Fact]
    public void Kill_minus_one_and_signals_to_pid_1_leave_host_processes_alone()
    {
        using var hostSleeper = Process.Start("/bin/sleep", "60");
        string program = sandbox.CompileC("""
            int main(int argc, char **argv)
            {
                pid_t host = argc > 1 ? atoi(argv[1]) : 0;
                pid_t child = fork();
                if (child == 0) {
                    pause();
                    _exit(0);
                }
                report("kill_host_pid", kill(host, SIGKILL));
                report("kill_minus_one", kill(-1, SIGKILL));
                report("kill_init", kill(1, SIGKILL));
                report("kill_init_stop", kill(1, SIGSTOP));
                puts("survived");
                fflush(stdout);
                report("kill_group", kill(0, SIGKILL));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, hostSleeper.Id.ToString()]);

        // Its own process group is itself (and its child): that kill is the one that lands.
        ResultAssert.Status(SandboxStatus.Signaled, run);
        Assert.Equal(9, run.Result.Signal);
        Assert.Equal(
            [
                "kill_host_pid ESRCH", // the host's pid means nothing inside
                "kill_minus_one ok",   // it reached the sandbox's own child, nothing else
                "kill_init EPERM", "kill_init_stop EPERM", // the sandbox's init is not the program's user
                "survived",
            ],
            run.Lines);
        Assert.False(hostSleeper.HasExited, "a host process died");
        hostSleeper.Kill();
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Ptrace_and_reading_another_process_memory_are_denied()
    {
        string program = sandbox.CompileC("""
            #include <sys/ptrace.h>
            #include <sys/uio.h>
            int main(void)
            {
                char buf[8] = {0};
                struct iovec local = { buf, sizeof buf }, remote = { buf, sizeof buf };
                pid_t child = fork();
                if (child == 0) {
                    pause();
                    _exit(0);
                }
                report("ptrace_traceme", ptrace(PTRACE_TRACEME, 0, 0, 0));
                report("ptrace_attach", ptrace(PTRACE_ATTACH, child, 0, 0));
                report("ptrace_seize", ptrace(PTRACE_SEIZE, child, 0, 0));
                report("process_vm_readv", process_vm_readv(child, &local, 1, &remote, 1, 0));
                report("process_vm_writev", process_vm_writev(child, &local, 1, &remote, 1, 0));
                kill(child, SIGKILL);
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { RunAsRoot = true });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(
            ["ptrace_traceme EPERM", "ptrace_attach EPERM", "ptrace_seize EPERM", "process_vm_readv EPERM", "process_vm_writev EPERM"],
            run.Lines);
        sandbox.AssertNextRunWorks();
    }
}
