using System.Runtime.InteropServices;

namespace Judge.Sandbox;

/// <summary>One thing the sandbox needs (or can use) from the host, whether it is there, and how to get it if not.</summary>
/// <param name="Required">False for features the sandbox works without (it then does a little less, or does it more slowly).</param>
public sealed record HostCheckItem(string Name, bool Ok, string Detail, string? Fix, bool Required = true);

/// <summary>
/// Reads what this host offers the sandbox: kernel, user namespaces, cgroups, seccomp. Only reads
/// /proc and /sys; it creates nothing, so the worker can log it at start-up and
/// <c>judge-sandbox check</c> can print it.
/// </summary>
public static class HostCheck
{
    public static IReadOnlyList<HostCheckItem> Run() => Run(new HostFiles("/"));

    /// <summary>Reads the host's files under <paramref name="files"/> (a fake tree in tests).</summary>
    internal static IReadOnlyList<HostCheckItem> Run(HostFiles files)
    {
        var kernel = KernelVersion(files);
        var items = new List<HostCheckItem>
        {
            new("kernel", kernel is not null, files.Read("proc/sys/kernel/osrelease") ?? "unknown",
                kernel is null ? "could not read /proc/sys/kernel/osrelease: is /proc mounted?" : null),
            RunningAsRoot(),
        };
        items.AddRange(UserNamespaces(files));
        items.AddRange(Cgroups(files));
        items.Add(new("cgroup namespace", files.Exists("proc/self/ns/cgroup"), "/proc/self/ns/cgroup",
            "kernel 4.6+ with CONFIG_CGROUPS; without it the program sees the host's cgroup paths", Required: false));
        items.Add(Seccomp(files));
        items.Add(KernelFeature(kernel, "pidfd_open", new Version(5, 3), "waiting on the child without races on pid reuse"));
        items.Add(KernelFeature(kernel, "close_range", new Version(5, 9), "closing inherited fds in one call"));
        items.Add(NativeHelper());
        items.Add(SeccompLibrary());
        return items;
    }

    static HostCheckItem RunningAsRoot()
    {
        var root = Environment.IsPrivilegedProcess;
        return new("running as root", root, root ? "euid 0" : "not euid 0",
            root ? null : "run as root: the sandbox maps host uid ranges and writes cgroup limits");
    }

    static IEnumerable<HostCheckItem> UserNamespaces(HostFiles files)
    {
        var max = files.ReadLong("proc/sys/user/max_user_namespaces");
        yield return new("user namespaces", max > 0, $"user.max_user_namespaces = {max?.ToString() ?? "missing"}",
            max is null ? "kernel built without CONFIG_USER_NS: use a kernel with user namespaces"
            : max > 0 ? null : "sysctl -w user.max_user_namespaces=15000");

        // These two only restrict processes without CAP_SYS_ADMIN; as root they do not matter.
        var root = Environment.IsPrivilegedProcess;
        if (files.ReadLong("proc/sys/kernel/unprivileged_userns_clone") is { } clone)
            yield return new("unprivileged user namespaces", clone == 1, $"kernel.unprivileged_userns_clone = {clone}",
                clone == 1 ? null : "sysctl -w kernel.unprivileged_userns_clone=1 (only needed when not running as root)", Required: !root);
        if (files.ReadLong("proc/sys/kernel/apparmor_restrict_unprivileged_userns") is { } apparmor)
            yield return new("AppArmor user namespace restriction", apparmor == 0, $"kernel.apparmor_restrict_unprivileged_userns = {apparmor}",
                apparmor == 0 ? null : "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile allowing userns (only needed when not running as root)", Required: !root);
    }

