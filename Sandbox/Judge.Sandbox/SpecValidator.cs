using System.Text;
using static Tmds.Linux.LibC;

namespace Judge.Sandbox;

/// <summary>
/// Refuses a bad <see cref="SandboxSpec"/> before anything is created: pure checks plus cheap
/// stat calls on the host paths it names. Each refusal is one line naming the field and the reason,
/// so an operator can fix the spec without reading a stack trace or an errno from deep in setup.
/// </summary>
public static class SpecValidator
{
    public const long MinMemoryBytes = 1L << 20;
    public const long MinStackBytes = 64L << 10;
    public const long MinTmpBytes = 4L << 10;
    public const int MaxProcesses = 100_000;
    /// <summary>stdin, stdout and stderr.</summary>
    public const int MinOpenFiles = 3;
    /// <summary>The smallest quota the kernel accepts: 1 ms of CPU per 100 ms period.</summary>
    public const double MinCpuCores = 0.01;
    public static readonly TimeSpan MaxTime = TimeSpan.FromDays(1);

    /// <summary>Mount points the sandbox itself provides; a bind onto them (or, for /proc and /dev, under them) would replace or undermine them.</summary>
    static readonly string[] ProtectedTargets = ["/", "/tmp", "/box"];
    static readonly string[] ProtectedTrees = ["/proc", "/dev"];

    /// <exception cref="SandboxSpecException">The first problem found.</exception>
    public static void Validate(SandboxSpec spec)
    {
        ValidateCommand(spec);
        ValidateLimits(spec.Limits);
        ValidateFileSystem(spec);
        ValidateEnvironment(spec.Environment);
        ValidateHostname(spec.Hostname);
        ValidateStreams(spec);
    }

    static void ValidateCommand(SandboxSpec spec)
    {
        if (spec.Command.Count == 0)
            throw Refuse("Command", "is empty: give the program to run");
        for (var i = 0; i < spec.Command.Count; i++)
            RequireNoNul($"Command[{i}]", spec.Command[i]);

        var program = spec.Command[0];
        if (program.Length == 0)
            throw Refuse("Command[0]", "is empty: give the program to run");

        // With a caller-supplied root the program lives in that tree, not on the host; the
        // runner's execve reports a missing one.
        if (spec.RootfsDir is not null)
            return;
        if (spec.CommandInsideSandbox is { } inside)
        {
            // In the work dir the caller gave: a missing program is worth saying now, with the host path it was looked for at.
            if (spec.WorkDir is { } workDir && inside.StartsWith("/box/", StringComparison.Ordinal)
                && !spec.Binds.Any(b => inside.StartsWith(b.Target.TrimEnd('/') + "/", StringComparison.Ordinal)))
                RequireExecutableFile("Command[0]", Path.Combine(workDir, inside["/box/".Length..]), $"\"{program}\" is in the work dir, but ");
            return;
        }

        if (Path.IsPathRooted(program))
        {
            RequireOutsideSandboxTmp("Command[0]", program);
            RequireExecutableFile("Command[0]", program);
            return;
        }
        if (program.Contains('/'))
            throw Refuse("Command[0]", $"\"{program}\" must be an absolute path, a bare name found on PATH, or a path in the work dir "
                + "(\"/box/prog\", or \"./prog\" with the working directory in /box) when one is given");

        var searchPath = spec.Environment.GetValueOrDefault("PATH") ?? SandboxSpec.DefaultEnvironment["PATH"];
        if (FindOnPath(program, searchPath) is null)
            throw Refuse("Command[0]", $"\"{program}\" was not found on PATH ({searchPath})");
    }

    /// <summary>The first executable regular file named <paramref name="name"/> in the directories of <paramref name="searchPath"/>, like execvp.</summary>
    public static string? FindOnPath(string name, string searchPath)
    {
        foreach (var directory in searchPath.Split(':', StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Path.IsPathRooted(directory))
                continue; // a relative PATH entry would depend on the caller's cwd
            var candidate = Path.Combine(directory, name);
            if (IsExecutableFile(candidate))
                return candidate;
        }
        return null;
    }

