using System.Runtime.InteropServices;

namespace Judge.Sandbox.Seccomp;

/// <summary>
/// Syscall numbers of one architecture, for only the syscalls the policy names. Copied by hand from
/// the kernel's tables (arch/x86/entry/syscalls/syscall_64.tbl and, for arm64, the generic
/// include/uapi/asm-generic/unistd.h) and checked against the installed headers by a test: a wrong
/// number here is a hole in the filter, not a build error. Since Linux 5.1 (number 424) a new syscall
/// gets the same number on every architecture, so the few newer than the installed headers
/// (open_tree_attr, 6.15) are the same in both tables.
/// </summary>
public sealed class SyscallTable
{
    private readonly Dictionary<string, uint> _numbers;

    private SyscallTable(string name, uint auditArch, bool hasX32Bit, Dictionary<string, uint> numbers)
    {
        Name = name;
        AuditArch = auditArch;
        HasX32Bit = hasX32Bit;
        _numbers = numbers;
    }

    /// <summary>The architecture's name as the kernel spells it.</summary>
    public string Name { get; }

    /// <summary>The <c>seccomp_data.arch</c> value of this architecture's native ABI.</summary>
    public uint AuditArch { get; }

    /// <summary>Whether this architecture's native syscall numbers share the table with x32's (<c>nr | 0x40000000</c>).</summary>
    public bool HasX32Bit { get; }

    public IReadOnlyDictionary<string, uint> Numbers => _numbers;

    /// <summary>The number of <paramref name="syscall"/>, or null when this architecture does not have it (iopl on arm64).</summary>
    public uint? Find(string syscall) => _numbers.TryGetValue(syscall, out uint nr) ? nr : null;

    public static SyscallTable For(Architecture architecture) => architecture switch
    {
        Architecture.X64 => X86_64,
        Architecture.Arm64 => Aarch64,
        _ => throw new PlatformNotSupportedException(
            $"no seccomp policy for {architecture}: the sandbox refuses to run without one (supported: x64, arm64)"),
    };

    // <linux/audit.h>: EM_X86_64 | __AUDIT_ARCH_64BIT | __AUDIT_ARCH_LE, and EM_AARCH64 likewise.
    public const uint AuditArchX86_64 = 0xC000003E;
    public const uint AuditArchAarch64 = 0xC00000B7;

    public static readonly SyscallTable X86_64 = new("x86_64", AuditArchX86_64, hasX32Bit: true, new()
    {
        ["clone"] = 56,
        ["fcntl"] = 72,
        ["flock"] = 73,
        ["ptrace"] = 101,
        ["syslog"] = 103,
        ["uselib"] = 134,
        ["personality"] = 135,
        ["vhangup"] = 153,
        ["pivot_root"] = 155,
        ["adjtimex"] = 159,
        ["chroot"] = 161,
        ["acct"] = 163,
        ["settimeofday"] = 164,
        ["mount"] = 165,
        ["umount2"] = 166,
        ["swapon"] = 167,
        ["swapoff"] = 168,
        ["reboot"] = 169,
        ["sethostname"] = 170,
        ["setdomainname"] = 171,
        ["iopl"] = 172,
        ["ioperm"] = 173,
        ["init_module"] = 175,
        ["delete_module"] = 176,
        ["quotactl"] = 179,
        ["lookup_dcookie"] = 212,
        ["clock_settime"] = 227,
        ["kexec_load"] = 246,
        ["add_key"] = 248,
        ["request_key"] = 249,
        ["keyctl"] = 250,
        ["inotify_init"] = 253,
        ["unshare"] = 272,
        ["fallocate"] = 285,
        ["inotify_init1"] = 294,
        ["perf_event_open"] = 298,
        ["fanotify_init"] = 300,
        ["name_to_handle_at"] = 303,
        ["open_by_handle_at"] = 304,
        ["clock_adjtime"] = 305,
        ["setns"] = 308,
        ["process_vm_readv"] = 310,
        ["process_vm_writev"] = 311,
        ["finit_module"] = 313,
        ["kexec_file_load"] = 320,
        ["bpf"] = 321,
        ["userfaultfd"] = 323,
        ["io_uring_setup"] = 425,
        ["io_uring_enter"] = 426,
        ["io_uring_register"] = 427,
        ["open_tree"] = 428,
        ["move_mount"] = 429,
        ["fsopen"] = 430,
        ["fsconfig"] = 431,
        ["fsmount"] = 432,
        ["fspick"] = 433,
        ["clone3"] = 435,
        ["mount_setattr"] = 442,
        ["quotactl_fd"] = 443,
        ["open_tree_attr"] = 467,
    });

    // arm64 has no iopl, ioperm or uselib: nothing to deny there.
    public static readonly SyscallTable Aarch64 = new("aarch64", AuditArchAarch64, hasX32Bit: false, new()
    {
        ["lookup_dcookie"] = 18,
        ["fcntl"] = 25,
        ["inotify_init1"] = 26,
        ["flock"] = 32,
        ["umount2"] = 39,
        ["mount"] = 40,
        ["pivot_root"] = 41,
        ["fallocate"] = 47,
        ["chroot"] = 51,
        ["vhangup"] = 58,
        ["quotactl"] = 60,
        ["acct"] = 89,
        ["personality"] = 92,
        ["unshare"] = 97,
        ["kexec_load"] = 104,
        ["init_module"] = 105,
        ["delete_module"] = 106,
        ["clock_settime"] = 112,
        ["syslog"] = 116,
        ["ptrace"] = 117,
        ["reboot"] = 142,
        ["sethostname"] = 161,
        ["setdomainname"] = 162,
        ["settimeofday"] = 170,
        ["adjtimex"] = 171,
        ["add_key"] = 217,
        ["request_key"] = 218,
        ["keyctl"] = 219,
        ["clone"] = 220,
        ["swapon"] = 224,
        ["swapoff"] = 225,
        ["perf_event_open"] = 241,
        ["fanotify_init"] = 262,
        ["name_to_handle_at"] = 264,
        ["open_by_handle_at"] = 265,
        ["clock_adjtime"] = 266,
        ["setns"] = 268,
        ["process_vm_readv"] = 270,
        ["process_vm_writev"] = 271,
        ["finit_module"] = 273,
        ["bpf"] = 280,
        ["userfaultfd"] = 282,
        ["kexec_file_load"] = 294,
        ["io_uring_setup"] = 425,
        ["io_uring_enter"] = 426,
        ["io_uring_register"] = 427,
        ["open_tree"] = 428,
        ["move_mount"] = 429,
        ["fsopen"] = 430,
        ["fsconfig"] = 431,
        ["fsmount"] = 432,
        ["fspick"] = 433,
        ["clone3"] = 435,
        ["mount_setattr"] = 442,
        ["quotactl_fd"] = 443,
        ["open_tree_attr"] = 467,
    });
}