    static IEnumerable<HostCheckItem> Cgroups(HostFiles files)
    {
        var mounts = CgroupMounts(files);
        var v1 = mounts.Where(m => m.Type == "cgroup").ToList();
        var v2 = mounts.FirstOrDefault(m => m.Type == "cgroup2");

        // A hybrid host mounts v1 controllers and an empty cgroup2 tree beside them: the
        // controllers are on v1, so v1 is what the sandbox must use.
        if (v1.Any(m => m.Options.Contains("memory")))
        {
            var detail = v2 is null ? "v1" : $"v1 (hybrid: cgroup2 at {v2.MountPoint} is not used)";
            yield return new("cgroup version", true, detail, null);
            foreach (var item in V1Controllers(files, v1))
                yield return item;
        }
        else if (v2 is not null)
        {
            yield return new("cgroup version", true, $"v2 at {v2.MountPoint}", null);
            foreach (var item in V2Controllers(files, v2.MountPoint))
                yield return item;
        }
        else
        {
            yield return new("cgroup version", false, "no cgroup filesystem mounted",
                "mount cgroup2 at /sys/fs/cgroup (mount -t cgroup2 none /sys/fs/cgroup)");
        }
        if (mounts.Count > 0)
            yield return FavorDynamicModifications(mounts);
    }

    /// <summary>
    /// Moving a task into a cgroup write-locks a kernel-wide lock that, by default, waits for an RCU
    /// grace period: measured here at 2-9 ms per run on a busy host, more than all the rest of a
    /// sandbox. The favordynmods mount option (kernel 6.0+, on any one hierarchy) makes it cheap.
    /// </summary>
    static HostCheckItem FavorDynamicModifications(List<CgroupMount> mounts)
    {
        bool on = mounts.Any(m => m.Options.Contains("favordynmods"));
        string target = mounts.FirstOrDefault(m => m.Type == "cgroup2")?.MountPoint ?? mounts[0].MountPoint;
        return new("cgroup favordynmods", on,
            on ? "on: moving a run into its cgroup is fast" : "off: moving each run into its cgroup waits for an RCU grace period (milliseconds)",
            on ? null : $"mount -o remount,favordynmods {target} (kernel 6.0+; makes fork/exit slightly slower host-wide)", Required: false);
    }

    static IEnumerable<HostCheckItem> V1Controllers(HostFiles files, List<CgroupMount> v1)
    {
        (string Name, bool Required, string Use)[] controllers =
        [
            ("memory", true, "memory limit and peak"),
            ("cpuacct", true, "CPU time of the process tree"),
            ("pids", true, "process limit"),
            ("freezer", true, "killing the whole tree without races"),
            ("cpu", false, "CPU quota in cores"),
            ("blkio", false, "I/O bandwidth limits"),
        ];
        string? memoryMount = null;
        foreach (var (name, required, use) in controllers)
        {
            var mount = v1.FirstOrDefault(m => m.Options.Contains(name));
            if (name == "memory")
                memoryMount = mount?.MountPoint;
            yield return new($"cgroup v1 {name} controller", mount is not null,
                mount is null ? $"not mounted ({use})" : $"at {mount.MountPoint} ({use})",
                mount is null ? $"mkdir -p /sys/fs/cgroup/{name} && mount -t cgroup -o {name} cgroup /sys/fs/cgroup/{name}" : null,
                required);
        }

        if (memoryMount is not null)
        {
            var memsw = files.Exists(Path.Join(memoryMount, "memory.memsw.limit_in_bytes").TrimStart('/'));
            yield return new("cgroup v1 swap accounting", memsw,
                memsw ? "memory.memsw.* present: swap is limited too" : "memory.memsw.* missing: a run could use swap beyond its limit",
                memsw ? null : "boot with swapaccount=1, or run the host without swap", Required: false);
        }
    }