    static void RequireTmpfsSize(string field, long bytes, long hostMemory)
    {
        if (bytes < MinTmpBytes)
            throw Refuse(field, $"{bytes} bytes is below the minimum of 4 KiB");
        if (bytes > hostMemory)
            throw Refuse(field, $"{bytes} bytes is more than this host's memory ({hostMemory} bytes)");
    }

    static void ValidateLimits(SandboxLimits limits)
    {
        if (limits.CpuTime is { } cpu)
            RequireTime("Limits.CpuTime", cpu);
        if (limits.WallTime is { } wall)
            RequireTime("Limits.WallTime", wall);

        var hostMemory = HostMemory.Value;
        if (limits.MemoryBytes is { } memory)
        {
            if (memory < MinMemoryBytes)
                throw Refuse("Limits.MemoryBytes", $"{memory} bytes is below the minimum of 1 MiB");
            if (memory > hostMemory)
                throw Refuse("Limits.MemoryBytes", $"{memory} bytes is more than this host's memory ({hostMemory} bytes)");
        }
        if (limits.Processes is { } processes && processes is < 1 or > MaxProcesses)
            throw Refuse("Limits.Processes", $"{processes} is outside 1..{MaxProcesses}");
        if (limits.OutputBytes is { } output && output < 1)
            throw Refuse("Limits.OutputBytes", $"{output} must be at least 1 byte");
        if (limits.FileSizeBytes is { } fileSize && fileSize < (limits.OutputBytes ?? 1))
            throw Refuse("Limits.FileSizeBytes", $"{fileSize} must be at least 1 byte and at least Limits.OutputBytes");
        if (limits.StackBytes is { } stack && stack < MinStackBytes)
            throw Refuse("Limits.StackBytes", $"{stack} bytes is below the minimum of 64 KiB");
        if (limits.OpenFiles is { } openFiles)
        {
            var maxOpenFiles = MaxOpenFiles.Value;
            if (openFiles < MinOpenFiles || openFiles > maxOpenFiles)
                throw Refuse("Limits.OpenFiles", $"{openFiles} is outside {MinOpenFiles}..{maxOpenFiles} (stdio needs 3; the kernel allows fs.nr_open)");
        }
        if (limits.IoReadBytesPerSecond is { } readBps && readBps < 1)
            throw Refuse("Limits.IoReadBytesPerSecond", $"{readBps} must be positive");
        if (limits.IoWriteBytesPerSecond is { } writeBps && writeBps < 1)
            throw Refuse("Limits.IoWriteBytesPerSecond", $"{writeBps} must be positive");
        RequireTmpfsSize("Limits.TmpBytes", limits.TmpBytes, hostMemory);
        RequireTmpfsSize("Limits.BoxBytes", limits.BoxBytes, hostMemory);
        if (limits.CpuCores is { } cores)
        {
            // NaN fails both comparisons, so test for the good range rather than the bad one.
            if (!(cores >= MinCpuCores && cores <= Environment.ProcessorCount))
                throw Refuse("Limits.CpuCores", $"{cores} is outside {MinCpuCores}..{Environment.ProcessorCount} (this host's cores)");
        }
    }

    static void RequireTime(string field, TimeSpan time)
    {
        if (time <= TimeSpan.Zero)
            throw Refuse(field, $"{time.TotalSeconds} s must be positive");
        if (time > MaxTime)
            throw Refuse(field, $"{time.TotalSeconds} s is more than a day");
    }

