using System.Runtime.InteropServices;
using Judge.Sandbox.Seccomp;
using static Judge.Security.Tests.Seccomp.SeccompProbe;

namespace Judge.Security.Tests.Seccomp;

/// <summary>
/// The policy's decisions, asked of this machine's kernel with the program the sandbox installs
/// (<see cref="SeccompProbe"/>): no model of BPF or of the kernel in between. Syscall numbers come from the kernel
/// headers, not from libseccomp, so a wrong table there would show here. The attack suite (Attacks/*) makes the
/// same calls for real inside the sandbox.
/// </summary>
public sealed class SeccompPolicyTests
{
    private static readonly Outcome Allowed = Outcome.Passed, Eperm = Outcome.Refused(SeccompProbe.Eperm),
        Enosys = Outcome.Refused(SeccompProbe.Enosys), Enolck = Outcome.Refused(SeccompProbe.Enolck),
        Eopnotsupp = Outcome.Refused(SeccompProbe.Eopnotsupp), Killed = Outcome.KilledBySigsys;

    [Fact]
    public void Ordinary_syscalls_are_allowed()
    {
        Assert.Equal(Allowed, Ask(Nr("read"), 0, 0, 4096));
        Assert.Equal(Allowed, Ask(Nr("openat"), unchecked((ulong)-100), 0, 0));
        Assert.Equal(Allowed, Ask(Nr("mmap"), 0, 1 << 20, 3, 0x22));
        Assert.Equal(Allowed, Ask(Nr("exit_group"), 0));
    }

    [Fact]
    public void Every_syscall_number_gets_the_action_its_list_gives_it_and_all_others_are_allowed()
    {
        var expected = new Dictionary<uint, Outcome>();
        void Expect(IEnumerable<string> names, Outcome outcome)
        {
            foreach (string name in names)
            {
                if (Numbers.TryGetValue(name, out uint nr))
                    expected[nr] = outcome;
                else if (SeccompPolicy.NewerThanLibseccomp.TryGetValue(name, out int newer))
                    expected[(uint)newer] = outcome;
                // else: this architecture has no such syscall (iopl on arm64).
            }
        }
        Expect(SeccompPolicy.Denied, Eperm);
        Expect(SeccompPolicy.Unimplemented, Enosys);
        Expect(SeccompPolicy.NoLocks, Enolck);
        Expect(SeccompPolicy.Unsupported, Eopnotsupp);

        // Every number up to well past the highest the policy names (arguments all zero: plain fork, PER_LINUX, F_DUPFD).
        uint highest = expected.Keys.Max() + 64;
        var numbers = Enumerable.Range(0, (int)highest + 1).Select(nr => ((uint)nr, Array.Empty<ulong>())).ToList();
        IReadOnlyList<Outcome> outcomes = Ask(numbers);
        // A few syscalls never reach seccomp: Linux 6.11+ passes uretprobe (335 on x86_64) and uprobe (336) through
        // unfiltered, and outside a probe's trampoline they fail on their own. The kernel's answer without the
        // policy says which: those must be answered the same with it.
        IReadOnlyList<Outcome> withoutPolicy = Ask(numbers, policy: false);
        var unfiltered = numbers.Where((_, i) => withoutPolicy[i] != Allowed).Select(call => call.Item1).ToList();
        Assert.True(unfiltered.Count <= 4, $"{unfiltered.Count} numbers never reach the filter: {string.Join(", ", unfiltered)}");
        Assert.DoesNotContain(unfiltered, expected.ContainsKey);

        var wrong = numbers.Select((call, i) => (call.Item1, Got: outcomes[i],
                Want: unfiltered.Contains(call.Item1) ? withoutPolicy[i] : expected.GetValueOrDefault(call.Item1, Allowed)))
            .Where(c => c.Got != c.Want).Select(c => $"{c.Item1}: {c.Got}, want {c.Want}").ToList();
        Assert.True(wrong.Count == 0, $"on {RuntimeInformation.ProcessArchitecture}: " + string.Join("; ", wrong));
        Assert.Contains(Nr("ptrace"), expected.Keys);
        Assert.Contains(Nr("unshare"), expected.Keys);
        Assert.Contains(Nr("bpf"), expected.Keys);
    }

