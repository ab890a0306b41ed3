using System.Diagnostics;
using System.Runtime.InteropServices;
using Judge.Sandbox.Seccomp;
using Judge.Testing;

namespace Judge.Security.Tests.Seccomp;

/// <summary>
/// Asks this machine's kernel what the sandbox's seccomp program decides for a syscall, without the syscall ever
/// running. A small C program installs, in a fresh child per question, first a "marker" filter that answers
/// errno <see cref="PassedErrno"/> to any call whose sixth argument is <see cref="Magic"/>, then the policy's
/// program, and makes the call with that argument (the policy looks at no sixth argument). The kernel runs every
/// filter and keeps the strongest action (kill, then errno, then allow), the newest filter's among equals: so a call
/// the policy refuses gets the policy's errno or kill, and a call it lets through meets the marker instead of the
/// kernel. Nothing the policy would allow is ever executed, reboot included, and what is checked is the real
/// program in the real kernel, not a model of either.
/// </summary>
public static class SeccompProbe
{
    /// <summary>The errno of a call the policy let through (the marker's answer): no syscall returns it.</summary>
    public const int PassedErrno = 4000;
    public const uint Magic = 0x5ecc0b3e;

    /// <summary>What the kernel did with one call: the errno it returned, or the signal that killed the caller.</summary>
    public readonly record struct Outcome(int? Errno, int? Signal)
    {
        public static readonly Outcome Passed = new(PassedErrno, null);
        public static Outcome Refused(int errno) => new(errno, null);
        public static readonly Outcome KilledBySigsys = new(null, 31);
        public override string ToString() => Signal is { } s ? $"signal {s}" : Errno == PassedErrno ? "allowed" : $"errno {Errno}";
    }

    // <errno.h>
    public const int Eperm = 1, Enolck = 37, Enosys = 38, Eopnotsupp = 95;

    /// <summary>Syscalls the tests name, besides the policy's lists (which a broken policy may lack): ordinary ones,
    /// those the policy inspects, and some it must refuse.</summary>
    private static readonly string[] AlsoNamed =
        ["read", "openat", "mmap", "exit_group", "getpid", "clone", "personality", "fcntl", "ptrace", "unshare", "bpf"];

    private static readonly Lazy<(string Program, IReadOnlyDictionary<string, uint> Numbers)> Built = new(Build);

    /// <summary>The syscall numbers of this architecture, from the kernel headers the C compiler sees
    /// (linux-libc-dev), not from libseccomp: a name the headers lack is absent.</summary>
    public static IReadOnlyDictionary<string, uint> Numbers => Built.Value.Numbers;

    public static uint Nr(string name) =>
        Numbers.TryGetValue(name, out uint nr) ? nr : throw new ArgumentException($"the kernel headers have no {name} on {RuntimeInformation.ProcessArchitecture}");

    public static Outcome Ask(uint nr, params ulong[] args) => Ask([(nr, args)])[0];

    /// <summary>One outcome per call, in order; each call in its own child. Without <paramref name="policy"/>, only
    /// the marker: what the kernel answers when no policy is in the way.</summary>
    public static IReadOnlyList<Outcome> Ask(IReadOnlyList<(uint Nr, ulong[] Args)> calls, bool policy = true)
    {
        var input = new System.Text.StringBuilder();
        foreach (var (nr, args) in calls)
        {
            if (args.Length > 5)
                throw new ArgumentException("the sixth argument is the marker's");
            input.Append(nr);
            foreach (ulong arg in args.Concat(Enumerable.Repeat(0UL, 5 - args.Length)))
                input.Append(' ').Append(arg);
            input.Append('\n');
        }
        string[] lines = policy ? Run(input.ToString()) : Run(input.ToString(), "without-policy");
        Assert.True(lines.Length == calls.Count, $"the probe answered {lines.Length} of {calls.Count} calls: {string.Join(" | ", lines)}");
        return [.. lines.Select(Parse)];
    }

    private static Outcome Parse(string line) => line.Split(' ') switch
    {
        ["errno", var e] => new Outcome(int.Parse(e), null),
        ["signal", var s] => new Outcome(null, int.Parse(s)),
        _ => throw new InvalidOperationException($"the probe says: {line}"),
    };