    static IEnumerable<HostCheckItem> V2Controllers(HostFiles files, string mountPoint)
    {
        var root = mountPoint.TrimStart('/');
        var available = (files.Read(Path.Join(root, "cgroup.controllers")) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var enabled = (files.Read(Path.Join(root, "cgroup.subtree_control")) ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        (string Name, bool Required, string Use)[] controllers =
        [
            ("memory", true, "memory limit and peak"),
            ("pids", true, "process limit"),
            ("cpu", false, "CPU quota in cores"),
            ("io", false, "I/O bandwidth limits"),
        ];
        foreach (var (name, required, use) in controllers)
        {
            var ok = available.Contains(name) && enabled.Contains(name);
            var detail = !available.Contains(name) ? $"not available ({use})"
                : !enabled.Contains(name) ? $"available but not enabled in the root's cgroup.subtree_control ({use})"
                : $"enabled ({use})";
            var fix = !available.Contains(name) ? $"use a kernel with the {name} controller, not claimed by a v1 hierarchy"
                : !enabled.Contains(name) ? $"echo +{name} > {mountPoint}/cgroup.subtree_control"
                : null;
            yield return new($"cgroup v2 {name} controller", ok, detail, ok ? null : fix, required);
        }

        // The root cgroup has no cgroup.kill file of its own, so ask the kernel version instead.
        yield return KernelFeature(KernelVersion(files), "cgroup v2 cgroup.kill", new Version(5, 14), "kills a whole tree in one write; else freeze and kill");
    }

    static HostCheckItem Seccomp(HostFiles files)
    {
        var actions = files.Read("proc/sys/kernel/seccomp/actions_avail");
        if (actions is not null)
            return new("seccomp", true, $"filter actions: {actions}", null);
        var statusLine = (files.Read("proc/self/status") ?? "").Split('\n').FirstOrDefault(l => l.StartsWith("Seccomp:", StringComparison.Ordinal));
        return statusLine is not null
            ? new("seccomp", true, "supported (/proc/self/status has a Seccomp line)", null)
            : new("seccomp", false, "not supported by this kernel", "use a kernel built with CONFIG_SECCOMP and CONFIG_SECCOMP_FILTER");
    }

    static HostCheckItem KernelFeature(Version? kernel, string name, Version since, string use)
    {
        var ok = kernel is not null && kernel >= since;
        return new(name, ok, $"kernel {since.Major}.{since.Minor}+ ({use})", ok ? null : $"upgrade the kernel to {since.Major}.{since.Minor} or later", Required: false);
    }

    static HostCheckItem NativeHelper()
    {
        var path = Path.Combine(AppContext.BaseDirectory, "libjudgespawn.so");
        var ok = File.Exists(path);
        return new("native helper", ok, ok ? path : $"{path} is missing",
            ok ? null : "rebuild with dotnet build (it compiles Native/spawn.c with the system C compiler; not needed at run time)");
    }

    /// <summary>libseccomp builds the filter (Seccomp/LibSeccomp.cs); without it no run can start.</summary>
    static HostCheckItem SeccompLibrary()
    {
        var ok = NativeLibrary.TryLoad("libseccomp.so.2", out var handle);
        if (ok)
            NativeLibrary.Free(handle);
        return new("libseccomp", ok, ok ? "libseccomp.so.2 loads" : "libseccomp.so.2 cannot be loaded",
            ok ? null : "install libseccomp2 (apt-get install libseccomp2)");
    }

    /// <summary>"6.18.44-fc-v669" → 6.18.44.</summary>
    static Version? KernelVersion(HostFiles files)
    {
        var release = files.Read("proc/sys/kernel/osrelease");
        if (release is null)
            return null;
        var numeric = new string(release.TakeWhile(c => char.IsAsciiDigit(c) || c == '.').ToArray());
        var parts = numeric.Split('.', StringSplitOptions.RemoveEmptyEntries).Take(3).ToArray();
        return parts.Length >= 2 && Version.TryParse(string.Join('.', parts), out var version) ? version : null;
    }

    sealed record CgroupMount(string Type, string MountPoint, string[] Options);

    static List<CgroupMount> CgroupMounts(HostFiles files)
    {
        // "cgroup /sys/fs/cgroup/memory cgroup rw,relatime,memory 0 0"
        var mounts = new List<CgroupMount>();
        foreach (var line in (files.Read("proc/self/mounts") ?? "").Split('\n'))
        {
            var fields = line.Split(' ');
            if (fields.Length >= 4 && fields[2] is "cgroup" or "cgroup2")
                mounts.Add(new(fields[2], fields[1], fields[3].Split(',')));
        }
        return mounts;
    }
}

/// <summary>Read access to the host's /proc and /sys, rooted somewhere so tests can lay out a fake host.</summary>
internal sealed class HostFiles(string root)
{
    public string? Read(string relativePath)
    {
        try
        {
            return File.ReadAllText(Path.Combine(root, relativePath)).Trim();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    public long? ReadLong(string relativePath) => long.TryParse(Read(relativePath), out var value) ? value : null;

    public bool Exists(string relativePath)
    {
        var path = Path.Combine(root, relativePath);
        return File.Exists(path) || Directory.Exists(path) || new FileInfo(path).LinkTarget is not null;
    }
}
