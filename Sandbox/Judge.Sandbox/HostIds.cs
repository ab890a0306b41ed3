using Judge.Sandbox.Native;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox;

/// <summary>
/// Hands each concurrent run its own pair of unprivileged host ids (sandbox root, sandbox user),
/// so two runs can never signal, ptrace or read each other's files. A slot is an flock on a file
/// under the state directory: held across processes, and released by the kernel if we crash.
/// </summary>
internal sealed class HostIds(string lockDirectory, uint rangeStart, int slots)
{
    private int _next;

    public sealed class Lease(int fd, uint root, uint user) : IDisposable
    {
        public uint Root { get; } = root;
        public uint User { get; } = user;
        public void Dispose() => Syscalls.Close(fd);
    }

    /// <remarks>The lock directory must exist (the runner makes its state directories once).</remarks>
    public Lease Acquire()
    {
        int start = Interlocked.Increment(ref _next);
        for (int i = 0; i < slots; i++)
        {
            int slot = (int)((uint)(start + i) % (uint)slots);
            int fd = Syscalls.Open(Path.Combine(lockDirectory, $"{slot}.lock"), O_RDWR | O_CREAT | O_NOFOLLOW, 0b110_000_000);
            if (Syscalls.TryLockExclusive(fd))
                return new Lease(fd, rangeStart + 2 * (uint)slot, rangeStart + 2 * (uint)slot + 1);
            Syscalls.Close(fd);
        }
        throw new InvalidOperationException($"all {slots} sandbox id slots are in use; raise SandboxOptions.HostIdSlots");
    }
}
