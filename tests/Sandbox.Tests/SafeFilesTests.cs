namespace Judge.Sandbox.Tests;

[Collection(SandboxCollection.Name)]
public sealed class SafeFilesTests(SandboxFixture sandbox)
{
    private const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    [Fact]
    public void EnsureTmpfs_mounts_a_capped_tmpfs_with_the_mode_once_and_then_leaves_it_alone()
    {
        string path = Path.Combine(sandbox.NewDirectory(), "scratch");
        string marker = Path.Combine(path, "marker");
        try
        {
            SafeFiles.EnsureTmpfs(path, 1 << 20, OwnerOnly);
            Assert.True(Native.Syscalls.IsMountPoint(path), "no tmpfs was mounted");
            Assert.Equal(OwnerOnly, File.GetUnixFileMode(path));
            File.WriteAllText(marker, "written on the first tmpfs");

            SafeFiles.EnsureTmpfs(path, 1 << 20, OwnerOnly);

            Assert.True(File.Exists(marker), "a second tmpfs was mounted over the first");
            Assert.Throws<IOException>(() => File.WriteAllBytes(Path.Combine(path, "big"), new byte[2 << 20]));
        }
        finally
        {
            SafeFiles.RemoveTree(path);
        }
    }

    /// <summary>Names a sandbox could leave behind that a string API would mangle: invalid UTF-8, a lone continuation byte.</summary>
    private static readonly byte[][] UndecodableNames = [[0xff, 0xfe, 0x00], [(byte)'a', 0x80, (byte)'b', 0x00], [0xc3, 0x00]];

    [Fact]
    public void RemoveTree_removes_names_that_are_not_valid_utf8_without_decoding_them()
    {
        string path = Path.Combine(sandbox.NewDirectory(), "left-behind");
        Directory.CreateDirectory(Path.Combine(path, "nested"));
        CreateRawNames(path);
        CreateRawNames(Path.Combine(path, "nested"));

        SafeFiles.RemoveTree(path);

        Assert.False(Path.Exists(path));
    }

    [Fact]
    public void RemoveTree_of_a_sized_box_leaves_no_mount_behind_whatever_it_holds()
    {
        string box = SafeFiles.CreateFreshDirectory(sandbox.NewDirectory(), "box-", 1 << 20);
        Directory.CreateDirectory(Path.Combine(box, "deep", "deeper"));
        CreateRawNames(Path.Combine(box, "deep", "deeper"));
        Assert.Equal(1, MountsAt(box));

        SafeFiles.RemoveTree(box);

        Assert.False(Path.Exists(box));
        Assert.Equal(0, MountsAt(box));
    }

    private static void CreateRawNames(string directory)
    {
        int dir = Native.Syscalls.Open(directory, Tmds.Linux.LibC.O_RDONLY | Tmds.Linux.LibC.O_DIRECTORY);
        try
        {
            foreach (byte[] name in UndecodableNames)
            {
                int fd = Native.Syscalls.TryOpenAt(dir, name, Tmds.Linux.LibC.O_WRONLY | Tmds.Linux.LibC.O_CREAT | Tmds.Linux.LibC.O_EXCL, out int error);
                Assert.True(fd >= 0, $"could not create a raw name in {directory}: errno {error}");
                Native.Syscalls.Close(fd);
            }
        }
        finally
        {
            Native.Syscalls.Close(dir);
        }
        Assert.Equal(UndecodableNames.Length, Directory.GetFileSystemEntries(directory).Count(entry => !Directory.Exists(entry)));
    }

    /// <summary>How many mounts the host's mount table has at <paramref name="path"/>.</summary>
    private static int MountsAt(string path) =>
        File.ReadLines("/proc/self/mountinfo").Count(line => line.Split(' ')[4] == path);
}
