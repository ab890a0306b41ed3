using Judge.Sandbox.Native;
using Kind = Judge.Sandbox.Native.NativeSpawn.MountKind;

namespace Judge.Sandbox;

/// <summary>
/// The child's filesystem, as an ordered list of steps the C side carries out inside the new mount
/// namespace before pivot_root. Targets are host paths under the staging root; <see cref="Step.Shown"/>
/// is the same path as the sandbox will see it, for error messages.
/// </summary>
internal sealed class MountPlan(string stagingRoot)
{
    // <sys/mount.h>
    private const ulong MsRdonly = 1, MsNosuid = 2, MsNodev = 4, MsNoexec = 8, MsRemount = 32, MsBind = 4096, MsRec = 16384;

    public sealed record Step(Kind Kind, string Target, string Shown, string? Source = null, string? FsType = null,
        string? Data = null, ulong Flags = 0, int Mode = 0);

    private readonly List<Step> _steps = [];
    private readonly HashSet<string> _directories = ["/"];

    public string StagingRoot { get; } = stagingRoot;
    public IReadOnlyList<Step> Steps => _steps;

    /// <summary>The whole plan for one run: read-only image, /proc, /dev, /tmp, /box, binds, then the root itself read-only.</summary>
    /// <param name="workDir">The host directory shown at /box; null: a fresh tmpfs of <see cref="SandboxLimits.BoxBytes"/>,
    /// owned by <paramref name="boxOwner"/> (an id inside the sandbox).</param>
    /// <param name="devicesDirectory">The host's prepared /dev (see <see cref="DeviceDirectory"/>).</param>
    public static MountPlan For(SandboxSpec spec, string stagingRoot, string imageDirectory, IReadOnlyList<ImageEntry> imageEntries,
        string? workDir, uint boxOwner, string devicesDirectory)
    {
        var plan = new MountPlan(stagingRoot);
        plan.Add(new Step(Kind.Mount, stagingRoot, "/", "judge-root", "tmpfs", "size=1m,nr_inodes=4096,mode=0755", MsNosuid | MsNodev));
        foreach (ImageEntry entry in imageEntries)
        {
            // The sandbox's own /proc, /dev, /tmp and /box replace an image's; /sys is never shown.
            if (entry.Name is not ("proc" or "dev" or "tmp" or "box" or "sys"))
                plan.AddImageEntry(imageDirectory, entry);
        }
        plan.AddProc();
        plan.AddDev(devicesDirectory);
        plan.AddTmp(spec.Limits.TmpBytes);
        if (workDir is null)
            plan.AddFreshBox(spec.Limits.BoxBytes, boxOwner);
        else
            plan.AddBind(workDir, "/box", writable: true, isDirectory: true);
        foreach (BindMount bind in spec.Binds)
            plan.AddBind(bind.Source, bind.Target, bind.Writable, Directory.Exists(bind.Source));
        plan.Add(new Step(Kind.Remount, stagingRoot, "/", Flags: MsRemount | MsRdonly | MsNosuid | MsNodev));
        return plan;
    }

    private void AddImageEntry(string imageDirectory, ImageEntry entry)
    {
        string shown = "/" + entry.Name;
        if (entry.SymlinkTarget is not null)
        {
            Add(new Step(Kind.Symlink, HostPath(shown), shown, Source: entry.SymlinkTarget));
            return;
        }
        AddBind(Path.Combine(imageDirectory, entry.Name), shown, writable: false, entry.IsDirectory);
    }

    private void AddProc()
    {
        MakeDirectories("/proc");
        Add(new Step(Kind.Mount, HostPath("/proc"), "/proc", "proc", "proc", Flags: MsNosuid | MsNodev | MsNoexec));
    }

    /// <summary>The prepared device directory, read-only: its devices work (no nodev), nothing can be added.</summary>
    private void AddDev(string devicesDirectory)
    {
        MakeDirectories("/dev");
        Add(new Step(Kind.Mount, HostPath("/dev"), "/dev", Source: devicesDirectory, Flags: MsBind));
        Add(new Step(Kind.Remount, HostPath("/dev"), "/dev", Flags: MsRemount | MsBind | MsRdonly | MsNosuid | MsNoexec));
    }

