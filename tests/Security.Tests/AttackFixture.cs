using Judge.Testing;

namespace Judge.Security.Tests;

/// <summary>What an attack program did: the sandbox's result and what it printed.</summary>
public sealed record AttackRun(SandboxResult Result, string Stdout, string Stderr)
{
    public string[] Lines => Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
}

/// <summary>
/// One runner for the attack suite, with its own state directory, image cache, cgroup parent and
/// host id range, so the attacks never share anything with a real worker or with the other test
/// projects. Needs root, user namespaces, cgroups and a C compiler: without them the tests fail.
/// </summary>
public sealed class AttackFixture() : SandboxTestHost("judge-security-tests", new SandboxOptions
{
    CgroupParent = TestCgroups.Parent("judge-security-tests"),
    // Away from the default range and the other test projects', which may run at the same time.
    HostIdRangeStart = 300_000,
    HostIdSlots = 16,
})
{
    /// <summary>The limits of a typical judged test: attacks run under these unless a test says otherwise.</summary>
    public static readonly SandboxLimits Limits = new()
    {
        CpuTime = TimeSpan.FromSeconds(1),
        WallTime = TimeSpan.FromSeconds(3),
        MemoryBytes = 64L << 20,
        Processes = 32,
        OutputBytes = 1L << 20,
        StackBytes = 8L << 20,
        OpenFiles = 64,
        TmpBytes = 4L << 20,
    };

    /// <summary>
    /// Put in front of every attack program. <c>report</c> prints one line per attempt:
    /// "&lt;what&gt; ok" when the call succeeded, "&lt;what&gt; &lt;ERRNO&gt;" when it failed.
    /// </summary>
    public const string Prelude = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <sched.h>
        #include <signal.h>
        #include <stdint.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/mman.h>
        #include <sys/stat.h>
        #include <sys/syscall.h>
        #include <sys/types.h>
        #include <sys/wait.h>
        #include <unistd.h>

        """ + HostPrograms.CReport + "\n";

    /// <summary>Counts what is left in /tmp and /box: the run after an attack must start clean.</summary>
    private const string Healthy = """
        #include <dirent.h>
        static int entries(const char *path)
        {
            DIR *d = opendir(path);
            int n = 0;
            if (!d)
                return -1;
            for (struct dirent *e; (e = readdir(d)) != NULL;)
                n += strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0;
            closedir(d);
            return n;
        }
        int main(void)
        {
            printf("healthy tmp=%d box=%d\n", entries("/tmp"), entries("/box"));
            return 0;
        }
        """;

    private readonly Dictionary<string, string> _compiled = [];
    private readonly Lock _compileLock = new();


    /// <summary>Compiles <see cref="Prelude"/> + <paramref name="source"/> statically (its image is one file); cached by source.</summary>
    public string CompileC(string source, params string[] extraFlags)
    {
        string key = string.Join('\0', extraFlags) + '\0' + source;
        lock (_compileLock)
        {
            if (_compiled.TryGetValue(key, out string? cached))
                return cached;
            string bin = HostPrograms.CompileStaticC(NewDirectory(), "attack", Prelude + source, extraFlags);
            _compiled[key] = bin;
            return bin;
        }
    }

    /// <summary>Runs <paramref name="command"/> under <paramref name="limits"/> (default <see cref="Limits"/>), capturing stdout and stderr.</summary>
    public AttackRun Run(IReadOnlyList<string> command, SandboxLimits? limits = null, Func<SandboxSpec, SandboxSpec>? adjust = null)
    {
        string dir = NewDirectory();
        string stdout = Path.Combine(dir, "stdout"), stderr = Path.Combine(dir, "stderr");
        var spec = new SandboxSpec
        {
            Command = command,
            Limits = limits ?? Limits,
            StdinPath = "/dev/null",
            StdoutPath = stdout,
            StderrPath = stderr,
        };
        SandboxResult result = Runner.Run(adjust is null ? spec : adjust(spec));
        return new AttackRun(result, ReadIfThere(stdout), ReadIfThere(stderr));
    }

    private static string ReadIfThere(string path) => File.Exists(path) ? File.ReadAllText(path) : "";

    /// <summary>The run after an attack works normally and starts with an empty /tmp and /box.</summary>
    public void AssertNextRunWorks()
    {
        AttackRun next = Run([CompileC(Healthy)]);
        Assert.True(next.Result.Status == SandboxStatus.Ok, $"the next run failed: {next.Result}");
        Assert.Equal("healthy tmp=0 box=0\n", next.Stdout);
    }
}

/// <summary>Attacks run one at a time: several at once would starve a small machine and blur the limits.</summary>
[CollectionDefinition(Name)]
public sealed class AttackCollection : ICollectionFixture<AttackFixture>
{
    public const string Name = "attacks";
}

public static class ResultAssert
{
    /// <summary>Asserts the status, showing the whole run when it differs.</summary>
    public static void Status(SandboxStatus expected, AttackRun run) =>
        Assert.True(run.Result.Status == expected, $"expected {expected}, got {run.Result}\nstdout: {Head(run.Stdout)}\nstderr: {Head(run.Stderr)}");

    private static string Head(string text) => text.Length <= 2000 ? text : text[..2000] + "...";
}
