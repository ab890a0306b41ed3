using System.Security.Cryptography;
using System.Text;

namespace Judge.Sandbox.Rootfs;

/// <summary>One thing the image will hold, at the same absolute path as on the host.</summary>
/// <param name="FromTree">Found by walking a given directory rather than named or needed directly.</param>
internal sealed record PlannedEntry(string Path, FileStatus Status, string? LinkTarget, bool FromTree = false);

/// <summary>
/// Everything an image will hold, decided by looking at the host only (nothing is written), and
/// the cache key that names it.
/// </summary>
internal sealed class ImagePlan
{
    const string FormatVersion = "judge-rootfs-1";

    readonly SortedDictionary<string, PlannedEntry> entries = new(StringComparer.Ordinal);
    readonly LibrarySearch librarySearch;

    ImagePlan(LibrarySearch librarySearch) => this.librarySearch = librarySearch;

    /// <summary>Sorted by path, so a directory always comes before what it contains.</summary>
    public IReadOnlyCollection<PlannedEntry> Entries => entries.Values;

    public string Key { get; private set; } = "";

    public static ImagePlan For(IEnumerable<string> hostPaths, LibrarySearch librarySearch)
    {
        var plan = new ImagePlan(librarySearch);
        foreach (string path in hostPaths)
            plan.AddGiven(path);
        plan.Key = plan.ComputeKey();
        return plan;
    }

    void AddGiven(string path)
    {
        if (!Path.IsPathRooted(path))
            throw new ArgumentException($"Image paths must be absolute; got '{path}'.");
        string real = Add(path);
        var status = entries[real].Status;
        if (status.Kind == EntryKind.Directory)
            AddTree(real);
        else if (ElfFile.TryRead(real) is { } elf)
            foreach (string library in librarySearch.Closure(real, elf, requireAll: true))
                Add(library);
    }

    /// <summary>Adds the path's final target and every symlink on the way to it; returns the target.</summary>
    string Add(string path)
    {
        string real = HostPath.Resolve(path, (link, target, status) => entries[link] = new(link, status, target));
        var status = FileStatus.Of(real) ?? throw new FileNotFoundException($"Cannot put '{path}' in an image: '{real}' vanished.", path);
        if (status.Kind == EntryKind.Other)
            throw new ArgumentException($"Cannot put '{path}' in an image: only files, directories and symbolic links can go in one.");
        entries[real] = new(real, status, null);
        return real;
    }

    /// <summary>
    /// Copies a directory as it is: links stay links and are not followed. ELF objects inside it
    /// bring their libraries too (compilers keep helpers such as cc1 in such directories), but a
    /// library missing for one of them is left out rather than failing the image: trees often hold
    /// optional plugins for software that is not installed.
    /// </summary>
    void AddTree(string directory)
    {
        foreach (string child in Directory.EnumerateFileSystemEntries(directory))
        {
            if (FileStatus.Of(child) is not { } status)
                continue;
            switch (status.Kind)
            {
                case EntryKind.Directory:
                    entries[child] = new(child, status, null, FromTree: true);
                    AddTree(child);
                    break;
                case EntryKind.Symlink:
                    entries[child] = new(child, status, new FileInfo(child).LinkTarget, FromTree: true);
                    break;
                case EntryKind.File:
                    entries[child] = new(child, status, null, FromTree: true);
                    AddLibrariesOfTreeFile(child, status);
                    break;
                // Sockets, fifos and devices have no place in an image.
            }
        }
    }

    void AddLibrariesOfTreeFile(string path, FileStatus status)
    {
        bool mayBeLoadable = (status.Mode & 0b001_001_001) != 0 || Path.GetFileName(path).Contains(".so", StringComparison.Ordinal);
        if (!mayBeLoadable)
            return;
        ElfInfo? elf;
        try
        {
            elf = ElfFile.TryRead(path);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return;
        }
        if (elf is null)
            return;
        foreach (string library in librarySearch.Closure(path, elf, requireAll: false))
            Add(library);
    }

    /// <summary>
    /// SHA-256 over every entry's path, type, mode, device, inode, size, mtime and link target.
    /// Statting is enough to notice a changed toolchain (see <see cref="FileStatus"/>), and it
    /// keeps the key cheap: no file content is hashed.
    /// </summary>
    string ComputeKey()
    {
        var text = new StringBuilder(FormatVersion).Append('\n');
        foreach (var e in entries.Values)
        {
            var s = e.Status;
            text.Append(e.Path).Append('\0').Append(s.Kind).Append('\0').Append(s.Mode)
                .Append('\0').Append(s.Device).Append('\0').Append(s.Inode).Append('\0').Append(s.Size)
                .Append('\0').Append(s.MtimeSeconds).Append('.').Append(s.MtimeNanoseconds)
                .Append('\0').Append(e.LinkTarget).Append('\n');
        }
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToString())));
    }
}
