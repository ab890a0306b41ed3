// Per-run cost of a full sandboxed run of a trivial static program, against the floor: a small C program that
// posix_spawns and waits for the same program in a loop (bench/cli-repeat/spawn-loop.c, built here). Beside it: the
// sandbox in this process (SandboxRunner.Run), the CLI as its users see it (`judge-sandbox run --repeat`), a
// posix_spawn from .NET, and bubblewrap. Cases alternate in batches, so machine noise hits them alike; each batch's
// per-run time is divided by the C loop's in the same round. Then the same with every core busy: two at once.
// Usage: Sandbox.Bench [batches=20] [runs per batch=50] [CLI path]
using System.Diagnostics;
using System.Runtime.InteropServices;
using Judge.Sandbox;
using Judge.Sandbox.Bench;

int batches = args.Length > 0 ? int.Parse(args[0]) : 20;
int perBatch = args.Length > 1 ? int.Parse(args[1]) : 50;
string repo = FindRepository();
string cli = args.Length > 2 ? args[2] : Path.Combine(repo, "Sandbox/Judge.Sandbox.Cli/bin/Release/net10.0/judge-sandbox");
// Not under /tmp: the sandbox has a /tmp of its own.
string work = $"/var/tmp/judge-bench-{Environment.ProcessId}";
Directory.CreateDirectory(work);
File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
string program = Native.Compile(work, "trivial", "int main(void) { return 0; }\n", "-static");
string spawnLoop = Native.Compile(work, "spawn-loop", File.ReadAllText(Path.Combine(repo, "bench/cli-repeat/spawn-loop.c")));

var runner = new SandboxRunner(new SandboxOptions { CgroupParent = "judge-bench" });
var limits = new SandboxLimits
{
    CpuTime = TimeSpan.FromSeconds(1), WallTime = TimeSpan.FromSeconds(5), MemoryBytes = 64L << 20,
    Processes = 16, OutputBytes = 1 << 20, StackBytes = 8 << 20, OpenFiles = 64,
};
var spec = new SandboxSpec { Command = [program], Limits = limits, CaptureOutput = true };
string[] cliRun = [cli, "run", "--time", "1", "--wall-time", "5", "--memory", "64M", "--processes", "16", "--output-limit", "1M", "--quiet"];
string[] bwrap = ["/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", program, program,
    "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--", program];

Console.WriteLine($"sandbox check: {runner.Run(spec)}");
// Each case runs n times and says how long that took; a command's own start-up is measured with n = 0 and taken off.
var cases = new List<(string Name, Func<int, TimeSpan> Batch)>
{
    ("C posix_spawn loop", n => Command.Time([spawnLoop, n.ToString(), program]) - Command.Time([spawnLoop, "0", program])),
    ("judge sandbox (in process)", n => Timed(n, () => { using var r = runner.Run(spec); return r.Status == SandboxStatus.Ok; })),
    ("judge-sandbox --repeat (CLI)", n => Command.Time([.. cliRun, "--repeat", (n + 1).ToString(), "--", program])
        - Command.Time([.. cliRun, "--repeat", "1", "--", program])),
    ("posix_spawn from .NET", n => Timed(n, () => Spawn.RunAndWait([program]) == 0)),
    ("bwrap --unshare-all", n => Timed(n, () => Spawn.RunAndWait(bwrap) == 0)),
};
cases.RemoveAll(c => (c.Name.Contains("CLI") && !File.Exists(cli)) || (c.Name.StartsWith("bwrap") && !File.Exists(bwrap[0])));
foreach (var c in cases)
    c.Batch(10); // warm-up: image cache, JIT, page cache

var ratios = cases.Select(_ => new List<double>()).ToArray();
var perRun = cases.Select(_ => new List<double>()).ToArray();
for (int b = 0; b < batches; b++)
{
    var ms = cases.Select(c => c.Batch(perBatch).TotalMilliseconds / perBatch).ToArray();
    for (int k = 0; k < cases.Count; k++)
    {
        perRun[k].Add(ms[k]);
        ratios[k].Add(ms[k] / ms[0]);
    }
}
Console.WriteLine($"{batches} batches of {perBatch} runs per case, alternating; {Environment.ProcessorCount} cores; load average {File.ReadAllText("/proc/loadavg")[..14]}");
Console.WriteLine($"{"case",-30}{"median ms/run",14}{"× C loop (median of batches)",30}");
for (int k = 0; k < cases.Count; k++)
    Console.WriteLine($"{cases[k].Name,-30}{Median(perRun[k]),14:F3}{Median(ratios[k]),30:F2}");