    private static string[] Run(string input, params string[] arguments)
    {
        string filter = Path.Combine(Path.GetDirectoryName(Built.Value.Program)!, "filter.bpf");
        var psi = new ProcessStartInfo(Built.Value.Program)
        {
            RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true,
        };
        psi.ArgumentList.Add(filter);
        foreach (string argument in arguments)
            psi.ArgumentList.Add(argument);
        using var probe = Process.Start(psi)!;
        Task<string> stdout = probe.StandardOutput.ReadToEndAsync(), stderr = probe.StandardError.ReadToEndAsync();
        probe.StandardInput.Write(input);
        probe.StandardInput.Close();
        Assert.True(probe.WaitForExit(60_000), "the seccomp probe did not finish in 60 s");
        Assert.True(probe.ExitCode == 0, $"the seccomp probe failed ({probe.ExitCode}): {stderr.Result}");
        return stdout.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    private static (string, IReadOnlyDictionary<string, uint>) Build()
    {
        string directory = Directory.CreateTempSubdirectory("judge-seccomp-probe-").FullName;
        AppDomain.CurrentDomain.ProcessExit += (_, _) => Directory.Delete(directory, recursive: true);
        IEnumerable<string> names = SeccompPolicy.Denied.Concat(SeccompPolicy.Unimplemented).Concat(SeccompPolicy.NoLocks)
            .Concat(SeccompPolicy.Unsupported).Concat(SeccompPolicy.NewerThanLibseccomp.Keys).Concat(AlsoNamed).Distinct();
        string table = string.Concat(names.Select(n => $"#ifdef __NR_{n}\n    {{\"{n}\", __NR_{n}}},\n#endif\n"));
        string program = HostPrograms.CompileStaticC(directory, "seccomp-probe", Source.Replace("/*NUMBERS*/", table), []);

        // The program in use, as the C helper gets it.
        SockFilter[] filter = SeccompPolicy.Filter;
        File.WriteAllBytes(Path.Combine(directory, "filter.bpf"), MemoryMarshal.AsBytes(filter.AsSpan()).ToArray());
        var numbers = new Dictionary<string, uint>();
        var psi = new ProcessStartInfo(program, ["-", "numbers"]) { RedirectStandardOutput = true };
        using (var list = Process.Start(psi)!)
        {
            foreach (string line in list.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries))
            {
                string[] parts = line.Split(' ');
                numbers[parts[0]] = uint.Parse(parts[1]);
            }
            list.WaitForExit();
        }
        return (program, numbers);
    }

    private const string Source = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <linux/filter.h>
        #include <linux/seccomp.h>
        #include <stddef.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/prctl.h>
        #include <sys/syscall.h>
        #include <sys/wait.h>
        #include <unistd.h>

        static const struct { const char *name; long nr; } numbers[] = {
        /*NUMBERS*/
        };

        static int install(struct sock_filter *code, size_t length)
        {
            struct sock_fprog program = { .len = (unsigned short)length, .filter = code };
            return (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &program);
        }

        int main(int argc, char **argv)
        {
            if (argc > 2 && strcmp(argv[2], "numbers") == 0) {
                for (size_t i = 0; i < sizeof numbers / sizeof numbers[0]; i++)
                    printf("%s %ld\n", numbers[i].name, numbers[i].nr);
                return 0;
            }
            static struct sock_filter policy[4096];
            FILE *file = fopen(argv[1], "rb");
            if (!file) { perror(argv[1]); return 2; }
            size_t length = fread(policy, sizeof policy[0], 4096, file);
            fclose(file);
            int bare = argc > 2 && strcmp(argv[2], "without-policy") == 0;

            // Little-endian (x86_64, arm64): the low half of args[5] is the word at its offset.
            struct sock_filter marker[] = {
                BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, args[5])),
                BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, 0x5ecc0b3eu, 0, 1),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | 4000),
                BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
            };

            unsigned long long nr, a[5];
            while (scanf("%llu %llu %llu %llu %llu %llu", &nr, &a[0], &a[1], &a[2], &a[3], &a[4]) == 6) {
                int answer[2];
                if (pipe(answer) != 0) { perror("pipe"); return 2; }
                pid_t child = fork();
                if (child < 0) { perror("fork"); return 2; }
                if (child == 0) {
                    close(answer[0]);
                    int result = -1;
                    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 && install(marker, 4) == 0 && (bare || install(policy, length) == 0)) {
                        long rc = syscall((long)nr, a[0], a[1], a[2], a[3], a[4], 0x5ecc0b3eull);
                        result = rc == -1 ? errno : -2; // -2: the call ran, which neither filter allows
                        // The register of the sixth argument keeps the marker across the calls below: clear it.
                        syscall(SYS_getppid, 0, 0, 0, 0, 0, 0);
                    }
                    if (write(answer[1], &result, sizeof result) != sizeof result) _exit(3);
                    _exit(0);
                }
                close(answer[1]);
                int result = -3, status = 0;
                ssize_t got = read(answer[0], &result, sizeof result);
                close(answer[0]);
                waitpid(child, &status, 0);
                if (WIFSIGNALED(status) && got <= 0)
                    printf("signal %d\n", WTERMSIG(status));
                else if (got == sizeof result && result >= 0)
                    printf("errno %d\n", result);
                else
                    printf("failed %llu: result %d, status %#x\n", nr, result, status);
            }
            return 0;
        }
        """;
}
