using Judge.Sandbox;

namespace Judge.Testing;

/// <summary>
/// A sandbox runner of a test project's own: state, image cache and cgroup parent apart from a real
/// worker's and from the other test projects', under one root directory that goes, with everything
/// in it, at the end. Needs root, user namespaces and cgroups: without them the tests fail.
/// </summary>
public abstract class SandboxTestHost : IDisposable
{
    /// <param name="name">Names the root directory, /var/tmp/NAME-PID.</param>
    /// <param name="options">Everything but the state and image directories, which go under the root.</param>
    protected SandboxTestHost(string name, SandboxOptions options)
    {
        // Not under /tmp: the sandbox mounts its own /tmp over it, which would hide the programs.
        Root = $"/var/tmp/{name}-{Environment.ProcessId}";
        Runner = new SandboxRunner(options with
        {
            StateDirectory = Path.Combine(Root, "state"),
            ImageCacheDirectory = Path.Combine(Root, "images"),
        });
    }

    public string Root { get; }
    public SandboxRunner Runner { get; }

    /// <summary>A fresh host directory for a test's files, world-readable so the sandbox can see what it is given.</summary>
    public string NewDirectory()
    {
        string dir = Path.Combine(Root, "t", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(Path.Combine(Root, "t"), (UnixFileMode)0b111_101_101);
        File.SetUnixFileMode(Root, (UnixFileMode)0b111_101_101);
        return dir;
    }

    public void Dispose()
    {
        Runner.Cgroups.RemoveStaleRuns(_ => true);
        SafeFiles.RemoveTree(Root);
        GC.SuppressFinalize(this);
    }
}
