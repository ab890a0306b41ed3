namespace Judge.Sandbox.Cgroups;

/// <summary>A cgroup operation failed; the message names the file and, for a failed syscall, the errno.</summary>
public sealed class CgroupException : Exception
{
    public CgroupException(string message, int errno = 0) : base(message)
    {
        Errno = errno;
    }

    /// <summary>The errno of the failed syscall, or 0 when the failure was not a syscall's.</summary>
    public int Errno { get; }
}
