namespace Judge.Sandbox.Cgroups;

/// <summary>Picks the cgroup driver for the hierarchy this host has mounted.</summary>
public static class CgroupDriver
{
    /// <summary>
    /// A v2 driver when <paramref name="mountRoot"/> is a cgroup2 mount (it has cgroup.controllers),
    /// else a v1 driver over the v1 controllers mounted below it. A hybrid host (v1 controllers,
    /// cgroup2 at unified/ with no controllers) gets v1. Creates <paramref name="parentName"/> in
    /// every hierarchy it uses.
    /// </summary>
    /// <exception cref="CgroupException">A controller a run needs is not mounted or not available.</exception>
    public static ICgroupDriver Detect(string parentName, string mountRoot = "/sys/fs/cgroup") =>
        Detect(parentName, mountRoot, File.ReadAllText("/proc/self/mountinfo"), CgroupFileSystem.Kernel);

    internal static ICgroupDriver Detect(string parentName, string mountRoot, string mountInfo, CgroupFileSystem fs)
    {
        mountRoot = mountRoot.TrimEnd('/');
        if (fs.FileExists(Path.Combine(mountRoot, "cgroup.controllers")))
            return new CgroupV2Driver(mountRoot, parentName, fs);

        var hierarchies = V1Hierarchies(mountInfo, mountRoot);
        foreach (string controller in CgroupV1Driver.Controllers)
        {
            if (!hierarchies.ContainsKey(controller))
                throw new CgroupException(
                    $"cgroup v1 controller '{controller}' is not mounted at {mountRoot}/{controller} " +
                    $"(and {mountRoot}/cgroup.controllers, which a cgroup2 mount would have, does not exist)");
        }
        return new CgroupV1Driver(hierarchies, parentName, fs);
    }

    /// <summary>
    /// Each v1 controller's mount point directly below <paramref name="mountRoot"/>, from
    /// /proc/self/mountinfo. Co-mounted controllers map to the same mount point ("cpu" and
    /// "cpuacct" → ".../cpu,cpuacct"), so the symlinks distributions add beside it do not matter.
    /// </summary>
    internal static Dictionary<string, string> V1Hierarchies(string mountInfo, string mountRoot)
    {
        var hierarchies = new Dictionary<string, string>();
        foreach (string line in mountInfo.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS [OPTIONAL...] - FSTYPE SOURCE SUPEROPTIONS"
            string[] fields = line.Split(' ');
            int separator = Array.IndexOf(fields, "-");
            if (separator < 0 || fields.Length < separator + 4 || fields[separator + 1] != "cgroup")
                continue;
            string mountPoint = fields[4];
            if (Path.GetDirectoryName(mountPoint) != mountRoot)
                continue;
            foreach (string option in fields[separator + 3].Split(','))
            {
                if (CgroupV1Driver.Controllers.Contains(option))
                    hierarchies.TryAdd(option, mountPoint);
            }
        }
        return hierarchies;
    }
}
