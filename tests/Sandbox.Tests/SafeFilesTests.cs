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
}
