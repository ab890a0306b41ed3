using Judge.Sandbox.Native;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox;

/// <summary>
/// Where a runner's volumes live: <c>STATE/volumes</c>, a tmpfs shared by the runners of the host, and in it a directory
/// per runner, <c>owner-{pid}-{random}</c>, beside a lock file the runner holds for as long as its process lives. A
/// runner starting up removes the directories whose lock is free, a crashed one's, and never a live one's.
/// </summary>
internal sealed class VolumeDirectory(string parent)
{
    // Holds the mount points of sized volumes and the files of unsized ones (sources of interpreted programs, at most
    // the Api's MaxSourceBytes each, a few per run in flight). tmpfs takes memory only for what it holds.
    private const long ParentBytes = 64 << 20;

    private readonly Lazy<string> own = new(() => Make(parent), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>This runner's directory, made on first use.</summary>
    public string Own => own.Value;

    private static string Make(string parent)
    {
        // 0755 down to each volume: a run's bind is made with its own unprivileged host ids, which must reach it.
        SafeFiles.EnsureTmpfs(parent, ParentBytes, (UnixFileMode)0b111_101_101);
        string directory = Path.Combine(parent, $"owner-{Environment.ProcessId}-{Guid.NewGuid():N}");
        // Held, never released: the kernel lets go of it when the process ends, however it ends.
        _ = Syscalls.LockFile(directory + ".lock");
        Directory.CreateDirectory(directory, (UnixFileMode)0b111_101_101);
        return directory;
    }

    /// <summary>Removes the directories of runners whose process is gone, with their volumes.</summary>
    public void RemoveStale()
    {
        if (!Directory.Exists(parent))
            return;
        foreach (string lockPath in Directory.GetFiles(parent, "owner-*.lock"))
        {
            int fd = Syscalls.TryOpenAt(AT_FDCWD, lockPath, O_RDWR | O_NOFOLLOW, 0, out _);
            if (fd < 0)
                continue; // removed meanwhile by another runner starting up
            try
            {
                if (!Syscalls.TryLockExclusive(fd))
                    continue; // its runner lives
                string directory = lockPath[..^".lock".Length];
                if (Directory.Exists(directory))
                    SafeFiles.RemoveTree(directory);
                File.Delete(lockPath);
            }
            finally
            {
                Syscalls.Close(fd);
            }
        }
    }
}
