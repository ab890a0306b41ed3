using Judge.Sandbox.Native;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;

namespace Judge.Sandbox.Rootfs;

/// <summary>
/// Builds root images as directory trees under <paramref name="cacheDirectory"/>, one directory
/// per content key (see <see cref="ImagePlan"/>). A build fills a private temporary directory
/// beside the final one and renames it into place, so a reader never sees half an image and
/// concurrent builders, in this process or others, end up sharing whichever finished first.
/// </summary>
/// <param name="cacheDirectory">Where images are built and kept.</param>
/// <param name="recheckAfter">How long a verified image is trusted without looking at the host again
/// (default 2 s). A language's image can watch hundreds of directories (python's library) and runs come
/// many per second; a toolchain upgrade is seen at most this late.</param>
public sealed class ImageBuilder(string cacheDirectory, TimeSpan? recheckAfter = null) : IImageBuilder
{
    const UnixFileMode DirectoryMode = (UnixFileMode)0b111_101_101;       // 0755
    const uint SpecialBits = 0b111_000_000_000;                           // setuid, setgid, sticky
    const uint ReadByAll = 0b100_100_100, ExecuteByAll = 0b001_001_001;

    readonly string cacheDirectory = Path.GetFullPath(cacheDirectory);
    readonly ConcurrentDictionary<string, RecentImage> recentImages = new(StringComparer.Ordinal);
    readonly ConcurrentDictionary<string, object> buildLocks = new(StringComparer.Ordinal);

    /// <summary>What a request last produced, the host state it was produced from, and when that state was last compared.</summary>
    sealed record RecentImage(RootImage Image, PlannedEntry[] Sources)
    {
        public long CheckedAtMs { get; set; } = Environment.TickCount64;
    }

    readonly long recheckAfterMs = (long)(recheckAfter ?? TimeSpan.FromSeconds(2)).TotalMilliseconds;

    /// <inheritdoc/>
    /// <exception cref="FileNotFoundException">A given path, its interpreter or one of its libraries does not exist.</exception>
    public RootImage GetOrBuild(IReadOnlyCollection<string> hostPaths)
    {
        ArgumentNullException.ThrowIfNull(hostPaths);

        var request = hostPaths.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
        string requestKey = string.Join('\0', request);
        if (recentImages.TryGetValue(requestKey, out var recent) && IsStillCurrent(recent))
            return recent.Image;

        var plan = ImagePlan.For(request, LibrarySearch.FromHost());
        var image = new RootImage(Path.Join(cacheDirectory, plan.Key), plan.Key);
        BuildUnlessPresent(plan, image.Directory);
        recentImages[requestKey] = new RecentImage(image, [.. plan.Entries.Where(IsWatchedOnHotPath)]);
        return image;
    }

