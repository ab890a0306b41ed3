using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Xunit;

namespace Judge.Testing;

/// <summary>
/// What the test projects that run real sandboxes need from the host: programs to run and a look at
/// the host's processes. Linked into each of them as a source file.
/// </summary>
public static class HostPrograms
{
    /// <summary>C for attack programs (needs stdio.h, string.h, errno.h and _GNU_SOURCE): <c>report</c> prints one
    /// line per attempt, "&lt;what&gt; ok" when the call succeeded, "&lt;what&gt; &lt;ERRNO&gt;" when it failed.</summary>
    public const string CReport = """
        static void report(const char *what, long rc)
        {
            if (rc < 0)
                printf("%s %s\n", what, strerrorname_np(errno));
            else
                printf("%s ok\n", what);
            fflush(stdout);
        }
        """;

    /// <summary>
    /// Compiles C statically (so its root image is the one file) into <paramref name="directory"/>; returns the binary.
    /// Where JUDGE_TEST_PROGRAM_CACHE names a directory, a binary compiled before from the same source and flags is
    /// copied from there instead: under emulation (scripts/vm-test.sh) gcc takes seconds per program, and the VM reads
    /// the cache the host's test run filled.
    /// </summary>
    public static string CompileStaticC(string directory, string name, string source, IEnumerable<string> extraFlags)
    {
        string[] flags = ["-O2", "-static", .. extraFlags];
        string bin = Path.Combine(directory, name);
        string? cached = CachedProgram(source, flags);
        if (cached is not null && File.Exists(cached))
        {
            File.Copy(cached, bin);
            return bin;
        }

        string src = Path.Combine(directory, name + ".c");
        File.WriteAllText(src, source);
        var psi = new ProcessStartInfo("cc") { RedirectStandardError = true };
        foreach (string arg in flags.Concat(["-o", bin, src]))
            psi.ArgumentList.Add(arg);
        using var cc = Process.Start(psi)!;
        string errors = cc.StandardError.ReadToEnd();
        cc.WaitForExit();
        Assert.True(cc.ExitCode == 0, $"cc failed: {errors}");

        if (cached is not null)
        {
            // Renamed into place, so that a test process beside this one never copies half a binary.
            string partial = $"{cached}.{Environment.ProcessId}.{Guid.NewGuid():N}";
            File.Copy(bin, partial);
            File.Move(partial, cached, overwrite: true);
        }
        return bin;
    }

    /// <summary>Runs <paramref name="program"/> directly on the host, outside any sandbox: what the host itself does with it.</summary>
    public static HostRun RunOnHost(string program, int timeoutMs = 60_000)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardInput = true };
        using var process = Process.Start(psi)!;
        process.StandardInput.Close();
        string stdout = process.StandardOutput.ReadToEnd();
        Assert.True(process.WaitForExit(timeoutMs), $"{program} did not end on the host within {timeoutMs} ms");
        // .NET reports a process killed by signal N as exit code 128 + N, as a shell does.
        return process.ExitCode > 128
            ? new HostRun(null, process.ExitCode - 128, stdout)
            : new HostRun(process.ExitCode, null, stdout);
    }

    /// <summary>The cache entry for a program (named by a hash of its flags and source), or null without a cache.</summary>
    private static string? CachedProgram(string source, IEnumerable<string> flags)
    {
        if (Environment.GetEnvironmentVariable("JUDGE_TEST_PROGRAM_CACHE") is not { Length: > 0 } cache)
            return null;
        Directory.CreateDirectory(cache);
        byte[] key = Encoding.UTF8.GetBytes(string.Join('\0', flags) + '\0' + source);
        return Path.Combine(cache, Convert.ToHexStringLower(SHA256.HashData(key)));
    }

    /// <summary>True when some process on the host has <paramref name="marker"/> in its command line.</summary>
    public static bool HostHasProcessWithArgument(string marker)
    {
        foreach (string dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out _))
                continue;
            try
            {
                if (File.ReadAllText(Path.Combine(dir, "cmdline")).Contains(marker))
                    return true;
            }
            catch (IOException)
            {
                // It exited while we looked.
            }
        }
        return false;
    }
}

/// <summary>How a program ended on the host: an exit code, or the signal that killed it; and what it printed.</summary>
public sealed record HostRun(int? ExitCode, int? Signal, string Stdout);
