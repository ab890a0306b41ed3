namespace Judge.Sandbox.Rootfs;

/// <summary>
/// Finds the libraries an ELF object needs the way glibc's ld.so does, minus the environment
/// (LD_LIBRARY_PATH, LD_PRELOAD) and hwcaps subdirectories: for each DT_NEEDED name, DT_RPATH of
/// the object and of the chain of objects that loaded it (only while the object has no
/// DT_RUNPATH), then the object's own DT_RUNPATH, then the directories of /etc/ld.so.conf (which
/// is what ld.so.cache indexes), then the default directories. A candidate only counts when it is
/// an ELF object of the same class and machine, as the loader skips the others.
/// </summary>
internal sealed class LibrarySearch(IReadOnlyList<string> configuredDirectories)
{
    /// <summary>Reads /etc/ld.so.conf (and what it includes) as it is now.</summary>
    public static LibrarySearch FromHost() => new(LdSoConf.Directories("/etc/ld.so.conf"));

    /// <summary>
    /// The interpreter and every library in the DT_NEEDED closure of <paramref name="objectPath"/>,
    /// as paths the loader would open (not resolved through symlinks).
    /// </summary>
    /// <param name="requireAll">Throw when a needed library is not found; otherwise leave it out.</param>
    public List<string> Closure(string objectPath, ElfInfo elf, bool requireAll)
    {
        var result = new List<string>();
        if (elf.Interpreter is { } interpreter)
            result.Add(interpreter);

        // glibc does not load a second library under a name it already loaded.
        var loaded = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<(string Path, ElfInfo Elf, IReadOnlyList<string> RPathChain)>();
        pending.Enqueue((objectPath, elf, []));
        while (pending.TryDequeue(out var item))
        {
            string origin = Path.GetDirectoryName(item.Path) ?? "/";
            bool hasRunPath = item.Elf.RunPath.Count > 0;
            var rPathChain = hasRunPath ? item.RPathChain : [.. Expand(item.Elf.RPath, origin), .. item.RPathChain];
            var runPath = Expand(item.Elf.RunPath, origin);

            foreach (string name in item.Elf.Needed)
            {
                if (!loaded.Add(name))
                    continue;
                IEnumerable<string> directories = hasRunPath
                    ? [.. runPath, .. configuredDirectories, .. DefaultDirectories(item.Elf)]
                    : [.. rPathChain, .. configuredDirectories, .. DefaultDirectories(item.Elf)];
                var found = name.Contains('/')
                    ? Candidate(name, item.Elf)
                    : directories.Select(dir => Candidate(Path.Join(dir, name), item.Elf)).FirstOrDefault(c => c is not null);
                if (found is null)
                {
                    if (requireAll)
                        throw new FileNotFoundException($"Cannot build an image: {name}, needed by {item.Path}, is not found where the dynamic loader would look.", name);
                    continue;
                }
                result.Add(found.Value.Path);
                // A library's dependencies are searched with its own RPATH first, then its loader's.
                pending.Enqueue((found.Value.Path, found.Value.Elf, hasRunPath ? item.RPathChain : rPathChain));
            }
        }
        return result;
    }

    static (string Path, ElfInfo Elf)? Candidate(string path, ElfInfo requester)
    {
        if (!Path.IsPathRooted(path) || !File.Exists(path))
            return null;
        try
        {
            var elf = ElfFile.TryRead(path);
            return elf is not null && elf.Is64Bit == requester.Is64Bit && elf.Machine == requester.Machine
                ? (path, elf)
                : null;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or UnauthorizedAccessException)
        {
            return null; // the loader also moves on past a file it cannot use
        }
    }

    /// <summary>Expands $ORIGIN; entries with other tokens ($LIB, $PLATFORM) or relative to the working directory are dropped.</summary>
    static List<string> Expand(IReadOnlyList<string> entries, string origin) =>
        entries
            .Select(e => e.Replace("${ORIGIN}", origin).Replace("$ORIGIN", origin))
            .Where(e => e.StartsWith('/') && !e.Contains('$'))
            .ToList();

    static string[] DefaultDirectories(ElfInfo elf)
    {
        string? triplet = (elf.Machine, elf.Is64Bit) switch
        {
            (62, true) => "x86_64-linux-gnu",
            (183, true) => "aarch64-linux-gnu",
            (3, false) => "i386-linux-gnu",
            _ => null,
        };
        return triplet is null
            ? ["/lib", "/usr/lib"]
            : ["/lib", "/usr/lib", $"/lib/{triplet}", $"/usr/lib/{triplet}"];
    }
}

/// <summary>The directory list of ld.so.conf: one directory a line, <c>include</c> with globs, # comments.</summary>
internal static class LdSoConf
{
    public static List<string> Directories(string confPath)
    {
        var directories = new List<string>();
        Read(confPath, directories, depth: 0);
        return directories.Distinct(StringComparer.Ordinal).ToList();
    }

    static void Read(string confPath, List<string> directories, int depth)
    {
        if (depth > 10 || !File.Exists(confPath))
            return;
        foreach (string raw in File.ReadLines(confPath))
        {
            string line = raw.Split('#')[0].Trim();
            if (line.Length == 0)
                continue;
            if (line.StartsWith("include", StringComparison.Ordinal) && line.Length > 7 && char.IsWhiteSpace(line[7]))
            {
                foreach (string pattern in line[8..].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
                    foreach (string included in Glob(pattern, Path.GetDirectoryName(confPath) ?? "/"))
                        Read(included, directories, depth + 1);
            }
            else if (line.StartsWith('/'))
            {
                directories.Add(line.TrimEnd('/'));
            }
            // "hwcap" lines and anything else are not directories.
        }
    }

    /// <summary>Wildcards are honoured in the last component only, which is how ld.so.conf uses them.</summary>
    static IEnumerable<string> Glob(string pattern, string relativeTo)
    {
        string full = Path.IsPathRooted(pattern) ? pattern : Path.Join(relativeTo, pattern);
        string directory = Path.GetDirectoryName(full) ?? "/";
        string name = Path.GetFileName(full);
        if (!Directory.Exists(directory))
            return [];
        return Directory.EnumerateFiles(directory, name, new EnumerationOptions { MatchType = MatchType.Simple }).Order(StringComparer.Ordinal);
    }
}
