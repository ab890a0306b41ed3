namespace Judge.Sandbox;

/// <summary>
/// A directory that runs see, owned by the sandbox: made by <see cref="SandboxRunner.CreateVolume"/>, filled by the
/// trusted side with <see cref="WriteFile"/>, given to runs as their <c>/box</c> (<see cref="SandboxSpec.WorkDir"/>) or
/// through a bind (<see cref="SandboxSpec.Binds"/>), measured and removed without following anything a run could have
/// planted. A sized volume is a tmpfs of its own: a run that fills it takes nothing from the host's disk or from another
/// volume, and what it holds is charged to the memory of whoever wrote it.
/// </summary>
public sealed class SandboxVolume : IDisposable
{
    private readonly bool sized;
    private long writtenBytes;
    private bool removed;

    internal SandboxVolume(string hostPath, bool sized)
    {
        HostPath = hostPath;
        this.sized = sized;
    }

    /// <summary>Where the volume lies on the host: for a spec's <see cref="SandboxSpec.WorkDir"/> or a bind's source, not for
    /// reading (a run may have planted links there; use the methods of this class).</summary>
    public string HostPath { get; }

    /// <summary>Writes a new file directly in the volume; fails if the name exists (or is a link a run planted).</summary>
    public void WriteFile(string name, ReadOnlySpan<byte> content)
    {
        SafeFiles.WriteNewFile(HostPath, name, content);
        writtenBytes += content.Length;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of the regular file <paramref name="name"/> directly in the volume,
    /// without following a link a run planted there: null when there is no such file, or it is not a regular file.</summary>
    public byte[]? ReadFile(string name, int maxBytes, out bool truncated) => SafeFiles.ReadFile(HostPath, name, maxBytes, out truncated);

    /// <summary>
    /// What the volume's files take: for a sized volume, as its file system counts it (whatever runs wrote, however
    /// they named or linked it, without walking a name); for an unsized one, which only the trusted side writes, what
    /// <see cref="WriteFile"/> wrote.
    /// </summary>
    public long UsedBytes => sized ? SafeFiles.UsedBytes(HostPath) : writtenBytes;

    /// <summary>Removes the volume and everything in it (detaching its tmpfs first).</summary>
    /// <exception cref="IOException">Something could not be removed, twice; it is left behind.</exception>
    public void Dispose()
    {
        if (removed)
            return;
        try
        {
            SafeFiles.RemoveTree(HostPath);
        }
        catch (IOException)
        {
            // Once more: the first failure may be passing (the mount still busy while a run's last process exits).
            Thread.Sleep(10);
            SafeFiles.RemoveTree(HostPath);
        }
        removed = true;
    }
}
