using Judge.Sandbox.Cgroups;

namespace Judge.Sandbox.Tests.Cgroups;

/// <summary>
/// A temp directory laid out like the root of a cgroup2 mount, with the file names and formats of
/// the kernel's cgroup-v2 documentation. <see cref="CgroupFileSystem"/> is overridden only where a
/// directory cannot act like the kernel: mkdir fills in a new cgroup's files, rmdir removes them,
/// subtree_control writes are checked and merged, and cgroup.kill empties the cgroup.
/// </summary>
internal sealed class FakeCgroupV2 : CgroupFileSystem, IDisposable
{
    // The order the kernel lists controllers in.
    private static readonly string[] KernelOrder = ["cpuset", "cpu", "io", "memory", "hugetlb", "pids", "rdma", "misc"];

    public FakeCgroupV2(string rootControllers = "cpuset cpu io memory hugetlb pids rdma misc", bool hasMemoryPeak = true)
    {
        HasMemoryPeak = hasMemoryPeak;
        Root = Directory.CreateTempSubdirectory("fake-cgroup2-").FullName;
        Put(Root, "cgroup.controllers", rootControllers + "\n");
        Put(Root, "cgroup.subtree_control", "\n");
        Put(Root, "cgroup.procs", "1\n");
        Put(Root, "cgroup.threads", "1\n");
        Put(Root, "cgroup.max.depth", "max\n");
        Put(Root, "cpu.stat", "usage_usec 987654321\nuser_usec 600000000\nsystem_usec 387654321\n");
    }

    public string Root { get; }

    /// <summary>False: a kernel before 5.19, which has no memory.peak.</summary>
    public bool HasMemoryPeak { get; }

    public List<string> Writes { get; } = [];

    /// <summary>False: cgroup.kill is accepted but the processes never leave, as if stuck in the kernel.</summary>
    public bool KillEmptiesCgroup { get; set; } = true;

    public override void CreateDirectory(string path)
    {
        base.CreateDirectory(path);
        var controllers = CgroupText.Words(File.ReadAllText(Path.Combine(Path.GetDirectoryName(path)!, "cgroup.subtree_control")));
        Put(path, "cgroup.controllers", string.Join(' ', KernelOrder.Where(controllers.Contains)) + "\n");
        Put(path, "cgroup.subtree_control", "\n");
        Put(path, "cgroup.type", "domain\n");
        Put(path, "cgroup.procs", "");
        Put(path, "cgroup.threads", "");
        Put(path, "cgroup.events", "populated 0\nfrozen 0\n");
        Put(path, "cgroup.freeze", "0\n");
        Put(path, "cgroup.kill", "");
        Put(path, "cpu.stat", "usage_usec 0\nuser_usec 0\nsystem_usec 0\n");
        if (controllers.Contains("memory"))
        {
            Put(path, "memory.current", "0\n");
            Put(path, "memory.min", "0\n");
            Put(path, "memory.low", "0\n");
            Put(path, "memory.high", "max\n");
            Put(path, "memory.max", "max\n");
            Put(path, "memory.swap.current", "0\n");
            Put(path, "memory.swap.max", "max\n");
            Put(path, "memory.events", "low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\noom_group_kill 0\n");
            if (HasMemoryPeak)
                Put(path, "memory.peak", "0\n");
        }
        if (controllers.Contains("cpu"))
        {
            Put(path, "cpu.max", "max 100000\n");
            Put(path, "cpu.weight", "100\n");
        }
        if (controllers.Contains("pids"))
        {
            Put(path, "pids.max", "max\n");
            Put(path, "pids.current", "0\n");
            Put(path, "pids.peak", "0\n");
        }
        if (controllers.Contains("io"))
        {
            Put(path, "io.max", "");
            Put(path, "io.stat", "");
        }
    }

    public override void RemoveDirectory(string path)
    {
        if (!Directory.Exists(path))
            return;
        if (CgroupText.Field(File.ReadAllText(Path.Combine(path, "cgroup.events")), "populated") == 1)
            throw new CgroupException($"rmdir {path}: EBUSY (fake)", 16);
        foreach (string file in Directory.EnumerateFiles(path))
            File.Delete(file);
        base.RemoveDirectory(path);
    }

    public override void Write(string path, string text)
    {
        Writes.Add($"{Path.GetRelativePath(Root, path)} {text}");
        switch (Path.GetFileName(path))
        {
            case "cgroup.subtree_control":
                WriteSubtreeControl(path, text);
                break;
            case "cgroup.kill" when text == "1" && KillEmptiesCgroup:
                string dir = Path.GetDirectoryName(path)!;
                File.WriteAllText(Path.Combine(dir, "cgroup.procs"), "");
                File.WriteAllText(Path.Combine(dir, "cgroup.events"), "populated 0\nfrozen 0\n");
                break;
            case "cgroup.kill":
                break;
            default:
                base.Write(path, text);
                break;
        }
    }

    /// <summary>Puts a process in a cgroup, as a crashed run would have left it.</summary>
    public void AddProcess(string cgroup, int pid)
    {
        File.AppendAllText(Path.Combine(cgroup, "cgroup.procs"), $"{pid}\n");
        File.WriteAllText(Path.Combine(cgroup, "cgroup.events"), "populated 1\nfrozen 0\n");
    }

    public void Put(string dir, string file, string content) => File.WriteAllText(Path.Combine(dir, file), content);

    public string Get(string dir, string file) => File.ReadAllText(Path.Combine(dir, file));

    public void Dispose() => Directory.Delete(Root, recursive: true);

    // Like the kernel: every "+name"/"-name" must be in this cgroup's cgroup.controllers (else
    // ENOENT), and reading back lists the enabled ones in the kernel's order.
    private void WriteSubtreeControl(string path, string text)
    {
        string dir = Path.GetDirectoryName(path)!;
        var available = CgroupText.Words(File.ReadAllText(Path.Combine(dir, "cgroup.controllers")));
        var enabled = CgroupText.Words(File.ReadAllText(path));
        foreach (string token in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            string name = token[1..];
            if (!available.Contains(name))
                throw new CgroupException($"write \"{text}\" to {path}: ENOENT (fake)", 2);
            if (token[0] == '+')
                enabled.Add(name);
            else
                enabled.Remove(name);
        }
        File.WriteAllText(path, string.Join(' ', KernelOrder.Where(enabled.Contains)) + "\n");
    }
}
