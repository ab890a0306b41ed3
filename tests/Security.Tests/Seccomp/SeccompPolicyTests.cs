using System.Runtime.InteropServices;
using Judge.Sandbox.Seccomp;

namespace Judge.Security.Tests.Seccomp;

/// <summary>The policy's decisions, checked by interpreting the BPF program it builds, for both architectures.</summary>
public sealed class SeccompPolicyTests
{
    private const uint AuditArchX86_64 = 0xC000003E, AuditArchAarch64 = 0xC00000B7, AuditArchI386 = 0x40000003, AuditArchArm = 0x40000028;
    private const uint Allow = 0x7fff0000, KillProcess = 0x80000000, Eperm = 0x00050001, Enosys = 0x00050026,
        Enolck = 0x00050025, Eopnotsupp = 0x0005005f;

    public sealed record Abi(Architecture Architecture, uint AuditArch, SyscallTable Table, uint Read, uint Openat, uint Mmap, uint ExitGroup);

    // Ordinary syscalls, from the kernel's tables, that every program needs and the filter must let through.
    private static readonly Abi X64 = new(Architecture.X64, AuditArchX86_64, SyscallTable.X86_64, Read: 0, Openat: 257, Mmap: 9, ExitGroup: 231);
    private static readonly Abi Arm64 = new(Architecture.Arm64, AuditArchAarch64, SyscallTable.Aarch64, Read: 63, Openat: 56, Mmap: 222, ExitGroup: 94);

    public static TheoryData<string> Architectures => new() { "x64", "arm64" };

    private static Abi Get(string name) => name == "x64" ? X64 : Arm64;

    private static uint Decide(Abi abi, uint nr, params ulong[] args) =>
        BpfInterpreter.Run(SeccompPolicy.For(abi.Architecture), new SeccompData(nr, abi.AuditArch, args));

    private static uint Nr(Abi abi, string name) => abi.Table.Find(name) ?? throw new ArgumentException($"{name} not in {abi.Table.Name}");

