namespace Judge.Sandbox;

/// <summary>
/// File operations for the trusted side on directories a sandbox could have written to: nothing
/// here follows a symbolic link or leaves the directory it was given.
/// </summary>
public static class SafeFiles
{
    /// <summary>Creates a new, empty, root-owned directory (mode 0755) under <paramref name="parent"/> and returns its path.</summary>
    public static string CreateFreshDirectory(string parent, string prefix) => throw new NotImplementedException();

    /// <summary>Reads at most <paramref name="maxBytes"/> of the regular file <paramref name="name"/> directly in <paramref name="directory"/>.
    /// Returns null when it does not exist or is not a regular file (a link, a fifo, ...).</summary>
    public static byte[]? ReadFile(string directory, string name, long maxBytes, out bool truncated) => throw new NotImplementedException();

    /// <summary>Writes a new file (mode 0644) directly in <paramref name="directory"/>; fails if the name already exists.</summary>
    public static void WriteNewFile(string directory, string name, ReadOnlySpan<byte> content) => throw new NotImplementedException();

    /// <summary>Removes a directory tree without following any link in it. Missing is fine.</summary>
    public static void RemoveTree(string path) => throw new NotImplementedException();
}
