using Judge.Testing;

namespace Judge.Sandbox.Tests;

/// <summary>
/// One runner for the test run, with its own state, image cache and cgroup parent so tests never
/// touch a real worker's. Needs root, user namespaces and cgroups: without them the tests fail.
/// </summary>
public sealed class SandboxFixture : IDisposable
{
    public SandboxFixture()
    {
        // Not under /tmp: the sandbox mounts its own /tmp, hiding host files there from the image.
        Root = $"/var/tmp/judge-sandbox-tests-{Environment.ProcessId}";
        Runner = new SandboxRunner(new SandboxOptions
        {
            StateDirectory = Path.Combine(Root, "state"),
            ImageCacheDirectory = Path.Combine(Root, "images"),
            CgroupParent = "judge-tests",
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

    /// <summary>Compiles a C program (statically, so its image is one file) and returns the binary's path.</summary>
    public string CompileC(string source, params string[] extraFlags) =>
        HostPrograms.CompileStaticC(NewDirectory(), "main", source, extraFlags);

    public void Dispose()
    {
        Runner.Cgroups.RemoveStaleRuns(_ => true);
        SafeFiles.RemoveTree(Root);
    }
}

[CollectionDefinition(Name)]
public sealed class SandboxCollection : ICollectionFixture<SandboxFixture>
{
    public const string Name = "sandbox";
}

public static class ResultAssert
{
    /// <summary>Asserts the status, showing the whole result when it differs.</summary>
    public static void Status(SandboxStatus expected, SandboxResult result) =>
        Assert.True(result.Status == expected, $"expected {expected}, got {result}");
}