    [Theory, MemberData(nameof(Architectures))]
    public void Ordinary_syscalls_are_allowed(string arch)
    {
        Abi abi = Get(arch);

        Assert.Equal(Allow, Decide(abi, abi.Read, 0, 0, 4096));
        Assert.Equal(Allow, Decide(abi, abi.Openat, unchecked((ulong)-100), 0, 0));
        Assert.Equal(Allow, Decide(abi, abi.Mmap, 0, 1 << 20, 3, 0x22));
        Assert.Equal(Allow, Decide(abi, abi.ExitGroup, 0));
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Every_denied_syscall_the_architecture_has_returns_EPERM(string arch)
    {
        Abi abi = Get(arch);
        var checkedNames = new List<string>();

        foreach (string name in SeccompPolicy.Denied)
        {
            if (abi.Table.Find(name) is not { } nr)
                continue;
            Assert.True(Decide(abi, nr) == Eperm, $"{name} ({nr}) is not denied on {arch}");
            checkedNames.Add(name);
        }

        Assert.Contains("ptrace", checkedNames);
        Assert.Contains("unshare", checkedNames);
        Assert.Contains("bpf", checkedNames);
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Every_syscall_number_gets_the_action_its_list_gives_it_and_all_others_are_allowed(string arch)
    {
        Abi abi = Get(arch);
        var expected = new Dictionary<uint, uint>();
        foreach (string name in SeccompPolicy.Denied.Where(n => abi.Table.Find(n) is not null))
            expected[Nr(abi, name)] = Eperm;
        foreach (string name in SeccompPolicy.Unimplemented.Where(n => abi.Table.Find(n) is not null))
            expected[Nr(abi, name)] = Enosys;
        foreach (string name in SeccompPolicy.NoLocks)
            expected[Nr(abi, name)] = Enolck;
        foreach (string name in SeccompPolicy.Unsupported)
            expected[Nr(abi, name)] = Eopnotsupp;
        uint clone = Nr(abi, "clone"), personality = Nr(abi, "personality");

        // Every number up to well past the highest the table knows (arguments all zero: plain fork, PER_LINUX).
        uint highest = abi.Table.Numbers.Values.Max();
        for (uint nr = 0; nr <= highest + 64; nr++)
        {
            uint want = expected.GetValueOrDefault(nr, Allow);
            Assert.True(Decide(abi, nr) == want, $"syscall {nr} on {arch}: got {Decide(abi, nr):x}, want {want:x}");
        }
        Assert.Equal(Allow, Decide(abi, clone));
        Assert.Equal(Allow, Decide(abi, personality));
    }

    [Theory, MemberData(nameof(Architectures))]
    public void No_syscall_number_walks_a_long_path_through_the_filter(string arch)
    {
        // The kernel runs the filter for every syscall number when it is installed (each run's setup pays
        // for it): a binary search keeps every path short, where a linear list made each one ~65 steps.
        Abi abi = Get(arch);
        var program = SeccompPolicy.For(abi.Architecture);

        int longest = Enumerable.Range(0, (int)abi.Table.Numbers.Values.Max() + 1)
            .Max(nr => { BpfInterpreter.Run(program, new SeccompData((uint)nr, abi.AuditArch), out int steps); return steps; });

        Assert.InRange(longest, 1, 16);
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Clone3_and_io_uring_look_unimplemented_so_libc_falls_back(string arch)
    {
        Abi abi = Get(arch);

        foreach (string name in new[] { "clone3", "io_uring_setup", "io_uring_enter", "io_uring_register" })
            Assert.True(Decide(abi, Nr(abi, name)) == Enosys, $"{name} does not return ENOSYS on {arch}");
    }

    [Theory, MemberData(nameof(Architectures))]
    public void File_locks_watches_and_block_reservations_are_refused_so_runs_share_no_channel_or_uncounted_space(string arch)
    {
        Abi abi = Get(arch);

        Assert.Equal(Enolck, Decide(abi, Nr(abi, "flock"), 3, 2 /* LOCK_EX */));
        Assert.Equal(Enosys, Decide(abi, Nr(abi, "inotify_init1"), 0));
        Assert.Equal(Eopnotsupp, Decide(abi, Nr(abi, "fallocate"), 1, 1 /* FALLOC_FL_KEEP_SIZE */, 0, 1 << 30));
        if (abi.Table.Find("inotify_init") is { } inotifyInit)
            Assert.Equal(Enosys, Decide(abi, inotifyInit));
    }

    [Theory]
    [InlineData(0u, Allow)]        // F_DUPFD
    [InlineData(1u, Allow)]        // F_GETFD
    [InlineData(3u, Allow)]        // F_GETFL
    [InlineData(4u, Allow)]        // F_SETFL
    [InlineData(5u, Enolck)]       // F_GETLK
    [InlineData(6u, Enolck)]       // F_SETLK
    [InlineData(7u, Enolck)]       // F_SETLKW
    [InlineData(8u, Allow)]        // F_SETOWN
    [InlineData(35u, Allow)]
    [InlineData(36u, Enolck)]      // F_OFD_GETLK
    [InlineData(37u, Enolck)]      // F_OFD_SETLK
    [InlineData(38u, Enolck)]      // F_OFD_SETLKW
    [InlineData(39u, Allow)]
    [InlineData(1024u, Allow)]     // F_SETLEASE: only on files the caller owns, which no other run shares
    [InlineData(1026u, Eperm)]     // F_NOTIFY
    [InlineData(1030u, Allow)]     // F_DUPFD_CLOEXEC
    [InlineData(1033u, Allow)]     // F_ADD_SEALS
    public void Fcntl_is_refused_only_for_locks_and_directory_notifications(uint command, uint expected)
    {
        foreach (Abi abi in new[] { X64, Arm64 })
        {
            Assert.Equal(expected, Decide(abi, Nr(abi, "fcntl"), 3, command));
            // The kernel reads the command as an unsigned int: the upper half of the register does not matter.
            Assert.Equal(expected, Decide(abi, Nr(abi, "fcntl"), 3, 0xffffffff_00000000 | command));
        }
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Fork_and_thread_creation_through_clone_are_allowed(string arch)
    {
        Abi abi = Get(arch);
        const ulong sigchld = 17;
        // What glibc's pthread_create passes: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID.
        const ulong threadFlags = 0x003d0f00;

        Assert.Equal(Allow, Decide(abi, Nr(abi, "clone"), sigchld));
        Assert.Equal(Allow, Decide(abi, Nr(abi, "clone"), threadFlags));
    }

    [Theory]
    [InlineData("x64", 0x00020000u)]   // CLONE_NEWNS
    [InlineData("x64", 0x02000000u)]   // CLONE_NEWCGROUP
    [InlineData("x64", 0x04000000u)]   // CLONE_NEWUTS
    [InlineData("x64", 0x08000000u)]   // CLONE_NEWIPC
    [InlineData("x64", 0x10000000u)]   // CLONE_NEWUSER
    [InlineData("x64", 0x20000000u)]   // CLONE_NEWPID
    [InlineData("x64", 0x40000000u)]   // CLONE_NEWNET
    [InlineData("arm64", 0x10000000u)] // CLONE_NEWUSER
    [InlineData("arm64", 0x40000000u)] // CLONE_NEWNET
    public void Clone_with_a_new_namespace_flag_is_denied(string arch, uint namespaceFlag)
    {
        Abi abi = Get(arch);

        Assert.Equal(Eperm, Decide(abi, Nr(abi, "clone"), namespaceFlag | 17));
        Assert.Equal(Eperm, Decide(abi, Nr(abi, "clone"), 0xffffffff_00000000 | namespaceFlag | 17));
    }

    [Theory, MemberData(nameof(Architectures))]
    public void Personality_may_only_be_queried_or_set_to_plain_linux(string arch)
    {
        Abi abi = Get(arch);
        uint personality = Nr(abi, "personality");
        const ulong addrNoRandomize = 0x0040000, readImpliesExec = 0x0400000;

        Assert.Equal(Allow, Decide(abi, personality, 0xffffffff));
        Assert.Equal(Allow, Decide(abi, personality, 0));
        Assert.Equal(Eperm, Decide(abi, personality, addrNoRandomize));
        Assert.Equal(Eperm, Decide(abi, personality, readImpliesExec));
    }

    [Theory]
    [InlineData("x64", AuditArchI386)]     // int 0x80 from a 64-bit process
    [InlineData("x64", AuditArchAarch64)]
    [InlineData("arm64", AuditArchArm)]    // 32-bit compat
    [InlineData("arm64", AuditArchX86_64)]
    public void A_syscall_from_a_foreign_abi_kills_the_process(string arch, uint foreignArch)
    {
        Abi abi = Get(arch);
        var program = SeccompPolicy.For(abi.Architecture);

        // getpid on i386 is 20: an allowed number natively, so only the arch check stops it.
        foreach (uint nr in new uint[] { 0, 20, abi.Read, Nr(abi, "ptrace") })
            Assert.Equal(KillProcess, BpfInterpreter.Run(program, new SeccompData(nr, foreignArch)));
    }

    [Fact]
    public void X32_syscalls_on_x86_64_kill_the_process()
    {
        const uint x32Bit = 0x40000000;

        Assert.Equal(KillProcess, Decide(X64, x32Bit | 39));                 // getpid
        Assert.Equal(KillProcess, Decide(X64, x32Bit | 521));                // x32 ptrace
        Assert.Equal(KillProcess, Decide(X64, x32Bit | Nr(X64, "unshare")));
    }

    [Fact]
    public void The_filter_in_use_is_the_one_for_this_process_architecture()
    {
        Abi abi = RuntimeInformation.ProcessArchitecture == Architecture.Arm64 ? Arm64 : X64;

        Assert.Equal(SeccompPolicy.For(abi.Architecture), SeccompPolicy.Filter);
        Assert.Equal(Eperm, BpfInterpreter.Run(SeccompPolicy.Filter, new SeccompData(Nr(abi, "ptrace"), abi.AuditArch)));
    }

    [Fact]
    public void An_unsupported_architecture_is_refused_rather_than_left_unfiltered()
    {
        Assert.Throws<PlatformNotSupportedException>(() => SeccompPolicy.For(Architecture.Arm));
    }
}
