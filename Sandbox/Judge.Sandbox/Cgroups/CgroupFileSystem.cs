using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox.Cgroups;

/// <summary>
/// The few file operations the drivers make on a cgroup hierarchy, as plain syscalls: a run creates
/// and removes its cgroup every time, and FileStream's buffering and locking cost more than the
/// kernel's work. Virtual so tests can stand in for the kernel (a fake cannot make mkdir create the
/// kernel's files, or make subtree_control writes show up in children).
/// </summary>
internal class CgroupFileSystem
{
    public static CgroupFileSystem Kernel { get; } = new();

    /// <summary>mkdir; fails with EEXIST when the directory is already there.</summary>
    public virtual unsafe void CreateDirectory(string path)
    {
        int result;
        fixed (byte* cPath = CString(path))
            result = mkdir(cPath, 0b111_101_101);
        int error = errno;
        if (result != 0)
            throw Failure("mkdir", path, error);
    }

    public void CreateDirectoryIfMissing(string path)
    {
        if (DirectoryExists(path))
            return;
        try
        {
            CreateDirectory(path);
        }
        catch (CgroupException e) when (e.Errno == EEXIST)
        {
            // Another worker made it first.
        }
    }

    /// <summary>rmdir; a directory that is already gone is fine.</summary>
    public virtual unsafe void RemoveDirectory(string path)
    {
        int result;
        fixed (byte* cPath = CString(path))
            result = rmdir(cPath);
        int error = errno;
        if (result != 0 && error != ENOENT)
            throw Failure("rmdir", path, error);
    }

    /// <summary>Writes <paramref name="text"/> in one write(2), as cgroup files require. Never creates the file.</summary>
    public virtual unsafe void Write(string path, string text)
    {
        byte[] bytes = Encoding.ASCII.GetBytes(text);
        int fd;
        fixed (byte* cPath = CString(path))
            fd = open(cPath, O_WRONLY | O_TRUNC | O_CLOEXEC, 0);
        int openError = errno;
        if (fd < 0)
            throw Failure($"open for writing \"{text}\"", path, openError);
        try
        {
            long written;
            fixed (byte* data = bytes)
                written = write(fd, data, bytes.Length);
            int writeError = errno;
            if (written < 0)
                throw Failure($"write \"{text}\" to", path, writeError);
            if (written != bytes.Length)
                throw new CgroupException($"write \"{text}\" to {path}: short write ({written} of {bytes.Length} bytes)");
        }
        finally
        {
            close(fd);
        }
    }

    /// <summary>The whole file, or null when it does not exist.</summary>
    public virtual unsafe string? Read(string path)
    {
        int fd;
        fixed (byte* cPath = CString(path))
            fd = open(cPath, O_RDONLY | O_CLOEXEC, 0);
        int openError = errno;
        if (fd < 0)
        {
            if (openError == ENOENT)
                return null;
            throw Failure("open", path, openError);
        }
        try
        {
            // Cgroup files are small; cgroup.procs of a busy cgroup is the only one that may need more than a page.
            byte[] buffer = new byte[4096];
            int length = 0;
            while (true)
            {
                if (length == buffer.Length)
                    Array.Resize(ref buffer, buffer.Length * 2);
                long n;
                fixed (byte* data = &buffer[length])
                    n = read(fd, data, buffer.Length - length);
                int readError = errno;
                if (n < 0)
                {
                    if (readError == EINTR)
                        continue;
                    throw Failure("read", path, readError);
                }
                if (n == 0)
                    return Encoding.ASCII.GetString(buffer, 0, length);
                length += (int)n;
            }
        }
        finally
        {
            close(fd);
        }
    }

    public bool FileExists(string path) => File.Exists(path);

    public bool DirectoryExists(string path) => Directory.Exists(path);

    public IEnumerable<string> ChildDirectories(string path) =>
        Directory.Exists(path) ? Directory.EnumerateDirectories(path) : [];

    private static byte[] CString(string path)
    {
        byte[] bytes = new byte[Encoding.UTF8.GetByteCount(path) + 1];
        Encoding.UTF8.GetBytes(path, bytes);
        return bytes;
    }

    internal static CgroupException Failure(string operation, string path, int error) =>
        new($"{operation} {path}: {ErrnoText(error)}", error);

    /// <summary>"EBUSY (Device or resource busy)": the symbolic name is what an operator searches for.</summary>
    internal static string ErrnoText(int error)
    {
        string? name = error switch
        {
            1 => "EPERM", 2 => "ENOENT", 3 => "ESRCH", 4 => "EINTR", 5 => "EIO", 11 => "EAGAIN",
            12 => "ENOMEM", 13 => "EACCES", 16 => "EBUSY", 17 => "EEXIST", 19 => "ENODEV",
            20 => "ENOTDIR", 22 => "EINVAL", 28 => "ENOSPC", 30 => "EROFS", 34 => "ERANGE",
            39 => "ENOTEMPTY", 95 => "EOPNOTSUPP",
            _ => null,
        };
        string description = Marshal.GetPInvokeErrorMessage(error);
        return name is null ? $"errno {error} ({description})" : $"{name} ({description})";
    }
}
