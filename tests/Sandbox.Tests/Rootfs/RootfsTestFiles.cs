using System.Diagnostics;
using Judge.Sandbox.Rootfs;

namespace Judge.Sandbox.Tests.Rootfs;

/// <summary>A fresh directory under /tmp, removed afterwards without following any link in it.</summary>
public sealed class TempDirectory : IDisposable
{
    public string Path { get; } = Directory.CreateTempSubdirectory("judge-rootfs-test-").FullName;

    public string Join(params string[] parts) => System.IO.Path.Join([Path, .. parts]);

    public void Dispose() => Remove(Path);

    static void Remove(string path)
    {
        var info = new FileInfo(path);
        if (info.LinkTarget is null && Directory.Exists(path))
        {
            foreach (string child in Directory.EnumerateFileSystemEntries(path))
                Remove(child);
            Directory.Delete(path);
        }
        else if (info.Exists || info.LinkTarget is not null)
        {
            File.Delete(path);
        }
    }
}

internal static class RootfsTestFiles
{
    /// <summary>Runs the C compiler with an argument vector (no shell) and fails the test on error.</summary>
    public static void Gcc(params string[] arguments)
    {
        var start = new ProcessStartInfo("gcc") { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (string argument in arguments)
            start.ArgumentList.Add(argument);
        using var gcc = Process.Start(start)!;
        string errors = gcc.StandardError.ReadToEnd();
        gcc.WaitForExit();
        Assert.True(gcc.ExitCode == 0, $"gcc failed: {errors}");
    }

    /// <summary>The host path with every symlink resolved, like realpath(1).</summary>
    public static string RealPath(string path) => HostPath.Resolve(path, (_, _, _) => { });

    /// <summary>Every path inside an image, relative to its top, links not followed.</summary>
    public static List<string> ListImage(string imageDirectory)
    {
        var found = new List<string>();
        void Walk(string directory)
        {
            foreach (string child in Directory.EnumerateFileSystemEntries(directory))
            {
                found.Add(child[imageDirectory.Length..]);
                if (new FileInfo(child).LinkTarget is null && Directory.Exists(child))
                    Walk(child);
            }
        }
        Walk(imageDirectory);
        found.Sort(StringComparer.Ordinal);
        return found;
    }
}