    private void AddTmp(long bytes)
    {
        MakeDirectories("/tmp");
        Add(new Step(Kind.Mount, HostPath("/tmp"), "/tmp", "judge-tmp", "tmpfs", TmpfsOptions(bytes) + ",mode=1777", MsNosuid | MsNodev));
    }

    /// <summary>Mounted in the sandbox's own mount namespace, so the host has nothing to create or clean up, and
    /// it is gone with the run's last process. Its uid/gid options are read in the sandbox's user namespace.</summary>
    private void AddFreshBox(long bytes, uint owner)
    {
        MakeDirectories("/box");
        Add(new Step(Kind.Mount, HostPath("/box"), "/box", "judge-box", "tmpfs", TmpfsOptions(bytes) + $",mode=0755,uid={owner},gid={owner}",
            MsNosuid | MsNodev));
    }

    /// <summary>A tmpfs capped in bytes and, in proportion, in inodes: nr_inodes caps inode exhaustion the way size caps disk fill.</summary>
    internal static string TmpfsOptions(long bytes) => $"size={bytes},nr_inodes={Math.Clamp(bytes / 4096, 64, 1 << 20)}";

    private void AddBind(string source, string shown, bool writable, bool isDirectory)
    {
        string target = HostPath(shown);
        MakeDirectories(Path.GetDirectoryName(shown)!);
        if (isDirectory)
            MakeDirectories(shown);
        else
            Add(new Step(Kind.File, target, shown, Mode: 0b110_100_100));
        Add(new Step(Kind.Mount, target, shown, Source: source, Flags: MsBind | MsRec));
        ulong flags = MsRemount | MsBind | MsNosuid | MsNodev | (writable ? 0 : MsRdonly);
        Add(new Step(Kind.Remount, target, shown, Flags: flags));
    }

    private void MakeDirectories(string shown)
    {
        if (_directories.Contains(shown))
            return;
        MakeDirectories(Path.GetDirectoryName(shown)!);
        _directories.Add(shown);
        Add(new Step(Kind.Directory, HostPath(shown), shown, Mode: 0b111_101_101));
    }

    private string HostPath(string shown) => StagingRoot + shown;

    private void Add(Step step) => _steps.Add(step);

    /// <summary>What a failed step was doing, in words: "mount /proc", "bind /usr", "mkdir /box".</summary>
    public static string Describe(Step step) => step.Kind switch
    {
        Kind.Directory => $"mkdir {step.Shown}",
        Kind.Symlink => $"symlink {step.Shown}",
        Kind.File => $"create mount point {step.Shown}",
        Kind.Mount when (step.Flags & MsBind) != 0 => $"bind {step.Source} on {step.Shown}",
        Kind.Mount => $"mount {step.FsType} on {step.Shown}",
        _ => $"remount {step.Shown}",
    };

    public NativeSpawn.MountOp[] Marshal(NativeArena arena)
    {
        var ops = new NativeSpawn.MountOp[_steps.Count];
        for (int i = 0; i < ops.Length; i++)
        {
            Step s = _steps[i];
            ops[i] = new NativeSpawn.MountOp
            {
                Kind = (int)s.Kind,
                Mode = s.Mode,
                Source = arena.String(s.Source),
                Target = arena.String(s.Target),
                FsType = arena.String(s.FsType),
                Data = arena.String(s.Data),
                Flags = s.Flags,
            };
        }
        return ops;
    }
}

/// <summary>A top-level entry of a root image: bound read-only when a file or directory, recreated when a symlink.</summary>
internal sealed record ImageEntry(string Name, bool IsDirectory, string? SymlinkTarget)
{
    public static IReadOnlyList<ImageEntry> List(string imageDirectory)
    {
        var entries = new List<ImageEntry>();
        foreach (FileSystemInfo info in new DirectoryInfo(imageDirectory).EnumerateFileSystemInfos())
        {
            if (info.LinkTarget is { } link)
                entries.Add(new ImageEntry(info.Name, false, link));
            else if (info is DirectoryInfo)
                entries.Add(new ImageEntry(info.Name, true, null));
            else if (info is FileInfo)
                entries.Add(new ImageEntry(info.Name, false, null));
        }
        return entries;
    }
}
