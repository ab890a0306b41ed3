using Judge.Sandbox.Native;

namespace Judge.Sandbox;

internal static class BlockDevices
{
    /// <summary>
    /// The whole disk holding <paramref name="path"/>, or null when it is on a virtual filesystem
    /// (tmpfs, overlay): I/O throttling applies to disks, not partitions, so a partition is mapped to
    /// its parent through sysfs.
    /// </summary>
    public static (uint Major, uint Minor)? WholeDiskBehind(string path)
    {
        (uint major, uint minor) = Syscalls.DeviceOf(path);
        if (major == 0)
            return null;
        string sys = $"/sys/dev/block/{major}:{minor}";
        if (!File.Exists(Path.Combine(sys, "partition")))
            return (major, minor);
        string parent = File.ReadAllText(Path.Combine(sys, "..", "dev")).Trim();
        string[] parts = parent.Split(':');
        return (uint.Parse(parts[0]), uint.Parse(parts[1]));
    }
}