    static void ValidateFileSystem(SandboxSpec spec)
    {
        if (spec.RootfsDir is { } rootfs)
        {
            RequireNoNul("RootfsDir", rootfs);
            RequireReadableDirectory("RootfsDir", rootfs);
        }

        for (var i = 0; i < spec.With.Count; i++)
        {
            var field = $"With[{i}]";
            var path = spec.With[i];
            RequireNoNul(field, path);
            RequireNormalAbsolute(field, path, "it is placed in the image at the same path");
            RequireOutsideSandboxTmp(field, path);
            if (!File.Exists(path) && !Directory.Exists(path))
                throw Refuse(field, $"\"{path}\" does not exist");
        }

        var targets = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < spec.Binds.Count; i++)
        {
            var bind = spec.Binds[i];
            var field = $"Binds[{i}]";
            RequireNoNul($"{field}.Source", bind.Source);
            RequireNoNul($"{field}.Target", bind.Target);
            if (!File.Exists(bind.Source) && !Directory.Exists(bind.Source))
                throw Refuse($"{field}.Source", $"\"{bind.Source}\" does not exist");
            RequireNormalAbsolute($"{field}.Target", bind.Target, "it is a path inside the sandbox");
            if (IsProtected(bind.Target))
                throw Refuse($"{field}.Target", $"\"{bind.Target}\" is provided by the sandbox itself and cannot be bound over");
            if (!targets.Add(bind.Target))
                throw Refuse($"{field}.Target", $"\"{bind.Target}\" is already the target of another bind");
        }

        if (spec.WorkDir is { } workDir)
        {
            RequireNoNul("WorkDir", workDir);
            RequireReadableDirectory("WorkDir", workDir);
        }

