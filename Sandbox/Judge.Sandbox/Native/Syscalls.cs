using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox.Native;

/// <summary>Thin wrappers over Tmds.LibC, plus the few calls it lacks, each failing with a message that names the call and the path.</summary>
internal static unsafe partial class Syscalls
{
    private const long SysPidfdOpen = 434;
    public const int LockExclusive = 2, LockNonBlocking = 4;

    [LibraryImport("libc", EntryPoint = "syscall", SetLastError = true)]
    private static partial long Syscall(long number, int pid, uint flags);

    [LibraryImport("libc", EntryPoint = "wait4", SetLastError = true)]
    private static partial int Wait4(int pid, int* status, int options, void* rusage);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    private static partial int Flock(int fd, int operation);

    /// <summary>rename(2): atomic, and for directories it fails when the destination exists and is not empty. 0 or -1.</summary>
    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string oldPath, string newPath);

    /// <summary>link(2): a new name for the same inode; fails across file systems (EXDEV). 0 or -1.</summary>
    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existingPath, string newPath);

    [LibraryImport("libc", EntryPoint = "strerror")]
    private static partial nint StrError(int errno);

    public static string Describe(int errno) => Marshal.PtrToStringUTF8(StrError(errno)) ?? $"errno {errno}";

    public static byte[] Utf8Z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    public static IOException Failure(string call, string? path, int errno) =>
        new(path is null ? $"{call}: {Describe(errno)}" : $"{call} {path}: {Describe(errno)}", errno);

    public static int Open(string path, int flags, int mode = 0)
    {
        fixed (byte* p = Utf8Z(path))
        {
            int fd;
            do fd = open(p, flags | O_CLOEXEC, (mode_t)mode);
            while (fd < 0 && errno == EINTR);
            return fd >= 0 ? fd : throw Failure("open", path, errno);
        }
    }

    /// <summary>openat; returns -1 (with <paramref name="error"/>) instead of throwing, for callers that expect some failures.</summary>
    public static int TryOpenAt(int dirFd, string name, int flags, int mode, out int error)
    {
        fixed (byte* p = Utf8Z(name))
        {
            int fd = openat(dirFd, p, flags | O_CLOEXEC, (mode_t)mode);
            error = fd < 0 ? errno : 0;
            return fd;
        }
    }

    public static int TryUnlinkAt(int dirFd, string name, int flags) => TryUnlinkAt(dirFd, Utf8Z(name), flags);

    /// <summary>unlinkat with the name as the kernel gave it (NUL-terminated bytes), whatever its encoding.</summary>
    public static int TryUnlinkAt(int dirFd, byte[] nameZ, int flags)
    {
        fixed (byte* p = nameZ)
            return unlinkat(dirFd, p, flags) == 0 ? 0 : errno;
    }

    /// <summary>openat with the name as the kernel gave it (NUL-terminated bytes); -1 and <paramref name="error"/> on failure.</summary>
    public static int TryOpenAt(int dirFd, byte[] nameZ, int flags, out int error)
    {
        fixed (byte* p = nameZ)
        {
            int fd = openat(dirFd, p, flags | O_CLOEXEC, 0);
            error = fd < 0 ? errno : 0;
            return fd;
        }
    }

    [LibraryImport("libc", EntryPoint = "getdents64", SetLastError = true)]
    private static partial nint GetDents64(int fd, byte* buffer, nuint count);

    /// <summary>
    /// The names in the open directory <paramref name="dirFd"/>, as NUL-terminated bytes, without "." and "..".
    /// Read with getdents64 rather than through a string API: a name that is not valid UTF-8 must come back exactly,
    /// or it could not be removed.
    /// </summary>
    public static List<byte[]> ReadDirectoryNames(int dirFd, string shownPath)
    {
        // struct linux_dirent64 { u64 d_ino; s64 d_off; u16 d_reclen; u8 d_type; char d_name[]; }
        const int ReclenOffset = 16, NameOffset = 19;
        var names = new List<byte[]>();
        var buffer = new byte[32 * 1024];
        fixed (byte* start = buffer)
        {
            while (true)
            {
                nint read = GetDents64(dirFd, start, (nuint)buffer.Length);
                if (read < 0)
                    throw Failure("getdents64", shownPath, Marshal.GetLastSystemError());
                if (read == 0)
                    return names;
                for (int at = 0; at < read; at += *(ushort*)(start + at + ReclenOffset))
                {
                    var name = new ReadOnlySpan<byte>(start + at + NameOffset, buffer.Length - at - NameOffset);
                    name = name[..(name.IndexOf((byte)0) + 1)];
                    if (name.SequenceEqual(".\0"u8) || name.SequenceEqual("..\0"u8))
                        continue;
                    names.Add(name.ToArray());
                }
            }
        }
    }

    /// <summary>Four bytes from a pipe whose writer has ended: the value, or null when it wrote nothing (EOF).</summary>
    public static int? TryReadInt32(int fd)
    {
        int value;
        long n;
        do n = read(fd, &value, sizeof(int));
        while (n < 0 && errno == EINTR);
        return n == sizeof(int) ? value : null;
    }

    public static void Close(int fd)
    {
        if (fd >= 0)
            close(fd);
    }

    public static void FChown(int fd, uint uid, uint gid, string shownPath)
    {
        if (fchown(fd, uid, gid) < 0)
            throw Failure("chown", shownPath, errno);
    }

    [LibraryImport("libc", EntryPoint = "pipe2", SetLastError = true)]
    private static partial int Pipe2(int* fds, int flags);

    /// <summary>pipe2(2), both ends close-on-exec: (read end, write end).</summary>
    public static (int Read, int Write) Pipe()
    {
        int* fds = stackalloc int[2];
        if (Pipe2(fds, O_CLOEXEC) < 0)
            throw Failure("pipe2", null, Marshal.GetLastPInvokeError());
        return (fds[0], fds[1]);
    }

    [LibraryImport("libc", EntryPoint = "memfd_create", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int MemfdCreate(string name, uint flags);

    [LibraryImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static partial int Fcntl(int fd, int command, int argument);

    private const uint MfdCloexec = 1, MfdAllowSealing = 2;
    private const int FAddSeals = 1033, FSealSeal = 1, FSealShrink = 2, FSealGrow = 4, FSealWrite = 8;

    /// <summary>memfd_create(2): an anonymous file in memory, close-on-exec, whose name only shows in /proc.</summary>
    public static int MemoryFile(string name, bool sealable = false)
    {
        int fd = MemfdCreate(name, MfdCloexec | (sealable ? MfdAllowSealing : 0));
        return fd >= 0 ? fd : throw Failure("memfd_create", name, Marshal.GetLastPInvokeError());
    }

    /// <summary>Seals a memory file against any change of its contents or size, for good.</summary>
    public static void SealAgainstChange(int fd)
    {
        if (Fcntl(fd, FAddSeals, FSealSeal | FSealShrink | FSealGrow | FSealWrite) < 0)
            throw Failure("fcntl F_ADD_SEALS", null, Marshal.GetLastPInvokeError());
    }

    public static void Rewind(int fd)
    {
        if (lseek(fd, 0, SEEK_SET) < 0)
            throw Failure("lseek", null, errno);
    }

    public static bool TryLockExclusive(int fd) => Flock(fd, LockExclusive | LockNonBlocking) == 0;

    public static void Write(int fd, ReadOnlySpan<byte> data, string shownPath)
    {
        fixed (byte* p = data)
        {
            int done = 0;
            while (done < data.Length)
            {
                long n = write(fd, p + done, data.Length - done);
                if (n < 0 && errno == EINTR)
                    continue;
                if (n <= 0)
                    throw Failure("write", shownPath, errno);
                done += (int)n;
            }
        }
    }

    public static long FileSize(int fd)
    {
        stat st;
        return fstat(fd, &st) == 0 ? st.st_size : throw Failure("fstat", null, errno);
    }

    public static bool IsRegularFile(int fd, out long size)
    {
        stat st;
        if (fstat(fd, &st) < 0)
            throw Failure("fstat", null, errno);
        size = st.st_size;
        return (st.st_mode & S_IFMT) == S_IFREG;
    }

    public static (uint Major, uint Minor) DeviceOf(string path)
    {
        stat st;
        fixed (byte* p = Utf8Z(path))
        {
            if (LibC.stat(p, &st) < 0)
                throw Failure("stat", path, errno);
        }
        ulong dev = st.st_dev;
        uint major = (uint)(((dev >> 32) & 0xfffff000) | ((dev >> 8) & 0xfff));
        uint minor = (uint)(((dev >> 12) & 0xffffff00) | (dev & 0xff));
        return (major, minor);
    }

    public static int PidfdOpen(int pid)
    {
        int fd = (int)Syscall(SysPidfdOpen, pid, 0);
        return fd >= 0 ? fd : throw Failure("pidfd_open", null, Marshal.GetLastPInvokeError());
    }

    /// <summary>Waits up to <paramref name="timeoutMs"/> for the process behind the pidfd to exit; true when it has.</summary>
    public static bool WaitReadable(int fd, int timeoutMs)
    {
        var pfd = new pollfd { fd = fd, events = POLLIN };
        int n;
        do n = poll(&pfd, 1, timeoutMs);
        while (n < 0 && errno == EINTR);
        if (n < 0)
            throw Failure("poll", null, errno);
        return n > 0;
    }

    /// <summary>Reaps the child; returns its raw wait status.</summary>
    public static int Reap(int pid)
    {
        int status;
        int rc;
        do rc = Wait4(pid, &status, 0, null);
        while (rc < 0 && Marshal.GetLastPInvokeError() == EINTR);
        return rc == pid ? status : throw Failure("wait4", null, Marshal.GetLastPInvokeError());
    }

    public static void Kill(int pid, int signal) => kill(pid, signal);

    /// <summary>Mounts a tmpfs named <paramref name="name"/> (the source column of the mount table), nosuid, and
    /// nodev unless <paramref name="allowDevices"/>.</summary>
    public static void MountTmpfs(string name, string target, string options, bool allowDevices = false)
    {
        ulong flags = (ulong)MS_NOSUID | (allowDevices ? 0 : (ulong)MS_NODEV);
        fixed (byte* source = Utf8Z(name), path = Utf8Z(target), type = Utf8Z("tmpfs"), data = Utf8Z(options))
        {
            if (mount(source, path, type, (ulong_t)flags, data) < 0)
                throw Failure("mount tmpfs on", target, errno);
        }
    }

    /// <summary>Holds flock(LOCK_EX) on the file <paramref name="path"/> (made 0600 when missing, never through a link),
    /// waiting for it; disposing releases it. For set-up that several processes may do at once.</summary>
    public static FileLock LockFile(string path)
    {
        int fd = Open(path, O_RDWR | O_CREAT | O_NOFOLLOW, 0b110_000_000);
        int rc;
        do rc = Flock(fd, LockExclusive);
        while (rc < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (rc < 0)
        {
            int error = Marshal.GetLastPInvokeError();
            Close(fd);
            throw Failure("flock", path, error);
        }
        return new FileLock(fd);
    }

    public readonly struct FileLock(int fd) : IDisposable
    {
        public void Dispose() => Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Mknod(string path, uint mode, ulong device);

    /// <summary>A character device node (mode 0666 before the umask) with the raw device number <paramref name="device"/>.</summary>
    public static void MakeCharacterDevice(string path, ulong device)
    {
        if (Mknod(path, (uint)S_IFCHR | 0b110_110_110, device) < 0)
            throw Failure("mknod", path, Marshal.GetLastPInvokeError());
    }

    /// <summary>The raw device number of the character device at <paramref name="path"/> (not following a link there);
    /// null when there is none, or it is something else.</summary>
    public static ulong? TryDeviceNumberOf(string path)
    {
        stat st;
        fixed (byte* p = Utf8Z(path))
        {
            if (lstat(p, &st) < 0)
                return null;
        }
        return (st.st_mode & S_IFMT) == S_IFCHR ? st.st_rdev : null;
    }

    public static ulong DeviceNumberOf(string path) =>
        TryDeviceNumberOf(path) ?? throw new IOException($"{path} is not a character device");

    /// <summary>Whether something is mounted on the directory <paramref name="path"/>: it lies on another filesystem than its parent.</summary>
    public static bool IsMountPoint(string path)
    {
        stat st, parent;
        fixed (byte* p = Utf8Z(path), q = Utf8Z(Path.Combine(path, "..")))
        {
            if (lstat(p, &st) < 0 || lstat(q, &parent) < 0)
                return false;
        }
        return st.st_dev != parent.st_dev;
    }

    /// <summary>Detaches whatever is mounted on <paramref name="target"/> (not following a link there); 0 or the errno.</summary>
    public static int TryDetach(string target)
    {
        fixed (byte* path = Utf8Z(target))
            return umount2(path, MNT_DETACH | UMOUNT_NOFOLLOW) == 0 ? 0 : errno;
    }
}