    /// <summary>The numbers the policy gives for syscalls libseccomp does not know yet must be the kernel's: newer
    /// than the installed headers (or equal to theirs), and from the era when every architecture shares them.</summary>
    [Fact]
    public void Syscalls_newer_than_libseccomp_have_the_numbers_all_architectures_share()
    {
        const int firstSharedNumber = 424;
        uint newestInHeaders = Numbers.Values.Max();

        foreach ((string name, int nr) in SeccompPolicy.NewerThanLibseccomp)
        {
            if (Numbers.TryGetValue(name, out uint inHeaders))
                Assert.Equal(inHeaders, (uint)nr);
            else
                Assert.True(nr > newestInHeaders, $"{name} ({nr}) is missing from the headers yet not newer than {newestInHeaders}");
            Assert.True(nr >= firstSharedNumber, $"{name} ({nr}) predates shared numbering");
        }
    }

    [Fact]
    public void Clone3_and_io_uring_look_unimplemented_so_libc_falls_back()
    {
        foreach (string name in new[] { "clone3", "io_uring_setup", "io_uring_enter", "io_uring_register" })
            Assert.True(Ask(Nr(name)) == Enosys, $"{name} does not return ENOSYS");
    }

    [Fact]
    public void File_locks_watches_and_block_reservations_are_refused_so_runs_share_no_channel_or_uncounted_space()
    {
        Assert.Equal(Enolck, Ask(Nr("flock"), 3, 2 /* LOCK_EX */));
        Assert.Equal(Enosys, Ask(Nr("inotify_init1"), 0));
        Assert.Equal(Eopnotsupp, Ask(Nr("fallocate"), 1, 1 /* FALLOC_FL_KEEP_SIZE */, 0, 1 << 30));
        if (Numbers.TryGetValue("inotify_init", out uint inotifyInit))
            Assert.Equal(Enosys, Ask(inotifyInit));
    }

    public static TheoryData<uint, string> FcntlCommands => new()
    {
        { 0u, "allowed" },     // F_DUPFD
        { 1u, "allowed" },     // F_GETFD
        { 3u, "allowed" },     // F_GETFL
        { 4u, "allowed" },     // F_SETFL
        { 5u, "ENOLCK" },      // F_GETLK
        { 6u, "ENOLCK" },      // F_SETLK
        { 7u, "ENOLCK" },      // F_SETLKW
        { 8u, "allowed" },     // F_SETOWN
        { 35u, "allowed" },
        { 36u, "ENOLCK" },     // F_OFD_GETLK
        { 37u, "ENOLCK" },     // F_OFD_SETLK
        { 38u, "ENOLCK" },     // F_OFD_SETLKW
        { 39u, "allowed" },
        { 1024u, "allowed" },  // F_SETLEASE: only on files the caller owns, which no other run shares
        { 1026u, "EPERM" },    // F_NOTIFY
        { 1030u, "allowed" },  // F_DUPFD_CLOEXEC
        { 1033u, "allowed" },  // F_ADD_SEALS
    };

    [Theory, MemberData(nameof(FcntlCommands))]
    public void Fcntl_is_refused_only_for_locks_and_directory_notifications(uint command, string expected)
    {
        Outcome want = expected switch { "allowed" => Allowed, "ENOLCK" => Enolck, _ => Eperm };

        Assert.Equal(want, Ask(Nr("fcntl"), 3, command));
        // The kernel reads the command as an unsigned int: the upper half of the register does not matter.
        Assert.Equal(want, Ask(Nr("fcntl"), 3, 0xffffffff_00000000 | command));
    }

    [Fact]
    public void Fork_and_thread_creation_through_clone_are_allowed()
    {
        const ulong sigchld = 17;
        // What glibc's pthread_create passes: CLONE_VM|FS|FILES|SIGHAND|THREAD|SYSVSEM|SETTLS|PARENT_SETTID|CHILD_CLEARTID.
        const ulong threadFlags = 0x003d0f00;

        Assert.Equal(Allowed, Ask(Nr("clone"), sigchld));
        Assert.Equal(Allowed, Ask(Nr("clone"), threadFlags));
    }

