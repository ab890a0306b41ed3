using System.Runtime.InteropServices;

namespace Judge.Sandbox.Seccomp;

/// <summary>One classic-BPF instruction, laid out as the kernel's <c>struct sock_filter</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);

/// <summary>
/// The seccomp program every sandboxed process gets, applied last before execve.
/// <para>
/// A deny-list: the namespaces, the dropped capabilities and the cgroup already contain the program;
/// this removes the kernel surface it has no business touching, where most privilege-escalation bugs
/// have lived (user namespaces, io_uring, bpf, perf, keyrings, userfaultfd, the mount API).
/// A syscall from another ABI (i386 through <c>int 0x80</c>, x32) kills the process: those tables
/// have different numbers, so a deny-list written for the native one would not hold there.
/// </para>
/// </summary>
public static class SeccompPolicy
{
    /// <summary>Refused with EPERM: what a judged program never needs, and what would weaken the sandbox.</summary>
    public static readonly IReadOnlyList<string> Denied =
    [
        // Reaching into other processes.
        "ptrace", "process_vm_readv", "process_vm_writev",
        // Changing the filesystem view, or leaving it.
        "mount", "umount2", "pivot_root", "chroot", "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount",
        "fspick", "mount_setattr", "open_tree_attr", "open_by_handle_at", "name_to_handle_at",
        // New namespaces: a new user namespace hands back a full set of capabilities over it.
        "unshare", "setns",
        // Kernel attack surface with a long record of exploits.
        "keyctl", "add_key", "request_key", "bpf", "perf_event_open", "userfaultfd", "fanotify_init", "lookup_dcookie",
        // The machine itself: none of these work without capabilities, deny them anyway.
        "kexec_load", "kexec_file_load", "init_module", "finit_module", "delete_module", "reboot", "swapon", "swapoff",
        "acct", "quotactl", "quotactl_fd", "syslog", "settimeofday", "clock_settime", "clock_adjtime", "adjtimex",
        "sethostname", "setdomainname", "vhangup", "iopl", "ioperm", "uselib",
    ];

    /// <summary>Answered with ENOSYS, as if the kernel were older, so libc and runtimes fall back instead of failing.</summary>
    public static readonly IReadOnlyList<string> Unimplemented =
    [
        // clone3 passes its flags in memory, which seccomp cannot read: glibc falls back to clone, which we inspect.
        "clone3",
        "io_uring_setup", "io_uring_enter", "io_uring_register",
        // Watching files is a channel between runs: the image's libraries and /dev are the same inodes in every run,
        // so a watch sees other sandboxes open them. Without inotify, file watchers fall back to polling.
        "inotify_init", "inotify_init1",
    ];

    /// <summary>
    /// Answered with ENOLCK, "no locks available": a lock is a channel between runs on every inode they share (the
    /// image's libraries are hard links of the host's files; /dev is one per host). flock and fcntl's lock commands;
    /// programs that lock (SQLite, for one) report it as a locking error rather than crash.
    /// </summary>
    public static readonly IReadOnlyList<string> NoLocks = ["flock"];

    /// <summary>Answered with EOPNOTSUPP, as filesystems without it do: reserving blocks behind a file's size takes space
    /// on the host that no size limit counts. posix_fallocate falls back to writing, which the file size limit counts.</summary>
    public static readonly IReadOnlyList<string> Unsupported = ["fallocate"];

    /// <summary>fcntl commands that take or test record locks, as ranges: F_GETLK, F_SETLK, F_SETLKW (5-7) and their
    /// open-file-description forms (36-38). Answered like <see cref="NoLocks"/>.</summary>
    public static readonly IReadOnlyList<(uint First, uint Last)> FcntlLockCommands = [(5, 7), (36, 38)];

    /// <summary>fcntl(F_NOTIFY): dnotify on a shared image directory would tell when other runs open its files.</summary>
    public const uint FcntlNotify = 1026;

    /// <summary>Built once for the architecture this process runs on; the C side installs it with PR_SET_SECCOMP.
    /// Declared after the lists it reads: static initializers run in order.</summary>
    public static readonly SockFilter[] Filter = For(RuntimeInformation.ProcessArchitecture);

    // <linux/seccomp.h>
    public const uint RetKillProcess = 0x80000000;
    public const uint RetAllow = 0x7fff0000;
    private const uint RetErrno = 0x00050000;
    public const uint RetEperm = RetErrno | 1;
    public const uint RetEnosys = RetErrno | 38;
    public const uint RetEnolck = RetErrno | 37;
    public const uint RetEopnotsupp = RetErrno | 95;

    /// <summary>Every CLONE_NEW* flag that clone() can carry. CLONE_NEWTIME (0x80) shares its bit with the
    /// exit signal there and is only honoured by clone3 and unshare, both refused whole.</summary>
    public const uint CloneNamespaceFlags =
        0x00020000 |  // CLONE_NEWNS
        0x02000000 |  // CLONE_NEWCGROUP
        0x04000000 |  // CLONE_NEWUTS
        0x08000000 |  // CLONE_NEWIPC
        0x10000000 |  // CLONE_NEWUSER
        0x20000000 |  // CLONE_NEWPID
        0x40000000;   // CLONE_NEWNET

