using Judge.Sandbox;
using Judge.Worker.Judging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Judge.Worker.Tests;

public sealed class WorkspaceTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("judge-workspace-tests-");

    private WorkerOptions Options => new()
    {
        ScratchDirectory = Path.Combine(directory.FullName, "scratch"),
        BoxDirectory = Path.Combine(directory.FullName, "boxes"),
        BoxBytes = 4 << 20,
    };

    private const long ScratchBytes = 2 << 20;

    [Fact]
    public void Each_submissions_scratch_directory_is_a_tmpfs_of_its_own_of_the_size_it_was_given()
    {
        using var first = new Workspace(Options, NullLogger.Instance, ScratchBytes);
        using var second = new Workspace(Options, NullLogger.Instance, ScratchBytes);

        foreach (var scratch in new[] { first.Scratch, second.Scratch })
        {
            var mount = Assert.Single(Mounts(), m => m[1] == scratch);
            Assert.Equal("tmpfs", mount[2]);
            Assert.Contains("size=2048k", mount[3].Split(','));
        }
        // Filling one leaves the other's space whole.
        Assert.Throws<IOException>(() => File.WriteAllBytes(Path.Combine(first.Scratch, "filler"), new byte[3 << 20]));
        File.WriteAllBytes(Path.Combine(second.Scratch, "input"), new byte[1 << 20]);
    }

    [Fact]
    public void The_bytes_a_box_holds_are_counted_by_its_file_system()
    {
        using var workspace = new Workspace(Options, NullLogger.Instance, ScratchBytes);
        var box = workspace.NewBox("program-");
        var empty = SafeFiles.UsedBytes(box);

        File.WriteAllBytes(Path.Combine(box, "main"), new byte[1 << 20]);

        Assert.InRange(SafeFiles.UsedBytes(box) - empty, 1 << 20, (1 << 20) + 64 * 1024);
    }

    [Fact]
    public void A_box_a_sandbox_writes_in_is_a_tmpfs_of_the_configured_size()
    {
        using var workspace = new Workspace(Options, NullLogger.Instance, ScratchBytes);

        var box = workspace.NewBox("program-");

        var mount = Assert.Single(Mounts(), m => m[1] == box);
        Assert.Equal("tmpfs", mount[2]);
        Assert.Contains("size=4096k", mount[3].Split(','));
    }

    [Fact]
    public void A_box_only_the_worker_writes_in_is_a_plain_directory_with_no_mount_of_its_own()
    {
        using var workspace = new Workspace(Options, NullLogger.Instance, ScratchBytes);

        var box = workspace.NewReadOnlyBox("program-");

        Assert.True(Directory.Exists(box));
        Assert.DoesNotContain(Mounts(), m => m[1] == box);
    }

    [Fact]
    public void Disposing_the_workspace_removes_its_scratch_directory_and_every_box_with_its_mount()
    {
        string scratch, mounted, plain;
        using (var workspace = new Workspace(Options, NullLogger.Instance, ScratchBytes))
        {
            scratch = workspace.Scratch;
            mounted = workspace.NewBox("program-");
            plain = workspace.NewReadOnlyBox("checker-");
            File.WriteAllText(Path.Combine(mounted, "main"), "compiled");
            File.WriteAllText(Path.Combine(plain, "main.py"), "print(1)");
        }

        Assert.False(Directory.Exists(scratch));
        Assert.False(Directory.Exists(mounted));
        Assert.False(Directory.Exists(plain));
        Assert.DoesNotContain(Mounts(), m => m[1] == mounted);
    }

    private static List<string[]> Mounts() => File.ReadLines("/proc/self/mounts").Select(line => line.Split(' ')).ToList();

    public void Dispose() => SafeFiles.RemoveTree(directory.FullName);
}
