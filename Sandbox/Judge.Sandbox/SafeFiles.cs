using Judge.Sandbox.Native;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox;

/// <summary>
/// File operations for the trusted side on directories a sandbox could have written to: nothing
/// here follows a symbolic link, and names are looked up directly in a directory we hold open,
/// so a link planted anywhere on the path cannot redirect us to a host file.
/// </summary>
public static class SafeFiles
{
    private static readonly int DirectoryFlags = O_RDONLY | O_DIRECTORY | O_NOFOLLOW;

    /// <summary>
    /// Creates a new, empty, root-owned directory (mode 0755) under <paramref name="parent"/> and returns its path.
    /// With <paramref name="sizeLimitBytes"/>, the directory is its own tmpfs of that size: what a sandbox
    /// writes there is capped in bytes and inodes, is charged to the writer's memory limit, and shows in
    /// the sandbox's mount table as a bare tmpfs rather than a host path.
    /// </summary>
    public static string CreateFreshDirectory(string parent, string prefix, long? sizeLimitBytes = null)
    {
        Directory.CreateDirectory(parent);
        string path = Path.Combine(parent, $"{prefix}{Guid.NewGuid():N}");
        Directory.CreateDirectory(path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
            UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        if (sizeLimitBytes is { } size)
            Syscalls.MountTmpfs("judge-box", path, MountPlan.TmpfsOptions(size) + ",mode=0755");
        return path;
    }

    /// <summary>
    /// Mounts a tmpfs of <paramref name="sizeBytes"/> (and inodes in proportion) with <paramref name="mode"/> on
    /// <paramref name="directory"/>, unless something is mounted there already: one an earlier run of this
    /// process or another worker on the host made, or one the administrator chose. Safe to call from several
    /// processes at once. It stays mounted when the process ends, like the sandbox's device directory.
    /// </summary>
    public static void EnsureTmpfs(string directory, long sizeBytes, UnixFileMode mode)
    {
        Directory.CreateDirectory(directory, mode);
        using var _ = Syscalls.LockFile(directory + ".lock");
        if (!Syscalls.IsMountPoint(directory))
            Syscalls.MountTmpfs("judge-worker", directory, $"{MountPlan.TmpfsOptions(sizeBytes)},mode={Convert.ToString((int)mode, 8)}");
    }

    /// <summary>The bytes in use on the file system mounted at <paramref name="mountPoint"/> (a sized box): what its files
    /// take, counted by the file system rather than by walking names a sandbox chose.</summary>
    public static long UsedBytes(string mountPoint)
    {
        var drive = new DriveInfo(mountPoint);
        return drive.TotalSize - drive.TotalFreeSpace;
    }

    /// <summary>Reads at most <paramref name="maxBytes"/> of the regular file <paramref name="name"/> directly in <paramref name="directory"/>.
    /// Returns null when it does not exist or is not a regular file (a link, a fifo, ...).</summary>
    public static byte[]? ReadFile(string directory, string name, long maxBytes, out bool truncated)
    {
        truncated = false;
        using var stream = OpenRead(directory, name);
        if (stream is null)
            return null;
        truncated = stream.Length > maxBytes;
        var buffer = new byte[Math.Min(stream.Length, maxBytes)];
        stream.ReadExactly(buffer);
        return buffer;
    }

    /// <summary>Opens the regular file <paramref name="name"/> directly in <paramref name="directory"/> for reading, unbuffered
    /// (the reader brings its own buffer). Returns null when it does not exist or is not a regular file (a link, a fifo, ...).</summary>
    public static FileStream? OpenRead(string directory, string name)
    {
        int dir = Syscalls.Open(directory, DirectoryFlags);
        try
        {
            // O_NONBLOCK: a fifo planted under this name must not hang us; it is refused below anyway.
            int fd = Syscalls.TryOpenAt(dir, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK, 0, out _);
            if (fd < 0)
                return null;
            var handle = new Microsoft.Win32.SafeHandles.SafeFileHandle(fd, ownsHandle: true);
            bool regular;
            try
            {
                regular = Syscalls.IsRegularFile(fd, out _);
            }
            catch
            {
                handle.Dispose();
                throw;
            }
            if (regular)
                return new FileStream(handle, FileAccess.Read, bufferSize: 0);
            handle.Dispose();
            return null;
        }
        finally
        {
            Syscalls.Close(dir);
        }
    }

    /// <summary>Writes a new file (mode 0644) directly in <paramref name="directory"/>; fails if the name already exists.</summary>
    public static void WriteNewFile(string directory, string name, ReadOnlySpan<byte> content)
    {
        int dir = Syscalls.Open(directory, DirectoryFlags);
        try
        {
            int fd = Syscalls.TryOpenAt(dir, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW, 0b110_100_100, out int error);
            if (fd < 0)
                throw Syscalls.Failure("create", Path.Combine(directory, name), error);
            try
            {
                Syscalls.Write(fd, content, Path.Combine(directory, name));
            }
            finally
            {
                Syscalls.Close(fd);
            }
        }
        finally
        {
            Syscalls.Close(dir);
        }
    }

    /// <summary>
    /// Removes a directory tree without following any link in it, and checks that it is gone. Missing is fine.
    /// Names are handled as the bytes the kernel gives, never decoded: a sandbox can leave any name behind. A tmpfs
    /// mounted on <paramref name="path"/> (a sized box) is detached first, which discards whatever it holds whatever
    /// the names; directories inside are emptied and removed. Throws, naming the path, when something stays.
    /// </summary>
    public static void RemoveTree(string path)
    {
        string fullPath = Path.GetFullPath(path);
        if (Syscalls.IsMountPoint(fullPath))
            Syscalls.TryDetach(fullPath);
        string parent = Path.GetDirectoryName(fullPath)!;
        int dir = Syscalls.Open(parent, DirectoryFlags);
        try
        {
            RemoveEntry(dir, Syscalls.Utf8Z(Path.GetFileName(fullPath)), fullPath);
        }
        finally
        {
            Syscalls.Close(dir);
        }
        if (Path.Exists(fullPath))
            throw new IOException($"remove {fullPath}: still there after removal");
    }

    private static void RemoveEntry(int parentFd, byte[] name, string shownPath)
    {
        int error = Syscalls.TryUnlinkAt(parentFd, name, 0);
        if (error is 0 || error == ENOENT)
            return;
        if (error != EISDIR)
            throw Syscalls.Failure("unlink", shownPath, error);

        int dir = Syscalls.TryOpenAt(parentFd, name, DirectoryFlags, out error);
        if (dir < 0)
            throw Syscalls.Failure("open", shownPath, error);
        try
        {
            foreach (byte[] child in Syscalls.ReadDirectoryNames(dir, shownPath))
                RemoveEntry(dir, child, Path.Combine(shownPath, Shown(child)));
        }
        finally
        {
            Syscalls.Close(dir);
        }
        error = Syscalls.TryUnlinkAt(parentFd, name, AT_REMOVEDIR);
        // A mount point deeper in the tree: now empty, detach it and remove the directory under it.
        if (error == EBUSY && Syscalls.TryDetach(shownPath) == 0)
            error = Syscalls.TryUnlinkAt(parentFd, name, AT_REMOVEDIR);
        if (error is not 0 && error != ENOENT)
            throw Syscalls.Failure("rmdir", shownPath, error);
    }

    /// <summary>A raw name for messages only (invalid UTF-8 shown as U+FFFD); never used to reach the file.</summary>
    private static string Shown(byte[] nameZ) => System.Text.Encoding.UTF8.GetString(nameZ, 0, nameZ.Length - 1);
}
