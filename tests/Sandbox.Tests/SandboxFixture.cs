using Judge.Sandbox.Cgroups;
using Judge.Testing;

namespace Judge.Sandbox.Tests;

/// <summary>The sandbox tests' runner (see <see cref="SandboxTestHost"/>).</summary>
public sealed class SandboxFixture() : SandboxTestHost("judge-sandbox-tests", new SandboxOptions { CgroupParent = TestCgroups.Parent("judge-tests") })
{
    /// <summary>Compiles a C program (statically, so its image is one file) and returns the binary's path.</summary>
    public string CompileC(string source, params string[] extraFlags) =>
        HostPrograms.CompileStaticC(NewDirectory(), "main", source, extraFlags);

    /// <summary>The cgroups under the runner's parent (in each v1 hierarchy): the runs not yet removed.</summary>
    public IReadOnlyList<string> RunCgroups()
    {
        IReadOnlyList<string> parents = Runner.Cgroups switch
        {
            CgroupV1Driver v1 => v1.ParentDirectories,
            CgroupV2Driver v2 => [v2.ParentDirectory],
            var other => throw new InvalidOperationException($"unknown cgroup driver {other}"),
        };
        return [.. parents.SelectMany(Directory.EnumerateDirectories)];
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
