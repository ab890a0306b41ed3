using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Judge.Faults.Tests.Stack;

/// <summary>
/// What a worker could leave on the host: mounts below its directories, sandbox cgroups below its cgroup parent,
/// and processes still in them. Read from the kernel (<c>/proc/self/mountinfo</c>, the cgroup file systems).
/// </summary>
public static partial class Leftovers
{
    private const string CgroupMount = "/sys/fs/cgroup";

    /// <summary>Mount points strictly below <paramref name="directory"/>, deepest first.</summary>
    public static IReadOnlyList<string> MountsBelow(string directory)
    {
        var prefix = directory.TrimEnd('/') + "/";
        return File.ReadAllLines("/proc/self/mountinfo")
            .Select(line => Unescape(line.Split(' ')[4]))
            .Where(point => point.StartsWith(prefix, StringComparison.Ordinal))
            .OrderByDescending(point => point.Length)
            .ToList();
    }

    /// <summary>The directories of a cgroup parent: one per v1 hierarchy, or the one of v2.</summary>
    public static IReadOnlyList<string> CgroupDirectories(string parentName) =>
        new[] { CgroupMount }.Concat(Directory.GetDirectories(CgroupMount))
            .Select(root => Path.Combine(root, parentName))
            .Where(Directory.Exists)
            .ToList();

    /// <summary>Cgroups below the parent (a run's own cgroup is a child of it).</summary>
    public static IReadOnlyList<string> CgroupsBelow(string parentName) =>
        CgroupDirectories(parentName).SelectMany(dir => Directory.GetDirectories(dir, "*", SearchOption.AllDirectories)).ToList();

    /// <summary>Processes in the parent or any cgroup below it.</summary>
    public static IReadOnlyList<int> ProcessesIn(string parentName) =>
        CgroupDirectories(parentName)
            .SelectMany(dir => Directory.GetDirectories(dir, "*", SearchOption.AllDirectories).Append(dir))
            .Select(dir => Path.Combine(dir, "cgroup.procs"))
            .Where(File.Exists)
            .SelectMany(File.ReadAllLines)
            .Where(line => line.Length > 0)
            .Select(int.Parse)
            .Distinct()
            .ToList();

    /// <summary>
    /// A description of everything a worker left, empty when nothing is: mounts of its submissions, cgroups of its runs,
    /// processes in them. Its volumes' mounts are below its owner directory in the sandbox's state directory
    /// (<c>volumes/owner-PID-*</c>, by default under /run/judge-sandbox); nothing should be mounted below its own
    /// <paramref name="directory"/> either.
    /// </summary>
    public static string Describe(FaultWorker worker, string sandboxStateDirectory = "/run/judge-sandbox")
    {
        var (directory, cgroupParent) = (worker.Directory, worker.CgroupParent);
        var found = new List<string>();
        found.AddRange(MountsBelow(directory).Where(m => Path.GetDirectoryName(m) != directory.TrimEnd('/')).Select(m => $"mount {m}"));
        found.AddRange(MountsBelow(Path.Combine(sandboxStateDirectory, "volumes"))
            .Where(m => m.Contains($"/owner-{worker.Pid}-", StringComparison.Ordinal)).Select(m => $"mount {m}"));
        found.AddRange(CgroupsBelow(cgroupParent).Select(c => $"cgroup {c}"));
        found.AddRange(ProcessesIn(cgroupParent).Select(p => $"process {p} ({Command(p)})"));
        return string.Join("\n", found);
    }

    /// <summary>Test clean-up: kills what is left in the cgroups, detaches every mount at or below the directory,
    /// removes it, and removes the cgroups.</summary>
    public static void Remove(string directory, string cgroupParent)
    {
        foreach (var pid in ProcessesIn(cgroupParent))
            Signals.TrySend(pid, Signals.SIGKILL);
        foreach (var point in MountsBelow(directory).Append(directory.TrimEnd('/')).Where(IsMountPoint))
            umount2(point, MntDetach);
        if (Directory.Exists(directory))
            Directory.Delete(directory, recursive: true);
        foreach (var parent in CgroupDirectories(cgroupParent))
        {
            // Deepest first; a cgroup is removed with rmdir, its files go with it.
            foreach (var dir in Directory.GetDirectories(parent, "*", SearchOption.AllDirectories).OrderByDescending(d => d.Length).Append(parent))
            {
                for (var attempt = 0; attempt < 50 && Directory.Exists(dir); attempt++)
                {
                    try
                    {
                        Directory.Delete(dir);
                    }
                    catch (IOException)
                    {
                        Thread.Sleep(20); // killed processes take a moment to leave
                    }
                }
            }
        }
    }

    private static bool IsMountPoint(string path) =>
        File.ReadAllLines("/proc/self/mountinfo").Any(line => Unescape(line.Split(' ')[4]) == path);

    private static string Command(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "gone";
        }
    }

    // mountinfo writes space, tab, newline and backslash in octal.
    private static string Unescape(string field) =>
        OctalEscape().Replace(field, m => ((char)Convert.ToInt32(m.Groups[1].Value, 8)).ToString());

    [GeneratedRegex(@"\\([0-7]{3})")]
    private static partial Regex OctalEscape();

    private const int MntDetach = 2;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);
}