    [Theory]
    [InlineData(0x00020000u)] // CLONE_NEWNS
    [InlineData(0x02000000u)] // CLONE_NEWCGROUP
    [InlineData(0x04000000u)] // CLONE_NEWUTS
    [InlineData(0x08000000u)] // CLONE_NEWIPC
    [InlineData(0x10000000u)] // CLONE_NEWUSER
    [InlineData(0x20000000u)] // CLONE_NEWPID
    [InlineData(0x40000000u)] // CLONE_NEWNET
    public void Clone_with_a_new_namespace_flag_is_denied(uint namespaceFlag)
    {
        Assert.Equal(Eperm, Ask(Nr("clone"), namespaceFlag | 17));
        Assert.Equal(Eperm, Ask(Nr("clone"), 0xffffffff_00000000 | namespaceFlag | 17));
        Assert.Equal(Eperm, Ask(Nr("clone"), 0x003d0f00 | namespaceFlag));
    }

    [Fact]
    public void Personality_may_only_be_queried_or_set_to_plain_linux()
    {
        uint personality = Nr("personality");
        const ulong addrNoRandomize = 0x0040000, readImpliesExec = 0x0400000;

        Assert.Equal(Allowed, Ask(personality, 0xffffffff));
        Assert.Equal(Allowed, Ask(personality, 0));
        // The kernel reads an unsigned int: the upper half of the register does not matter.
        Assert.Equal(Allowed, Ask(personality, 0xffffffff_ffffffff));
        Assert.Equal(Allowed, Ask(personality, 0x12345678_00000000));
        Assert.Equal(Eperm, Ask(personality, addrNoRandomize));
        Assert.Equal(Eperm, Ask(personality, readImpliesExec));
        Assert.Equal(Eperm, Ask(personality, 0xffffffff_00000000 | readImpliesExec));
    }

    /// <summary>The filter writes "neither 0 nor 0xffffffff" as 32 bit-pair rules (see SeccompPolicy): the values
    /// with one bit set or one bit clear are the ones each rule alone must catch, and random ones the rest.</summary>
    [Fact]
    public void Personality_is_refused_for_every_value_with_one_bit_set_or_clear_and_for_random_values()
    {
        var random = new Random(20261206);
        var values = Enumerable.Range(0, 32).SelectMany(bit => new[] { 1u << bit, ~(1u << bit) })
            .Concat(Enumerable.Range(0, 64).Select(_ => (uint)random.NextInt64(1, uint.MaxValue)))
            .ToList();

        IReadOnlyList<Outcome> outcomes = Ask([.. values.Select(v => (Nr("personality"), new ulong[] { v }))]);

        var allowed = values.Select((v, i) => (Value: v, Outcome: outcomes[i])).Where(p => p.Outcome != Eperm)
            .Select(p => $"{p.Value:x8}: {p.Outcome}").ToList();
        Assert.True(allowed.Count == 0, "not refused: " + string.Join(", ", allowed));
    }

    /// <summary>An x32 call (the number with bit 30 set) reads another table; on x86_64 it kills. The i386 entry
    /// (int $0x80) is tried for real in EscapeAttackTests.</summary>
    [Fact]
    public void X32_syscalls_on_x86_64_kill_the_process()
    {
        const uint x32Bit = 0x40000000;
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            // No x32 ABI elsewhere: such a number is just one the kernel does not have.
            Assert.Equal(Allowed, Ask(x32Bit | Nr("getpid")));
            return;
        }

        Assert.Equal(Killed, Ask(x32Bit | Nr("getpid")));
        Assert.Equal(Killed, Ask(x32Bit | 521)); // x32 ptrace
        Assert.Equal(Killed, Ask(x32Bit | Nr("unshare")));
    }

    [Fact]
    public void An_unsupported_architecture_is_refused_rather_than_left_unfiltered()
    {
        Assert.Throws<PlatformNotSupportedException>(() => SeccompPolicy.AuditArchOf(Architecture.Arm));
    }
}
