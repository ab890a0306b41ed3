// Per-run cost of a full sandboxed run of a trivial static program, against a plain posix_spawn+wait
// of the same program and against bubblewrap (--unshare-all), all measured in this one process and
// run, interleaved, so machine noise hits all three alike. Usage: Sandbox.Bench [runs=300]
using System.Diagnostics;
using System.Runtime.InteropServices;
using Judge.Sandbox;
using Judge.Sandbox.Bench;

int runs = args.Length > 0 ? int.Parse(args[0]) : 300;
string work = $"/var/tmp/judge-bench-{Environment.ProcessId}";
Directory.CreateDirectory(work);
File.SetUnixFileMode(work, (UnixFileMode)0b111_101_101);
string program = Trivial.Compile(work);

var runner = new SandboxRunner(new SandboxOptions { CgroupParent = "judge-bench" });
var spec = new SandboxSpec
{
    Command = [program],
    Limits = new SandboxLimits
    {
        CpuTime = TimeSpan.FromSeconds(1), WallTime = TimeSpan.FromSeconds(3), MemoryBytes = 64L << 20,
        Processes = 16, OutputBytes = 1 << 20, StackBytes = 8 << 20, OpenFiles = 64,
    },
    StdoutPath = Path.Combine(work, "out"),
};
string[] bwrap = ["/usr/bin/bwrap", "--unshare-all", "--die-with-parent", "--ro-bind", program, program,
    "--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp", "--", program];

var cases = new (string Name, Func<bool> Run)[]
{
    ("posix_spawn+wait", () => Spawn.RunAndWait([program]) == 0),
    ("judge sandbox", () => runner.Run(spec).Status == SandboxStatus.Ok),
    ("bwrap --unshare-all", () => File.Exists(bwrap[0]) && Spawn.RunAndWait(bwrap) == 0),
};
Console.WriteLine($"sandbox check: {runner.Run(spec)}");
foreach (var c in cases)
{
    for (int i = 0; i < 10; i++)
        c.Run(); // warm-up: image cache, JIT, page cache
}
var samples = cases.Select(_ => new List<double>(runs)).ToArray();
var failures = new int[cases.Length];
for (int i = 0; i < runs; i++)
{
    for (int k = 0; k < cases.Length; k++)
    {
        long start = Stopwatch.GetTimestamp();
        bool ok = cases[k].Run();
        samples[k].Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
        if (!ok) failures[k]++;
    }
}
double baseline = Median(samples[0]);
Console.WriteLine($"{runs} runs each, interleaved; {Environment.ProcessorCount} cores; kernel {Environment.OSVersion.Version}");
Console.WriteLine($"{"case",-22}{"median ms",10}{"p10 ms",9}{"p90 ms",9}{"× spawn",9}{"failed",8}");
for (int k = 0; k < cases.Length; k++)
{
    var sorted = samples[k].Order().ToList();
    Console.WriteLine($"{cases[k].Name,-22}{Median(sorted),10:F2}{sorted[sorted.Count / 10],9:F2}{sorted[sorted.Count * 9 / 10],9:F2}{Median(sorted) / baseline,9:F2}{failures[k],8}");
}

// CPU the runner itself spends per run (this process only: the sandboxed program's CPU is its child's).
var self = Process.GetCurrentProcess();
TimeSpan cpuBefore = self.TotalProcessorTime;
for (int i = 0; i < runs; i++)
    runner.Run(spec);
self.Refresh();
Console.WriteLine($"runner's own CPU per sandboxed run: {(self.TotalProcessorTime - cpuBefore).TotalMilliseconds / runs:F2} ms");
Directory.Delete(work, true);
return 0;

static double Median(IEnumerable<double> xs)
{
    var s = xs.Order().ToList();
    return s[s.Count / 2];
}

namespace Judge.Sandbox.Bench
{
    internal static class Trivial
    {
        /// <summary>A static program that does nothing: the run cost is all process creation and sandbox.</summary>
        public static string Compile(string dir)
        {
            string src = Path.Combine(dir, "trivial.c"), bin = Path.Combine(dir, "trivial");
            File.WriteAllText(src, "int main(void) { return 0; }\n");
            var psi = new ProcessStartInfo("cc");
            foreach (string a in new[] { "-O2", "-static", "-o", bin, src })
                psi.ArgumentList.Add(a);
            using var cc = Process.Start(psi)!;
            cc.WaitForExit();
            if (cc.ExitCode != 0)
                throw new InvalidOperationException("cc failed");
            return bin;
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
