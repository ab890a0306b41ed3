using Judge.Sandbox;
using Judge.Worker.Judging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Tests;

public sealed class SandboxStartupTests : IDisposable
{
    private readonly DirectoryInfo directory = Directory.CreateTempSubdirectory("judge-worker-startup-tests-");

    [Fact]
    public async Task Start_up_puts_the_scratch_directory_on_a_private_tmpfs_and_the_boxes_on_tmpfs()
    {
        var options = new WorkerOptions
        {
            ScratchDirectory = Path.Combine(directory.FullName, "scratch"),
            BoxDirectory = Path.Combine(directory.FullName, "boxes"),
        };
        var startup = new SandboxStartup(new SandboxRunner(), Options.Create(options), NullLogger<SandboxStartup>.Instance);

        await startup.StartAsync(CancellationToken.None);

        var mounts = File.ReadLines("/proc/self/mounts").Select(line => line.Split(' ')).ToList();
        var scratch = Assert.Single(mounts, m => m[1] == options.ScratchDirectory);
        Assert.Equal("tmpfs", scratch[2]);
        Assert.Contains("mode=700", scratch[3].Split(','));
        var boxes = Assert.Single(mounts, m => m[1] == options.BoxDirectory);
        Assert.Equal("tmpfs", boxes[2]);
        Assert.Contains("mode=755", boxes[3].Split(','));
    }

    // RemoveTree detaches the tmpfs mounts on its way.
    public void Dispose() => SafeFiles.RemoveTree(directory.FullName);
}
