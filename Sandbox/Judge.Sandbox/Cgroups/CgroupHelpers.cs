using System.Diagnostics;
using System.Globalization;
using Tmds.Linux;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox.Cgroups;

/// <summary>Parsing of the kernel's cgroup file formats.</summary>
internal static class CgroupText
{
    /// <summary>The value of the line "<paramref name="key"/> N" in a flat-keyed file (cpu.stat, memory.events, ...); null when absent.</summary>
    public static long? Field(string? text, string key)
    {
        if (text is null)
            return null;
        foreach (var line in text.AsSpan().EnumerateLines())
        {
            if (line.Length > key.Length && line.StartsWith(key, StringComparison.Ordinal) && line[key.Length] == ' ')
                return long.Parse(line[(key.Length + 1)..].Trim(), NumberStyles.None, CultureInfo.InvariantCulture);
        }
        return null;
    }

    /// <summary>A file holding one number ("12345\n"); null when the file is absent.</summary>
    public static long? Number(string? text) =>
        text is null ? null : long.Parse(text.AsSpan().Trim(), NumberStyles.None, CultureInfo.InvariantCulture);

    /// <summary>The pids in a cgroup.procs file, one per line.</summary>
    public static List<int> Pids(string? procs)
    {
        var pids = new List<int>();
        if (procs is null)
            return pids;
        foreach (var line in procs.AsSpan().EnumerateLines())
        {
            if (!line.IsEmpty)
                pids.Add(int.Parse(line, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        return pids;
    }

    /// <summary>The space-separated names in cgroup.controllers or cgroup.subtree_control.</summary>
    public static HashSet<string> Words(string? text) =>
        text is null ? [] : [.. text.Split((char[])[' ', '\n'], StringSplitOptions.RemoveEmptyEntries)];

    /// <summary>Checks that a cgroup name is one or more plain path segments below a hierarchy root.</summary>
    public static void ValidateName(string name, string paramName, bool allowNested)
    {
        string[] segments = name.Split('/');
        if (name.Length == 0 || (!allowNested && segments.Length > 1)
            || segments.Any(s => s is "" or "." or ".." || s.Contains('\0')))
            throw new ArgumentException($"'{name}' is not a valid cgroup name (plain directory name{(allowNested ? "s separated by '/'" : "")}, no '.' or '..').", paramName);
    }
}

internal static class CgroupProcesses
{
    /// <summary>
    /// How long a kill may take to empty a cgroup, and rmdir may stay EBUSY, before we give up.
    /// Dying processes usually leave within a millisecond; this bound only matters when something is wrong.
    /// </summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(2);

    public static void Kill(IEnumerable<int> pids)
    {
        // ESRCH (already gone) is the only expected failure; we are root, so EPERM cannot happen.
        foreach (int pid in pids)
            kill(pid, SIGKILL);
    }

    /// <summary>Polls <paramref name="done"/> until it holds or <paramref name="timeout"/> passes.
    /// Cgroup state changes take microseconds to milliseconds, so a short poll beats setting up inotify.</summary>
    public static bool WaitUntil(Func<bool> done, TimeSpan timeout)
    {
        long start = Stopwatch.GetTimestamp();
        for (int attempt = 0; ; attempt++)
        {
            if (done())
                return true;
            if (Stopwatch.GetElapsedTime(start) > timeout)
                return false;
            if (attempt < 20)
                Thread.Yield();
            else
                Thread.Sleep(1);
        }
    }

    /// <summary>rmdir for cleaning up after another failure, which is the error worth reporting; a
    /// directory left behind is removed by the next <see cref="ICgroupDriver.RemoveStaleRuns"/>.</summary>
    public static void TryRemoveDirectory(CgroupFileSystem fs, string path)
    {
        try
        {
            fs.RemoveDirectory(path);
        }
        catch (CgroupException)
        {
        }
    }

    /// <summary>rmdir, retried while the kernel still reports the cgroup busy (its last task is still exiting).</summary>
    public static void RemoveDirectory(CgroupFileSystem fs, string path, TimeSpan timeout)
    {
        CgroupException? busy = null;
        bool removed = WaitUntil(() =>
        {
            try
            {
                fs.RemoveDirectory(path);
                return true;
            }
            catch (CgroupException e) when (e.Errno == EBUSY)
            {
                busy = e;
                return false;
            }
        }, timeout);
        if (!removed)
            throw new CgroupException($"{busy!.Message}; still busy after {timeout.TotalSeconds:0.#} s", EBUSY);
    }
}
