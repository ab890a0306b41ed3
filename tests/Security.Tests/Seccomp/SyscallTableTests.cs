using System.Text.RegularExpressions;
using Judge.Sandbox.Seccomp;

namespace Judge.Security.Tests.Seccomp;

/// <summary>
/// The hand-written numbers against the kernel's own tables as installed by linux-libc-dev (needed
/// anyway to compile the attack programs). A wrong number would silently let a syscall through.
/// </summary>
public sealed partial class SyscallTableTests
{
    private const string X86_64Header = "/usr/include/x86_64-linux-gnu/asm/unistd_64.h";
    // arm64 uses the generic table; it is installed on every architecture.
    private const string GenericHeader = "/usr/include/asm-generic/unistd.h";

    [GeneratedRegex(@"^#define\s+__NR(?:3264)?_(\w+)\s+(\d+)\s*$", RegexOptions.Multiline)]
    private static partial Regex Define();

    private static Dictionary<string, uint> ReadHeader(string path)
    {
        var numbers = new Dictionary<string, uint>();
        foreach (Match m in Define().Matches(File.ReadAllText(path)))
            numbers.TryAdd(m.Groups[1].Value, uint.Parse(m.Groups[2].Value));
        return numbers;
    }

    public static TheoryData<string> Tables => new() { "x86_64", "aarch64" };

    [Theory, MemberData(nameof(Tables))]
    public void Every_number_matches_the_kernel_header(string name)
    {
        (SyscallTable table, string header) = name == "x86_64" ? (SyscallTable.X86_64, X86_64Header) : (SyscallTable.Aarch64, GenericHeader);
        Dictionary<string, uint> kernel = ReadHeader(header);

        foreach ((string syscall, uint nr) in table.Numbers)
        {
            if (kernel.TryGetValue(syscall, out uint expected))
                Assert.True(expected == nr, $"{name} {syscall}: table says {nr}, kernel says {expected}");
            else
                AssertNewerThanHeaders(syscall, nr, kernel);
        }
    }

    /// <summary>A syscall the installed headers predate: it must be from the era of shared numbers,
    /// above everything the headers know, and numbered alike on both architectures.</summary>
    private static void AssertNewerThanHeaders(string syscall, uint nr, Dictionary<string, uint> kernel)
    {
        const uint firstSharedNumber = 424;
        Assert.True(nr > kernel.Values.Where(n => n < 1000).Max(), $"{syscall} ({nr}) is missing from the headers yet not newer than them");
        Assert.True(nr >= firstSharedNumber, $"{syscall} ({nr}) predates shared numbering, so the headers should have it");
        Assert.Equal(SyscallTable.X86_64.Find(syscall), SyscallTable.Aarch64.Find(syscall));
    }

    [Theory, MemberData(nameof(Tables))]
    public void Every_syscall_the_policy_names_that_the_kernel_has_is_in_the_table(string name)
    {
        (SyscallTable table, string header) = name == "x86_64" ? (SyscallTable.X86_64, X86_64Header) : (SyscallTable.Aarch64, GenericHeader);
        Dictionary<string, uint> kernel = ReadHeader(header);

        foreach (string syscall in SeccompPolicy.Denied.Concat(SeccompPolicy.Unimplemented).Concat(SeccompPolicy.NoLocks).Concat(SeccompPolicy.Unsupported)
                     .Append("clone").Append("personality").Append("fcntl"))
        {
            if (kernel.ContainsKey(syscall))
                Assert.True(table.Find(syscall) is not null, $"{name} has {syscall} but the table does not, so it is not filtered");
        }
    }
}
