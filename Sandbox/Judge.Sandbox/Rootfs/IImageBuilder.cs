namespace Judge.Sandbox.Rootfs;

/// <summary>
/// A read-only directory tree that becomes the sandbox's root. Files sit at the same paths as on
/// the host; <paramref name="Directory"/> is the host path of the tree's top.
/// </summary>
public sealed record RootImage(string Directory, string Key);

public interface IImageBuilder
{
    /// <summary>
    /// Returns the image holding exactly these host paths (ELF files with their interpreter and
    /// DT_NEEDED closure, directories whole), building it on first use. Safe to call concurrently,
    /// from several threads and several processes.
    /// </summary>
    /// <remarks>
    /// Nothing is added that was not asked for: no /etc, so no ld.so.cache. Libraries the loader
    /// finds by default (/lib, /usr/lib and their multiarch directories) load without it; one
    /// found only through another ld.so.conf directory needs LD_LIBRARY_PATH in the run's
    /// environment, or /etc/ld.so.cache among the paths.
    /// </remarks>
    RootImage GetOrBuild(IReadOnlyCollection<string> hostPaths);
}
