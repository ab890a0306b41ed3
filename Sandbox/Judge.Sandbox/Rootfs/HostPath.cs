namespace Judge.Sandbox.Rootfs;

/// <summary>
/// Resolves host paths one component at a time, the way the kernel does, and remembers every
/// symbolic link it passed through so the image can contain the same links.
/// </summary>
internal static class HostPath
{
    const int MaxLinks = 40; // the kernel's own limit (ELOOP)

    /// <summary>
    /// Returns the path with every symlink resolved. Each link met on the way is reported to
    /// <paramref name="onLink"/> as (the link's own path, with no links above it; its target text; its lstat).
    /// Throws <see cref="FileNotFoundException"/> when a component does not exist.
    /// </summary>
    public static string Resolve(string path, Action<string, string, FileStatus> onLink)
    {
        if (!Path.IsPathRooted(path))
            throw new ArgumentException($"'{path}' is not an absolute path.", nameof(path));

        var pending = new Stack<string>(Components(path).Reverse());
        string current = "/";
        int linksFollowed = 0;
        while (pending.TryPop(out var component))
        {
            if (component == ".")
                continue;
            if (component == "..")
            {
                current = Path.GetDirectoryName(current) ?? "/";
                continue;
            }
            string candidate = current == "/" ? "/" + component : current + "/" + component;
            var status = FileStatus.Of(candidate)
                ?? throw new FileNotFoundException($"Cannot put '{path}' in an image: '{candidate}' does not exist.", path);
            if (status.Kind == EntryKind.Symlink)
            {
                if (++linksFollowed > MaxLinks)
                    throw new IOException($"Cannot put '{path}' in an image: too many levels of symbolic links.");
                string target = new FileInfo(candidate).LinkTarget
                    ?? throw new IOException($"readlink {candidate}: not a symbolic link any more");
                onLink(candidate, target, status);
                foreach (var part in Components(target).Reverse())
                    pending.Push(part);
                if (target.StartsWith('/'))
                    current = "/";
                continue;
            }
            if (pending.Count > 0 && status.Kind != EntryKind.Directory)
                throw new IOException($"Cannot put '{path}' in an image: '{candidate}' is not a directory.");
            current = candidate;
        }
        return current;
    }

    static string[] Components(string path) => path.Split('/', StringSplitOptions.RemoveEmptyEntries);
}
