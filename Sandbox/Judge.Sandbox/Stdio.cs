using Judge.Sandbox.Native;
using Microsoft.Win32.SafeHandles;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox;

/// <summary>
/// What a run reads as stdin, when the caller gives it rather than a host file: bytes, or what an earlier run wrote.
/// Either way the run gets a descriptor of its own on an anonymous memory file, never a path: nothing on the host's
/// file system is made for it, and there is nothing to clean up or to trick with a link.
/// </summary>
public abstract class SandboxInput
{
    private SandboxInput() { }

    public static SandboxInput FromBytes(ReadOnlyMemory<byte> bytes) => new Bytes(bytes);

    /// <summary>An earlier run's stdout or stderr, read from its start (a custom checker reads the program's output so).</summary>
    public static SandboxInput FromOutput(CapturedOutput output) => new Output(output);

    /// <summary>The read end of a pipe another run writes at the same time (<see cref="SandboxPipe"/>): the run takes it.</summary>
    public static SandboxInput FromPipe(SandboxPipe pipe) => new Pipe(pipe);

    /// <summary>A descriptor the caller closes once the run has started.</summary>
    internal abstract int Open();

    /// <summary>Whether the runner must close its copy as soon as the program has started, not when the run ends: a pipe's
    /// writer sees its reader gone only when no copy of the read end is left.</summary>
    internal virtual bool IsPipe => false;

    /// <summary>Called when the run has ended: what it did not take and close is closed now.</summary>
    internal virtual void Release() { }

    private sealed class Bytes(ReadOnlyMemory<byte> bytes) : SandboxInput
    {
        internal override int Open()
        {
            int fd = Syscalls.MemoryFile("judge-stdin", sealable: true);
            try
            {
                Syscalls.Write(fd, bytes.Span, "stdin");
                // Sealed: the program cannot grow, shrink or rewrite its input (fd 0 is open read-write on a memfd).
                Syscalls.SealAgainstChange(fd);
                Syscalls.Rewind(fd);
                return fd;
            }
            catch
            {
                Syscalls.Close(fd);
                throw;
            }
        }
    }

    private sealed class Pipe(SandboxPipe pipe) : SandboxInput
    {
        internal override int Open() => pipe.TakeReadEnd();

        internal override bool IsPipe => true;

        internal override void Release() => pipe.CloseReadEnd();
    }

    private sealed class Output(CapturedOutput output) : SandboxInput
    {
        // A new open file description, read-only and at offset 0, so the reader neither moves nor may change the original.
        internal override int Open() => Syscalls.Open($"/proc/self/fd/{output.Descriptor}", O_RDONLY);
    }
}

/// <summary>
/// A run's stdout or stderr, held in an anonymous memory file the sandbox made for the run. Its size is capped by the
/// run's output limit (the kernel's file size limit applies to it as to any file); its pages were charged to the run's
/// memory. Read it whole as a stream, or only its start; dispose it when done.
/// </summary>
public sealed class CapturedOutput : IDisposable
{
    private readonly SafeFileHandle handle;

    internal CapturedOutput(int fd)
    {
        handle = new SafeFileHandle(fd, ownsHandle: true);
    }

    /// <summary>Output as if a run had written it (for stand-ins of the sandbox in tests).</summary>
    internal static CapturedOutput FromBytes(ReadOnlySpan<byte> bytes)
    {
        int fd = Syscalls.MemoryFile("judge-output");
        var output = new CapturedOutput(fd);
        Syscalls.Write(fd, bytes, "output");
        return output;
    }

    internal int Descriptor => (int)handle.DangerousGetHandle();

    public long Length => RandomAccess.GetLength(handle);

    /// <summary>The whole output, read from its start.</summary>
    public Stream OpenRead() => new FileStream(new SafeFileHandle(Syscalls.Open($"/proc/self/fd/{Descriptor}", O_RDONLY), ownsHandle: true),
        FileAccess.Read, bufferSize: 0);

    /// <summary>At most <paramref name="maxBytes"/> from the start; <paramref name="truncated"/> says whether there was more.</summary>
    public byte[] ReadStart(int maxBytes, out bool truncated)
    {
        long length = Length;
        truncated = length > maxBytes;
        var bytes = new byte[Math.Min(length, maxBytes)];
        int done = 0;
        while (done < bytes.Length)
        {
            int n = RandomAccess.Read(handle, bytes.AsSpan(done), done);
            if (n == 0)
                break;
            done += n;
        }
        return done == bytes.Length ? bytes : bytes[..done];
    }

    public void Dispose() => handle.Dispose();
}
