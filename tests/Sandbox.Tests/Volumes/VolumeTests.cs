using Judge.Testing;

namespace Judge.Sandbox.Tests.Volumes;

/// <summary>Volumes: made, filled, measured and removed by the sandbox, never across a link a run planted, and
/// scoped to the runner that made them.</summary>
[Collection(SandboxCollection.Name)]
public sealed class VolumeTests(SandboxFixture sandbox)
{
    [Fact]
    public void A_sized_volume_is_a_tmpfs_of_its_own_of_that_size_and_counts_what_its_file_system_holds()
    {
        using var volume = sandbox.Runner.CreateVolume("sized-", 4 << 20);
        long empty = volume.UsedBytes;

        volume.WriteFile("main", new byte[1 << 20]);

        var mount = Assert.Single(Mounts(), m => m[1] == volume.HostPath);
        Assert.Equal("tmpfs", mount[2]);
        Assert.Contains("size=4096k", mount[3].Split(','));
        Assert.InRange(volume.UsedBytes - empty, 1 << 20, (1 << 20) + 64 * 1024);
        Assert.Throws<IOException>(() => volume.WriteFile("filler", new byte[4 << 20]));
    }

    [Fact]
    public void An_unsized_volume_is_a_plain_directory_that_counts_what_was_written_into_it()
    {
        using var volume = sandbox.Runner.CreateVolume("plain-");

        volume.WriteFile("main.py", "print(1)\n"u8);

        Assert.True(Directory.Exists(volume.HostPath));
        Assert.DoesNotContain(Mounts(), m => m[1] == volume.HostPath);
        Assert.Equal(9, volume.UsedBytes);
    }

    [Fact]
    public void Writing_over_a_name_a_run_planted_as_a_link_is_refused()
    {
        using var volume = sandbox.Runner.CreateVolume("planted-", 4 << 20);
        string target = Path.Combine(sandbox.NewDirectory(), "host-file");
        File.WriteAllText(target, "host");
        RunIn(volume, $"ln -s {target} answer");

        Assert.ThrowsAny<IOException>(() => volume.WriteFile("answer", "forged"u8));

        Assert.Equal("host", File.ReadAllText(target));
    }

    [Fact]
    public void Disposing_a_volume_removes_it_and_its_mount_without_following_what_a_run_left_there()
    {
        string hostDirectory = sandbox.NewDirectory();
        File.WriteAllText(Path.Combine(hostDirectory, "keep"), "host");
        var volume = sandbox.Runner.CreateVolume("used-", 4 << 20);
        RunIn(volume, $"mkdir -p deep/er && ln -s {hostDirectory} deep/er/link && ln -s {hostDirectory}/keep file && echo x > deep/data");

        volume.Dispose();

        Assert.False(Directory.Exists(volume.HostPath));
        Assert.DoesNotContain(Mounts(), m => m[1] == volume.HostPath);
        Assert.Equal("host", File.ReadAllText(Path.Combine(hostDirectory, "keep")));
    }

    [Fact]
    public void At_start_up_the_volumes_of_a_runner_that_is_gone_are_removed_and_a_live_runners_are_kept()
    {
        var gone = new SandboxRunner(sandbox.Runner.Options);
        var live = new SandboxRunner(sandbox.Runner.Options);
        var left = gone.CreateVolume("left-", 1 << 20);
        using var kept = live.CreateVolume("kept-", 1 << 20);
        string goneDirectory = Path.GetDirectoryName(left.HostPath)!;
        // What a crash leaves: the volume, and its runner's lock file no longer held by anyone.
        ReleaseLockOf(goneDirectory);

        sandbox.Runner.RemoveStaleRuns();

        Assert.False(Directory.Exists(goneDirectory), "a dead runner's volumes were left behind");
        Assert.DoesNotContain(Mounts(), m => m[1] == left.HostPath);
        Assert.True(Directory.Exists(kept.HostPath), "a live runner's volume was removed");
        Assert.Contains(Mounts(), m => m[1] == kept.HostPath);
    }

    /// <summary>Closes this process's descriptor of the runner's lock file, as its process's death would.</summary>
    private static void ReleaseLockOf(string ownerDirectory)
    {
        string lockPath = ownerDirectory + ".lock";
        foreach (var fd in new DirectoryInfo("/proc/self/fd").EnumerateFileSystemInfos())
        {
            if (fd.LinkTarget == lockPath)
                Tmds.Linux.LibC.close(int.Parse(fd.Name));
        }
    }

    /// <summary>Runs a shell command as a run would, with the volume as its /box.</summary>
    private void RunIn(SandboxVolume volume, string command)
    {
        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/bin/sh", "-c", command],
            With = ["/bin/mkdir", "/bin/ln"],
            WorkDir = volume.HostPath,
            Limits = new SandboxLimits { CpuTime = TimeSpan.FromSeconds(5), WallTime = TimeSpan.FromSeconds(30), Processes = 8 },
        });
        ResultAssert.Status(SandboxStatus.Ok, result);
    }

    private static List<string[]> Mounts() => File.ReadLines("/proc/self/mounts").Select(line => line.Split(' ')).ToList();
}
