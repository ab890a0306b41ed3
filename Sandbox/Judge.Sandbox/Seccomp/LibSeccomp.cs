using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Judge.Sandbox.Seccomp;

/// <summary>
/// The part of libseccomp (<c>libseccomp.so.2</c>, Debian's libseccomp2, which apt itself depends on) that builds a
/// filter and exports it as classic BPF. Nothing here loads a filter: the C helper installs the exported program in
/// the child with raw syscalls, so no managed code runs between clone and exec.
/// </summary>
internal static partial class LibSeccomp
{
    private const string Library = "libseccomp.so.2";

    /// <summary><c>struct scmp_arg_cmp</c>.</summary>
    [StructLayout(LayoutKind.Sequential)]
    public readonly record struct ArgCmp(uint Arg, Compare Op, ulong DatumA, ulong DatumB);

    /// <summary><c>enum scmp_compare</c>.</summary>
    public enum Compare
    {
        MaskedEqual = 7, // (arg & DatumA) == DatumB
    }

    /// <summary><c>enum scmp_filter_attr</c>.</summary>
    public enum Attribute
    {
        BadArchAction = 2,
        NoNewPrivs = 3,
        Optimize = 8,
    }

    /// <summary>What libseccomp answers for a name it does not know (<c>__NR_SCMP_ERROR</c>).</summary>
    public const int UnknownSyscall = -1;

    [LibraryImport(Library, EntryPoint = "seccomp_init")]
    public static partial nint Init(uint defaultAction);

    [LibraryImport(Library, EntryPoint = "seccomp_release")]
    public static partial void Release(nint context);

    [LibraryImport(Library, EntryPoint = "seccomp_arch_add")]
    public static partial int ArchAdd(nint context, uint auditArch);

    [LibraryImport(Library, EntryPoint = "seccomp_arch_remove")]
    public static partial int ArchRemove(nint context, uint auditArch);

    [LibraryImport(Library, EntryPoint = "seccomp_arch_native")]
    public static partial uint ArchNative();

    [LibraryImport(Library, EntryPoint = "seccomp_attr_set")]
    public static partial int AttrSet(nint context, Attribute attribute, uint value);

    /// <summary>The number of <paramref name="name"/> on <paramref name="auditArch"/>: negative below -1 (a "pseudo
    /// syscall") when that architecture lacks it, <see cref="UnknownSyscall"/> when libseccomp knows no such name.</summary>
    [LibraryImport(Library, EntryPoint = "seccomp_syscall_resolve_name_arch", StringMarshalling = StringMarshalling.Utf8)]
    public static partial int ResolveName(uint auditArch, string name);

    [LibraryImport(Library, EntryPoint = "seccomp_rule_add_array")]
    public static unsafe partial int RuleAdd(nint context, uint action, int syscall, uint count, ArgCmp* comparisons);

    [LibraryImport(Library, EntryPoint = "seccomp_export_bpf")]
    public static partial int ExportBpf(nint context, int fd);

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    private const uint MfdCloexec = 1;

    /// <summary>Runs <paramref name="export"/> into an in-memory file and returns what it wrote.</summary>
    public static byte[] Export(Func<int, int> export, string what)
    {
        int fd = MemfdCreate("judge-seccomp", MfdCloexec);
        if (fd < 0)
            throw new InvalidOperationException($"memfd_create for the seccomp {what} failed: errno {Marshal.GetLastPInvokeError()}");
        using var file = new SafeFileHandle(fd, ownsHandle: true);
        Check(export(fd), $"exporting the seccomp {what}");
        var bytes = new byte[RandomAccess.GetLength(file)];
        int read = RandomAccess.Read(file, bytes, 0);
        if (read != bytes.Length)
            throw new InvalidOperationException($"read {read} of {bytes.Length} bytes of the exported seccomp {what}");
        return bytes;
    }

    /// <summary>libseccomp returns 0 or a negative errno.</summary>
    public static void Check(int rc, string what)
    {
        if (rc < 0)
            throw new InvalidOperationException($"libseccomp failed {what}: {Marshal.GetPInvokeErrorMessage(-rc)} (errno {-rc})");
    }
}
