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
/// <para>
/// libseccomp turns these lists into the BPF program, with its own syscall tables for the architecture; it runs
/// once per process, and the C helper installs the result in each child with raw syscalls.
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

    /// <summary>Syscalls newer than the libseccomp we run with (Debian 12's 2.5.4 predates Linux 6.15's open_tree_attr),
    /// by the number every architecture has shared since Linux 5.1 (424 on). Used only where libseccomp does not know
    /// the name; a test checks each against the kernel headers.</summary>
    public static readonly IReadOnlyDictionary<string, int> NewerThanLibseccomp = new Dictionary<string, int>
    {
        ["open_tree_attr"] = 467,
    };

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

    /// <summary>fcntl commands that take or test record locks: F_GETLK, F_SETLK, F_SETLKW (5-7) and their
    /// open-file-description forms (36-38). Answered like <see cref="NoLocks"/>.</summary>
    public static readonly IReadOnlyList<uint> FcntlLockCommands = [5, 6, 7, 36, 37, 38];

    /// <summary>fcntl(F_NOTIFY): dnotify on a shared image directory would tell when other runs open its files.</summary>
    public const uint FcntlNotify = 1026;

    /// <summary>Built once, for the architecture this process runs on; the C side installs it with PR_SET_SECCOMP.
    /// Declared after the lists it reads: static initializers run in order.</summary>
    public static readonly SockFilter[] Filter = Build(BinaryTree);

    // <linux/audit.h>: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, and EM_AARCH64 likewise.
    public const uint AuditArchX86_64 = 0xC000003E;
    public const uint AuditArchAarch64 = 0xC00000B7;

    /// <summary>libseccomp's SCMP_FLTATR_CTL_OPTIMIZE levels. The kernel runs the filter for every syscall number
    /// when it is installed (to cache which ones are always allowed), so each run's setup pays for the path to each of
    /// about 450 numbers: a binary tree over the syscall numbers keeps every path short, where the default (one
    /// comparison after another, by priority) walks all ~60 special numbers. Measured (docs/benchmarks.md, "Seccomp
    /// filter"), installing in a fresh child, median of 3000: 146 µs by priority, 95 µs as a tree (220 instructions),
    /// 79 µs for the hand-made assembler's 137-instruction program this replaced.</summary>
    internal const uint PriorityOrder = 1, BinaryTree = 2;

    /// <summary>The <c>seccomp_data.arch</c> of <paramref name="architecture"/>'s native ABI; the sandbox runs only
    /// where it has a policy.</summary>
    public static uint AuditArchOf(Architecture architecture) => architecture switch
    {
        Architecture.X64 => AuditArchX86_64,
        Architecture.Arm64 => AuditArchAarch64,
        _ => throw new PlatformNotSupportedException(
            $"no seccomp policy for {architecture}: the sandbox refuses to run without one (supported: x64, arm64)"),
    };

    /// <summary>The program for this process's architecture. libseccomp builds for the machine it runs on; the
    /// tests check the program in this kernel (tests/Security.Tests/Seccomp).</summary>
    internal static SockFilter[] Build(uint optimize)
    {
        uint arch = AuditArchOf(RuntimeInformation.ProcessArchitecture);
        nint context;
        try
        {
            context = LibSeccomp.Init(RetAllow);
        }
        catch (DllNotFoundException e)
        {
            throw new InvalidOperationException(
                "the sandbox builds its seccomp filter with libseccomp.so.2, which is missing (Debian: apt-get install libseccomp2)", e);
        }
        if (context == 0)
            throw new InvalidOperationException("libseccomp's seccomp_init failed");
        try
        {
            if (LibSeccomp.ArchNative() != arch)
                throw new PlatformNotSupportedException($"libseccomp's native architecture is {LibSeccomp.ArchNative():x}, this process's is {arch:x}");
            // i386 (int 0x80) and any other ABI: not in the filter, so the "bad architecture" action. On x86_64
            // libseccomp also sends there every number from the x32 bit (0x40000000) up, apart from -1 (no syscall:
            // the kernel answers ENOSYS).
            LibSeccomp.Check(LibSeccomp.AttrSet(context, LibSeccomp.Attribute.BadArchAction, RetKillProcess), "setting the bad-architecture action");
            // The C helper sets no_new_privs itself, before it installs the program.
            LibSeccomp.Check(LibSeccomp.AttrSet(context, LibSeccomp.Attribute.NoNewPrivs, 0), "leaving no_new_privs to the helper");
            LibSeccomp.Check(LibSeccomp.AttrSet(context, LibSeccomp.Attribute.Optimize, optimize), "setting the optimisation level");
            AddRules(context, arch);
            byte[] bpf = LibSeccomp.Export(fd => LibSeccomp.ExportBpf(context, fd), "filter");
            return MemoryMarshal.Cast<byte, SockFilter>(bpf).ToArray();
        }
        finally
        {
            LibSeccomp.Release(context);
        }
    }

    private static void AddRules(nint context, uint arch)
    {
        foreach (string name in Denied)
            Add(context, arch, RetEperm, name);
        foreach (string name in Unimplemented)
            Add(context, arch, RetEnosys, name);
        foreach (string name in NoLocks)
            Add(context, arch, RetEnolck, name);
        foreach (string name in Unsupported)
            Add(context, arch, RetEopnotsupp, name);

        // clone(flags, ...): any namespace flag. The kernel reads only the low 32 bits of flags, and so does each
        // comparison (its mask's upper half is zero).
        for (uint bit = 1; bit != 0; bit <<= 1)
        {
            if ((CloneNamespaceFlags & bit) != 0)
                Add(context, arch, RetEperm, "clone", LowBits(0, bit, bit));
        }

        // personality(unsigned int persona): anything but PER_LINUX (0) and the query 0xffffffff; READ_IMPLIES_EXEC,
        // ADDR_NO_RANDOMIZE and friends weaken the process. libseccomp allows one comparison per argument in a rule,
        // and "neither all zeros nor all ones" is not one comparison: it is "some bit is set and the bit above it
        // (bit 31 wraps to bit 0) is clear", which every other value has somewhere around the ring: 32 rules, and
        // none fewer will do (each value with a single bit set needs a rule of its own). They are 96 of the filter's
        // 220 instructions and about 19 µs of its 95 µs install (120 instructions and 76 µs without them); only a
        // call to personality walks them.
        for (int bit = 0; bit < 32; bit++)
        {
            uint set = 1u << bit, clear = 1u << ((bit + 1) % 32);
            Add(context, arch, RetEperm, "personality", LowBits(0, set | clear, set));
        }

        // fcntl(fd, cmd, ...): the kernel reads cmd as an unsigned int.
        foreach (uint command in FcntlLockCommands)
            Add(context, arch, RetEnolck, "fcntl", LowBits(1, uint.MaxValue, command));
        Add(context, arch, RetEperm, "fcntl", LowBits(1, uint.MaxValue, FcntlNotify));
    }

    /// <summary>(argument &amp; mask) == value, on the low 32 bits of the argument only.</summary>
    private static LibSeccomp.ArgCmp LowBits(uint argument, uint mask, uint value) =>
        new(argument, LibSeccomp.Compare.MaskedEqual, mask, value);

    private static unsafe void Add(nint context, uint arch, uint action, string name, params ReadOnlySpan<LibSeccomp.ArgCmp> comparisons)
    {
        int nr = LibSeccomp.ResolveName(arch, name);
        if (nr < LibSeccomp.UnknownSyscall)
            return; // libseccomp knows the name, and that this architecture lacks it (iopl on arm64): nothing to refuse.
        if (nr == LibSeccomp.UnknownSyscall && !NewerThanLibseccomp.TryGetValue(name, out nr))
            throw new InvalidOperationException($"seccomp policy names {name}, which libseccomp does not know: a typo, and a hole");
        fixed (LibSeccomp.ArgCmp* first = comparisons)
            LibSeccomp.Check(LibSeccomp.RuleAdd(context, action, nr, (uint)comparisons.Length, first), $"adding the rule for {name}");
    }
}
