using Judge.Testing;

namespace Judge.Sandbox.Tests;

/// <summary>The sandbox tests' runner (see <see cref="SandboxTestHost"/>).</summary>
public sealed class SandboxFixture() : SandboxTestHost("judge-sandbox-tests", new SandboxOptions { CgroupParent = "judge-tests" })
{
    /// <summary>Compiles a C program (statically, so its image is one file) and returns the binary's path.</summary>
    public string CompileC(string source, params string[] extraFlags) =>
        HostPrograms.CompileStaticC(NewDirectory(), "main", source, extraFlags);
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
