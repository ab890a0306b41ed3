using System.Runtime.InteropServices;

namespace Judge.Sandbox.Rootfs;

/// <summary>The two calls .NET does not offer with the exact semantics the cache needs.</summary>
internal static partial class PosixFiles
{
    public const int EEXIST = 17, ENOTEMPTY = 39;

    /// <summary>rename(2): atomic, and for directories it fails when the destination exists and is not empty.</summary>
    [LibraryImport("libc", EntryPoint = "rename", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Rename(string oldPath, string newPath);

    /// <summary>link(2): a new name for the same inode; fails across file systems (EXDEV).</summary>
    [LibraryImport("libc", EntryPoint = "link", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int Link(string existingPath, string newPath);
}
