using System.Runtime.InteropServices;

namespace Judge.Sandbox.Seccomp;

/// <summary>One classic-BPF instruction, laid out as the kernel's <c>struct sock_filter</c>.</summary>
[StructLayout(LayoutKind.Sequential)]
public readonly record struct SockFilter(ushort Code, byte JumpTrue, byte JumpFalse, uint K);

/// <summary>The seccomp program every sandboxed process gets, applied last before execve.</summary>
public static class SeccompPolicy
{
    /// <summary>Built once; the C side installs it with PR_SET_SECCOMP. Empty: no filter.</summary>
    public static readonly SockFilter[] Filter = [];
}
