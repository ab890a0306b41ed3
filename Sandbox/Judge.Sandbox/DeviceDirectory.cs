using Judge.Sandbox.Native;

namespace Judge.Sandbox;

/// <summary>
/// The <c>/dev</c> every sandbox sees, made once per state directory instead of once per run: a small
/// tmpfs of its own holding the character devices null, zero, full, random and urandom (with the host's
/// device numbers) and the fd, stdin, stdout and stderr links into <c>/proc/self</c>. A run binds it
/// read-only at <c>/dev</c>: one mount where building it took sixteen steps. It is a tmpfs of its own
/// because device nodes only work on a mount without nodev, which <c>/run</c> usually is. Only host
/// root can change it.
/// </summary>
internal static class DeviceDirectory
{
    public static readonly IReadOnlyList<string> Devices = ["null", "zero", "full", "random", "urandom"];

    private static readonly (string Name, string Target)[] Links =
        [("fd", "/proc/self/fd"), ("stdin", "/proc/self/fd/0"), ("stdout", "/proc/self/fd/1"), ("stderr", "/proc/self/fd/2")];

    /// <summary>Makes <paramref name="path"/> the device directory unless it already is one. Safe to call from several
    /// processes at once.</summary>
    public static void Prepare(string path)
    {
        Directory.CreateDirectory(path);
        using var _ = Syscalls.LockFile(path + ".lock");
        if (IsComplete(path))
            return;
        // Half made by a process that died, or never made: start again on a fresh tmpfs.
        while (Syscalls.TryDetach(path) == 0)
        {
        }
        Syscalls.MountTmpfs("judge-dev", path, "size=64k,nr_inodes=64,mode=0755", allowDevices: true);
        foreach (string device in Devices)
        {
            string node = Path.Combine(path, device);
            Syscalls.MakeCharacterDevice(node, Syscalls.DeviceNumberOf("/dev/" + device));
            File.SetUnixFileMode(node, (UnixFileMode)0b110_110_110); // mknod's mode went through the umask
        }
        foreach (var (name, target) in Links)
            File.CreateSymbolicLink(Path.Combine(path, name), target);
    }

    /// <summary>A mount of its own, with every device (as the host's) and every link in it.</summary>
    private static bool IsComplete(string path) =>
        Syscalls.IsMountPoint(path)
        && Devices.All(d => Syscalls.TryDeviceNumberOf(Path.Combine(path, d)) is { } number && number == Syscalls.DeviceNumberOf("/dev/" + d))
        && Links.All(l => new FileInfo(Path.Combine(path, l.Name)).LinkTarget == l.Target);
}
