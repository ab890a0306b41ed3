using System.Runtime.InteropServices;
using System.Text;
using Tmds.Linux;

namespace Judge.Sandbox.Rootfs;

internal enum EntryKind { Directory, File, Symlink, Other }

/// <summary>
/// One lstat() of a host path: enough to tell whether the thing at that path is still the thing
/// an image was built from. The inode and device number change when a package manager replaces a
/// file (it writes a new file and renames it over the old one, keeping the packaged mtime), while
/// size and mtime catch in-place edits. ctime is left out on purpose: hard-linking a file into the
/// cache changes its ctime.
/// </summary>
internal readonly record struct FileStatus(EntryKind Kind, uint Mode, ulong Device, ulong Inode, long Size, long MtimeSeconds, long MtimeNanoseconds)
{
    const uint TypeMask = 0xF000, DirectoryType = 0x4000, RegularType = 0x8000, SymlinkType = 0xA000;

    /// <summary>lstat(): does not follow a final symlink. Null when nothing is there.</summary>
    public static unsafe FileStatus? Of(string path)
    {
        // Paths are short; encoding onto the stack keeps the hot path free of allocations.
        int maxBytes = Encoding.UTF8.GetMaxByteCount(path.Length) + 1;
        Span<byte> bytes = maxBytes <= 1024 ? stackalloc byte[maxBytes] : new byte[maxBytes];
        bytes[Encoding.UTF8.GetBytes(path, bytes)] = 0;
        stat st;
        fixed (byte* p = bytes)
        {
            if (LibC.lstat(p, &st) != 0)
            {
                int errno = LibC.errno;
                if (errno is 2 /* ENOENT */ or 20 /* ENOTDIR */)
                    return null;
                throw new IOException($"lstat {path}: {Marshal.GetPInvokeErrorMessage(errno)}");
            }
        }
        uint mode = (ushort)st.st_mode;
        var kind = (mode & TypeMask) switch
        {
            DirectoryType => EntryKind.Directory,
            RegularType => EntryKind.File,
            SymlinkType => EntryKind.Symlink,
            _ => EntryKind.Other,
        };
        return new FileStatus(kind, mode & 0xFFF, st.st_dev, st.st_ino, st.st_size, st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    }
}
