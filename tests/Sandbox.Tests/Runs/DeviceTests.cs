namespace Judge.Sandbox.Tests.Runs;

[Collection(SandboxCollection.Name)]
public sealed class DeviceTests(SandboxFixture sandbox)
{
    [Fact]
    public void Dev_holds_five_working_devices_and_the_fd_links_and_nothing_can_be_added()
    {
        string stdout = Path.Combine(sandbox.NewDirectory(), "stdout");

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/bin/sh", "-c", """
                echo /dev/*
                echo discarded > /dev/null && echo null works
                echo "urandom gives $(head -c 5 /dev/urandom | wc -c) bytes, zero $(head -c 3 /dev/zero | wc -c)"
                (echo x > /dev/full) 2>/dev/null || echo full is full
                (: > /dev/sda) 2>/dev/null || echo cannot add
                """],
            With = ["/usr/bin/head", "/usr/bin/wc"],
            StdoutPath = stdout,
            StderrPath = stdout,
        });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("""
            /dev/fd /dev/full /dev/null /dev/random /dev/stderr /dev/stdin /dev/stdout /dev/urandom /dev/zero
            null works
            urandom gives 5 bytes, zero 3
            full is full
            cannot add

            """, File.ReadAllText(stdout));
    }

    [Fact]
    public void The_device_directory_is_made_once_and_a_half_made_one_is_made_again()
    {
        string path = Path.Combine(sandbox.NewDirectory(), "dev");
        try
        {
            DeviceDirectory.Prepare(path);
            File.WriteAllText(Path.Combine(path, "marker"), "kept while complete");
            DeviceDirectory.Prepare(path);
            Assert.True(File.Exists(Path.Combine(path, "marker")), "a complete device directory was made again");

            File.Delete(Path.Combine(path, "zero"));
            DeviceDirectory.Prepare(path);

            Assert.False(File.Exists(Path.Combine(path, "marker")), "a half-made device directory was kept");
            Assert.All(DeviceDirectory.Devices, d => Assert.NotNull(Native.Syscalls.TryDeviceNumberOf(Path.Combine(path, d))));
        }
        finally
        {
            SafeFiles.RemoveTree(path);
        }
    }
}