// With every slot busy: as many at once as there are cores, in runs per second. The C loops and the CLIs are
// separate processes; the in-process case is one runner with that many threads, as a worker runs it.
int lanes = Environment.ProcessorCount, parallelRuns = batches * perBatch / 2;
double cLoops = Parallel(lanes, () => Command.Time([spawnLoop, parallelRuns.ToString(), program]));
double inProcess = Parallel(lanes, () => Timed(parallelRuns, () => { using var r = runner.Run(spec); return r.Status == SandboxStatus.Ok; }));
Console.WriteLine($"{lanes} at once, {parallelRuns} runs each: C loops {cLoops:F0} runs/s; judge sandbox in process {inProcess:F0} runs/s ({inProcess / cLoops:F2} of the C loops)");
if (File.Exists(cli))
{
    double clis = Parallel(lanes, () => Command.Time([.. cliRun, "--repeat", parallelRuns.ToString(), "--", program]));
    Console.WriteLine($"{lanes} CLIs at once: {clis:F0} runs/s ({clis / cLoops:F2} of the C loops)");
}

// CPU the runner itself spends per run (this process only: the sandboxed program's CPU is its child's).
var self = Process.GetCurrentProcess();
TimeSpan cpuBefore = self.TotalProcessorTime;
Timed(perBatch * 4, () => { using var r = runner.Run(spec); return true; });
self.Refresh();
Console.WriteLine($"runner's own CPU per sandboxed run: {(self.TotalProcessorTime - cpuBefore).TotalMilliseconds / (perBatch * 4):F2} ms");
Directory.Delete(work, true);
return 0;

static TimeSpan Timed(int n, Func<bool> run)
{
    long start = Stopwatch.GetTimestamp();
    for (int i = 0; i < n; i++)
    {
        if (!run())
            throw new InvalidOperationException("a benchmark run failed");
    }
    return Stopwatch.GetElapsedTime(start);
}

// Runs per second of `lanes` copies of a batch started together; each returns its own elapsed time.
double Parallel(int count, Func<TimeSpan> batch)
{
    long start = Stopwatch.GetTimestamp();
    var threads = Enumerable.Range(0, count).Select(_ => new Thread(() => batch())).ToList();
    threads.ForEach(t => t.Start());
    threads.ForEach(t => t.Join());
    return count * parallelRuns / Stopwatch.GetElapsedTime(start).TotalSeconds;
}

static double Median(IEnumerable<double> xs)
{
    var s = xs.Order().ToList();
    return s[s.Count / 2];
}

static string FindRepository()
{
    for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Judge.sln")))
            return dir.FullName;
    }
    throw new InvalidOperationException("run from a build inside the repository (no Judge.sln above the benchmark)");
}

namespace Judge.Sandbox.Bench
{
    internal static class Native
    {
        /// <summary>Compiles C source with cc -O2 and returns the binary's path.</summary>
        public static string Compile(string dir, string name, string source, params string[] flags)
        {
            string src = Path.Combine(dir, name + ".c"), bin = Path.Combine(dir, name);
            File.WriteAllText(src, source);
            if (Command.Time(["/usr/bin/cc", "-O2", .. flags, "-o", bin, src]) < TimeSpan.Zero)
                throw new InvalidOperationException("cc failed");
            return bin;
        }
    }

    internal static class Command
    {
        /// <summary>Runs a command to its end (output discarded) and returns how long it took; it must succeed.</summary>
        public static TimeSpan Time(string[] argv)
        {
            var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
            foreach (string a in argv[1..])
                psi.ArgumentList.Add(a);
            long start = Stopwatch.GetTimestamp();
            using var process = Process.Start(psi)!;
            process.StandardOutput.ReadToEnd();
            string errors = process.StandardError.ReadToEnd();
            process.WaitForExit();
            var elapsed = Stopwatch.GetElapsedTime(start);
            return process.ExitCode == 0 ? elapsed : throw new InvalidOperationException($"{string.Join(' ', argv)} failed: {errors}");
        }
    }

    internal static unsafe partial class Spawn
    {
        [LibraryImport("libc", EntryPoint = "posix_spawn")]
        private static partial int PosixSpawn(int* pid, nint path, nint fileActions, nint attr, nint* argv, nint* envp);

        [LibraryImport("libc", EntryPoint = "waitpid", SetLastError = true)]
        private static partial int WaitPid(int pid, int* status, int options);

        /// <summary>posix_spawn and waitpid, nothing else; returns the raw wait status.</summary>
        public static int RunAndWait(string[] argv)
        {
            var ptrs = new nint[argv.Length + 1];
            for (int i = 0; i < argv.Length; i++)
                ptrs[i] = Marshal.StringToCoTaskMemUTF8(argv[i]);
            nint* envp = stackalloc nint[1];
            envp[0] = 0;
            try
            {
                int pid, status;
                fixed (nint* a = ptrs)
                {
                    if (PosixSpawn(&pid, ptrs[0], 0, 0, a, envp) != 0)
                        return -1;
                }
                WaitPid(pid, &status, 0);
                return status;
            }
            finally
            {
                foreach (nint p in ptrs)
                    Marshal.FreeCoTaskMem(p);
            }
        }
    }
}