    /// <summary>personality(PER_LINUX), and personality(0xffffffff), which only asks.</summary>
    private const uint PerLinux = 0, PersonalityQuery = 0xffffffff;

    private const uint X32SyscallBit = 0x40000000;

    // struct seccomp_data { int nr; __u32 arch; __u64 instruction_pointer; __u64 args[6]; }, little-endian.
    private const uint NrOffset = 0, ArchOffset = 4, FirstArgLowOffset = 16, SecondArgLowOffset = 24;

    /// <summary>The program for <paramref name="architecture"/>'s native ABI.</summary>
    public static SockFilter[] For(Architecture architecture)
    {
        SyscallTable table = SyscallTable.For(architecture);
        var bpf = new BpfAssembler();

        bpf.Load(ArchOffset);
        bpf.JumpIfEqual(table.AuditArch, BpfAssembler.Next, "kill");
        bpf.Load(NrOffset);
        if (table.HasX32Bit)
            bpf.JumpIfAnyBit(X32SyscallBit, "kill");

        // Every number that needs more than "allow", with where it goes.
        List<(uint Nr, string Target)> special =
        [
            .. NumbersOf(Denied, table).Select(nr => (nr, "eperm")),
            .. NumbersOf(Unimplemented, table).Select(nr => (nr, "enosys")),
            .. NumbersOf(NoLocks, table).Select(nr => (nr, "enolck")),
            .. NumbersOf(Unsupported, table).Select(nr => (nr, "eopnotsupp")),
            (table.Find("clone")!.Value, "clone"),
            (table.Find("personality")!.Value, "personality"),
            (table.Find("fcntl")!.Value, "fcntl"),
        ];
        EmitSearch(bpf, [.. special.OrderBy(s => s.Nr)], "n");

        // clone(flags, ...): the kernel reads only the low 32 bits of flags.
        bpf.Label("clone");
        bpf.Load(FirstArgLowOffset);
        bpf.JumpIfAnyBit(CloneNamespaceFlags, "eperm", "allow");

        // personality(unsigned int persona): READ_IMPLIES_EXEC, ADDR_NO_RANDOMIZE and friends weaken the process.
        bpf.Label("personality");
        bpf.Load(FirstArgLowOffset);
        bpf.JumpIfEqual(PerLinux, "allow");
        bpf.JumpIfEqual(PersonalityQuery, "allow", "eperm");

        // fcntl(fd, cmd, ...): the kernel reads cmd as an unsigned int. The lock ranges from the top down, so that the
        // common commands (F_DUPFD 0 to F_SETFL 4) take four comparisons; F_NOTIFY lies above them all.
        bpf.Label("fcntl");
        bpf.Load(SecondArgLowOffset);
        bool highest = true;
        foreach (var (first, last) in FcntlLockCommands.OrderByDescending(range => range.First))
        {
            bpf.JumpIfAtLeast(last + 1, highest ? "fcntl-notify" : "allow");
            bpf.JumpIfAtLeast(first, "enolck");
            highest = false;
        }
        bpf.Ret(RetAllow);
        bpf.Label("fcntl-notify");
        bpf.JumpIfEqual(FcntlNotify, "eperm", "allow");

        bpf.Label("allow");
        bpf.Ret(RetAllow);
        bpf.Label("eperm");
        bpf.Ret(RetEperm);
        bpf.Label("enosys");
        bpf.Ret(RetEnosys);
        bpf.Label("enolck");
        bpf.Ret(RetEnolck);
        bpf.Label("eopnotsupp");
        bpf.Ret(RetEopnotsupp);
        bpf.Label("kill");
        bpf.Ret(RetKillProcess);
        return bpf.Build();
    }

    /// <summary>
    /// A binary search over the sorted syscall numbers that need more than "allow", rather than one
    /// comparison after another: the kernel runs the program once per syscall number when the filter
    /// is installed (to cache which ones are always allowed), so each run's setup pays for the longest
    /// path times about 450 numbers. Measured: 145 µs to install a 66-instruction linear list, 37 µs for
    /// one with a path of 13. Every number outside the list ends in "allow".
    /// </summary>
    private static void EmitSearch(BpfAssembler bpf, IReadOnlyList<(uint Nr, string Target)> sorted, string name)
    {
        const int LinearBelow = 4;
        if (sorted.Count < LinearBelow)
        {
            foreach (var (nr, target) in sorted)
                bpf.JumpIfEqual(nr, target);
            bpf.Ret(RetAllow);
            return;
        }
        int middle = sorted.Count / 2;
        string upper = name + "u";
        bpf.JumpIfAtLeast(sorted[middle].Nr, upper);
        EmitSearch(bpf, [.. sorted.Take(middle)], name + "l");
        bpf.Label(upper);
        EmitSearch(bpf, [.. sorted.Skip(middle)], upper);
    }

    /// <summary>The numbers of the named syscalls this architecture has. A name no table knows is a typo, and a hole.</summary>
    private static IEnumerable<uint> NumbersOf(IEnumerable<string> names, SyscallTable table)
    {
        foreach (string name in names)
        {
            if (table.Find(name) is { } nr)
                yield return nr;
            else if (SyscallTable.X86_64.Find(name) is null && SyscallTable.Aarch64.Find(name) is null)
                throw new InvalidOperationException($"seccomp policy names {name}, which no syscall table knows");
        }
    }
}
