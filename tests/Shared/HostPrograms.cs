using System.Diagnostics;
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

    /// <summary>Compiles C statically (so its root image is the one file) into <paramref name="directory"/>; returns the binary.</summary>
    public static string CompileStaticC(string directory, string name, string source, IEnumerable<string> extraFlags)
    {
        string src = Path.Combine(directory, name + ".c");
        string bin = Path.Combine(directory, name);
        File.WriteAllText(src, source);
        var psi = new ProcessStartInfo("cc") { RedirectStandardError = true };
        foreach (string arg in new[] { "-O2", "-static", "-o", bin, src }.Concat(extraFlags))
            psi.ArgumentList.Add(arg);
        using var cc = Process.Start(psi)!;
        string errors = cc.StandardError.ReadToEnd();
        cc.WaitForExit();
        Assert.True(cc.ExitCode == 0, $"cc failed: {errors}");
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
