using Judge.Sandbox.Native;

namespace Judge.Sandbox;

/// <summary>
/// A pipe made by the trusted side to join two runs that go on at the same time (an interactive problem's program and
/// its validator): one run writes it as its stdout (<see cref="SandboxSpec.StdoutPipe"/>), the other reads it as its
/// stdin (<see cref="SandboxInput.FromPipe"/>). Each run takes its end: the runner closes its own copy as soon as the
/// program has started, so that once a side has ended the other reads end of file, or fails to write (EPIPE), instead
/// of waiting forever. Dispose closes an end no run took (a run that never started).
/// </summary>
public sealed class SandboxPipe : IDisposable
{
    private int readFd, writeFd;

    private SandboxPipe(int readFd, int writeFd) => (this.readFd, this.writeFd) = (readFd, writeFd);

    /// <summary>A new pipe, both ends close-on-exec (a run gets its end as stdio, nothing else does).</summary>
    public static SandboxPipe Create()
    {
        var (read, write) = Syscalls.Pipe();
        return new SandboxPipe(read, write);
    }

    internal int TakeReadEnd() => Take(ref readFd, "read");

    internal int TakeWriteEnd() => Take(ref writeFd, "write");

    private static int Take(ref int fd, string end)
    {
        int taken = Interlocked.Exchange(ref fd, -1);
        return taken >= 0 ? taken : throw new InvalidOperationException($"the pipe's {end} end was already given to a run");
    }

    internal void CloseReadEnd() => Syscalls.Close(Interlocked.Exchange(ref readFd, -1));

    internal void CloseWriteEnd() => Syscalls.Close(Interlocked.Exchange(ref writeFd, -1));

    public void Dispose()
    {
        CloseReadEnd();
        CloseWriteEnd();
    }
}