        RequireNoNul("Cwd", spec.Cwd);
        RequireNormalAbsolute("Cwd", spec.Cwd, "it is a path inside the sandbox");
    }

    /// <summary>The image holds host files at their own paths, and the sandbox mounts its own /tmp over the image's.</summary>
    static void RequireOutsideSandboxTmp(string field, string path)
    {
        if (path == "/tmp" || path.StartsWith("/tmp/", StringComparison.Ordinal))
            throw Refuse(field, $"\"{path}\" is under /tmp, which the sandbox replaces with a fresh tmpfs of its own, so it would not be "
                + "there: bind its directory elsewhere (--bind /tmp/dir:/data, then run /data/...) or put it in the work dir (/box)");
    }

    static bool IsProtected(string target) =>
        ProtectedTargets.Contains(target, StringComparer.Ordinal)
        || ProtectedTrees.Any(tree => target == tree || target.StartsWith(tree + "/", StringComparison.Ordinal));

    /// <summary>Absolute, and spelled the one way the kernel would resolve it: no empty, "." or ".." parts, no trailing slash.</summary>
    static void RequireNormalAbsolute(string field, string path, string why)
    {
        if (!path.StartsWith('/'))
            throw Refuse(field, $"\"{path}\" must be absolute ({why})");
        if (path == "/")
            return;
        foreach (var part in path[1..].Split('/'))
        {
            if (part is "" or "." or "..")
                throw Refuse(field, $"\"{path}\" must be normalized (no \"..\", \".\", \"//\" or trailing \"/\")");
        }
    }

    static void ValidateEnvironment(IReadOnlyDictionary<string, string> environment)
    {
        foreach (var (key, value) in environment)
        {
            if (key.Length == 0)
                throw Refuse("Environment", "has an empty variable name");
            if (key.Contains('='))
                throw Refuse($"Environment[{key}]", "the name must not contain '='");
            RequireNoNul($"Environment[{key.Replace("\0", "\\0")}]", key);
            RequireNoNul($"Environment[{key}]", value);
        }
    }

    /// <summary>RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens, 64 characters at most (the kernel's limit).</summary>
    static void ValidateHostname(string hostname)
    {
        if (hostname.Length is 0 or > 64)
            throw Refuse("Hostname", $"\"{hostname}\" must be 1 to 64 characters");
        foreach (var label in hostname.Split('.'))
        {
            var valid = label.Length is >= 1 and <= 63
                && label.All(c => char.IsAsciiLetterOrDigit(c) || c == '-')
                && label[0] != '-' && label[^1] != '-';
            if (!valid)
                throw Refuse("Hostname", $"\"{hostname}\" is not a valid host name (letters, digits, inner hyphens, dots between labels)");
        }
    }

    static void ValidateStreams(SandboxSpec spec)
    {
        if (spec.Stdin is not null && spec.StdinPath is not null)
            throw Refuse("Stdin", "give stdin either as a host file (StdinPath) or as bytes or output (Stdin), not both");
        if (spec.CaptureOutput && (spec.StdoutPath is not null || spec.StderrPath is not null))
            throw Refuse("CaptureOutput", "captured output cannot also go to StdoutPath or StderrPath");
        if (spec.StdoutPipe is not null && (spec.StdoutPath is not null || spec.StderrToStdout))
            throw Refuse("StdoutPipe", "stdout goes into the pipe: give neither StdoutPath nor StderrToStdout with it");
        if (spec.StderrToStdout && !spec.CaptureOutput)
            throw Refuse("StderrToStdout", "only captured output can be merged (give StdoutPath and StderrPath the same file instead)");
        if (spec.StdinPath is { } stdin)
        {
            RequireNoNul("StdinPath", stdin);
            if (Directory.Exists(stdin))
                throw Refuse("StdinPath", $"\"{stdin}\" is a directory");
            if (!File.Exists(stdin))
                throw Refuse("StdinPath", $"\"{stdin}\" does not exist");
            if (!CanAccess(stdin, R_OK))
                throw Refuse("StdinPath", $"\"{stdin}\" is not readable");
        }
        RequireWritableLocation("StdoutPath", spec.StdoutPath);
        RequireWritableLocation("StderrPath", spec.StderrPath);
    }

    static void RequireWritableLocation(string field, string? path)
    {
        if (path is null)
            return;
        RequireNoNul(field, path);
        if (Directory.Exists(path))
            throw Refuse(field, $"\"{path}\" is a directory");
        var parent = Path.GetDirectoryName(Path.GetFullPath(path));
        if (parent is null || !Directory.Exists(parent))
            throw Refuse(field, $"the directory of \"{path}\" does not exist");
    }

    static void RequireExecutableFile(string field, string path, string context = "")
    {
        if (Directory.Exists(path))
            throw Refuse(field, $"{context}\"{path}\" is a directory");
        if (!File.Exists(path))
            throw Refuse(field, $"{context}\"{path}\" does not exist");
        if (!IsExecutableFile(path))
            throw Refuse(field, $"{context}\"{path}\" is not executable");
    }

    static bool IsExecutableFile(string path) => File.Exists(path) && CanAccess(path, X_OK);

    static void RequireReadableDirectory(string field, string path)
    {
        if (File.Exists(path))
            throw Refuse(field, $"\"{path}\" is not a directory");
        if (!Directory.Exists(path))
            throw Refuse(field, $"\"{path}\" does not exist");
        if (!CanAccess(path, R_OK | X_OK))
            throw Refuse(field, $"\"{path}\" is not readable");
    }

    /// <summary>access(2): the kernel's own answer for this process, root and ACLs included.</summary>
    static unsafe bool CanAccess(string path, int mode)
    {
        fixed (byte* p = Encoding.UTF8.GetBytes(path + "\0"))
            return access(p, mode) == 0;
    }

    static void RequireNoNul(string field, string value)
    {
        if (value.Contains('\0'))
            throw Refuse(field, "contains a NUL character");
    }

    /// <summary>Physical memory of the host (not of our own cgroup: run cgroups live elsewhere in the hierarchy).</summary>
    // Read once: validation runs before every sandbox, and neither changes while we run.
    static readonly Lazy<long> HostMemory = new(HostMemoryBytes);
    static readonly Lazy<int> MaxOpenFiles = new(KernelMaxOpenFiles);

    static long HostMemoryBytes()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/meminfo"))
            {
                // "MemTotal:       24684084 kB"
                if (!line.StartsWith("MemTotal:", StringComparison.Ordinal))
                    continue;
                var parts = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length >= 2 && long.TryParse(parts[1], out var kib))
                    return kib * 1024;
            }
        }
        catch (IOException)
        {
        }
        return GC.GetGCMemoryInfo().TotalAvailableMemoryBytes;
    }

    static int KernelMaxOpenFiles()
    {
        try
        {
            if (int.TryParse(File.ReadAllText("/proc/sys/fs/nr_open").Trim(), out var nrOpen))
                return nrOpen;
        }
        catch (IOException)
        {
        }
        return 1 << 20; // the kernel's default fs.nr_open
    }

    static SandboxSpecException Refuse(string field, string reason) => new($"{field}: {reason}");
}