    /// <summary>
    /// Finds a command on the host like execvp(3) does: a name with a slash is taken as it is
    /// (when absolute and present), otherwise the first executable file named so in a directory of
    /// <paramref name="searchPath"/>. Returns the path as found, not resolved through symlinks.
    /// </summary>
    public static string? ResolveCommand(string command, string searchPath)
    {
        if (string.IsNullOrEmpty(command))
            return null;
        if (command.Contains('/'))
            return Path.IsPathRooted(command) && File.Exists(command) ? command : null;

        foreach (string directory in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(directory))
                continue; // a relative PATH entry would depend on our working directory
            string candidate = Path.Join(directory, command);
            if (File.Exists(candidate) && (File.GetUnixFileMode(candidate) & (UnixFileMode)ExecuteByAll) != 0)
                return candidate;
        }
        return null;
    }

    /// <summary>
    /// What a repeated request re-checks: everything named or needed directly, and every directory
    /// of a given tree, but not each file in such a tree (a compiler's tree holds thousands).
    /// Package managers replace a file by renaming a new one over it, which changes its
    /// directory's mtime, so an upgrade is still seen; an in-place edit of a file deep in a given
    /// tree is seen by the next builder that plans from scratch (a new process).
    /// </summary>
    static bool IsWatchedOnHotPath(PlannedEntry entry) => !entry.FromTree || entry.Status.Kind == EntryKind.Directory;

    /// <summary>The hot path: nothing within the recheck window, else a few lstat() calls, no reading and no hashing.</summary>
    bool IsStillCurrent(RecentImage recent)
    {
        long now = Environment.TickCount64;
        if (now - recent.CheckedAtMs < recheckAfterMs)
            return true;
        if (FileStatus.Of(recent.Image.Directory)?.Kind != EntryKind.Directory)
            return false;
        foreach (var source in recent.Sources)
            if (FileStatus.Of(source.Path) != source.Status)
                return false;
        recent.CheckedAtMs = now;
        return true;
    }

    void BuildUnlessPresent(ImagePlan plan, string finalDirectory)
    {
        if (Directory.Exists(finalDirectory))
            return;
        // Threads of this process wait for one build; other processes race on the rename below.
        lock (buildLocks.GetOrAdd(plan.Key, _ => new object()))
        {
            if (Directory.Exists(finalDirectory))
                return;
            Directory.CreateDirectory(cacheDirectory, DirectoryMode); // the sandbox user must reach the images
            string temporary = Path.Join(cacheDirectory, $".build-{plan.Key[..16]}-{Environment.ProcessId}-{Guid.NewGuid():N}");
            try
            {
                Directory.CreateDirectory(temporary);
                File.SetUnixFileMode(temporary, DirectoryMode);
                foreach (var entry in plan.Entries)
                    Place(temporary, entry);

                if (Syscalls.Rename(temporary, finalDirectory) != 0)
                {
                    int errno = Marshal.GetLastPInvokeError();
                    if (errno != Tmds.Linux.LibC.EEXIST && errno != Tmds.Linux.LibC.ENOTEMPTY)
                        throw new IOException($"rename {temporary} -> {finalDirectory}: {Marshal.GetPInvokeErrorMessage(errno)}");
                    // Another process finished the same image first; ours is a duplicate.
                }
            }
            finally
            {
                RemoveTree(temporary);
            }
        }
    }

    static void Place(string imageRoot, PlannedEntry entry)
    {
        string target = imageRoot + entry.Path;
        CreateParents(imageRoot, entry.Path);
        switch (entry.Status.Kind)
        {
            case EntryKind.Directory:
                if (FileStatus.Of(target) is null)
                    Directory.CreateDirectory(target);
                File.SetUnixFileMode(target, DirectoryMode);
                break;
            case EntryKind.Symlink:
                File.CreateSymbolicLink(target, entry.LinkTarget!);
                break;
            case EntryKind.File:
                PlaceFile(entry.Path, target, entry.Status.Mode);
                break;
        }
    }

    /// <summary>
    /// A hard link shares the host file's inode, so it is used only when the host mode is already
    /// what the image needs (readable by all, no setuid/setgid): changing the mode of a link would
    /// change the host file. Otherwise, or across file systems, the file is copied.
    /// </summary>
    static void PlaceFile(string source, string target, uint hostMode)
    {
        bool executable = (hostMode & ExecuteByAll) != 0;
        uint imageMode = (hostMode & ~SpecialBits) | ReadByAll | (executable ? ExecuteByAll : 0);
        if (imageMode == hostMode && Syscalls.Link(source, target) == 0)
            return;

        using (var from = new FileStream(source, FileMode.Open, FileAccess.Read, FileShare.Read))
        using (var to = new FileStream(target, new FileStreamOptions
        {
            Mode = FileMode.CreateNew, // O_EXCL: never writes through something already there
            Access = FileAccess.Write,
            UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite,
        }))
        {
            from.CopyTo(to);
        }
        File.SetUnixFileMode(target, (UnixFileMode)imageMode);
    }

    /// <summary>Creates the missing directories above an entry, refusing to pass through a link.</summary>
    static void CreateParents(string imageRoot, string entryPath)
    {
        string current = imageRoot;
        var parts = entryPath.Split('/', StringSplitOptions.RemoveEmptyEntries);
        foreach (string part in parts[..^1])
        {
            current = current + "/" + part;
            switch (FileStatus.Of(current)?.Kind)
            {
                case null:
                    Directory.CreateDirectory(current);
                    File.SetUnixFileMode(current, DirectoryMode);
                    break;
                case EntryKind.Directory:
                    break;
                default:
                    throw new IOException($"Building an image: '{current}' is not a directory, refusing to write through it.");
            }
        }
    }

    /// <summary>Deletes a tree we built, unlinking links rather than following them.</summary>
    static void RemoveTree(string path)
    {
        var status = FileStatus.Of(path);
        if (status is null)
            return;
        if (status.Value.Kind == EntryKind.Directory)
        {
            foreach (string child in Directory.EnumerateFileSystemEntries(path))
                RemoveTree(child);
            Directory.Delete(path);
        }
        else
        {
            File.Delete(path);
        }
    }
}
