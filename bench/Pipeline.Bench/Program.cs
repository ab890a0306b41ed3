// End-to-end throughput of Judge against the sandbox alone, measured in one process and one run.
//
// Pipeline: N submissions of a trivial Python program with one test go through the real Api, RabbitMQ,
// Worker and PostgreSQL (started here on a fresh database, see JudgeStack), at most K in flight; each is
// timed from POST to final verdict (?wait=true). Sandbox only: the same program on the same input, run by
// SandboxRunner exactly as the worker runs a test, with as many runs in parallel as the worker has slots.
// The ratio of the two rates is the overhead of HTTP, broker and database (target: pipeline >= 0.8 x sandbox).
// The two alternate in rounds (pipeline, sandbox, pipeline, sandbox, ...) so that both meet the same
// machine: on these shared hosts the sandbox-only rate alone moved by 20 % between runs minutes apart.
// Then, to say why the ratio is what it is: the program's own CPU and wall time per run in each half, how busy
// that kept the slots, and the CPU per submission of each process on the machine (CpuUse).
//
// Usage: Pipeline.Bench [submissions=200] [in-flight=8] [rounds=3] [warm-up=2500]   (as root, with scripts/services.sh start and env)
using System.Diagnostics;
using System.Text;
using Judge.EndToEnd;
using Judge.Pipeline.Bench;
using Judge.Sandbox;
using Judge.Worker;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging.Abstractions;

int submissions = args.Length > 0 ? int.Parse(args[0]) : 200;
int inFlight = args.Length > 1 ? int.Parse(args[1]) : 8;
int rounds = args.Length > 2 ? int.Parse(args[2]) : 3;
int warmUp = args.Length > 3 ? int.Parse(args[3]) : 2500;
int slots = Environment.ProcessorCount; // the worker's default number of slots; set explicitly below so both halves agree

Console.WriteLine($"Pipeline.Bench: {submissions} submissions in {rounds} rounds, {inFlight} in flight, {slots} worker slots; "
    + $"{Environment.ProcessorCount} cores; load average {Bench.LoadAverage()} at start");

var log = Path.Combine(AppContext.BaseDirectory, "logs", $"pipeline-{DateTime.Now:yyyyMMdd-HHmmss}.log");
await using var stack = await Bench.StartAsync(log, inFlight, slots, warmUp);
using var sandboxOnly = new SandboxOnly(slots);
sandboxOnly.Measure(Math.Min(warmUp, 500)); // warm-up, not measured: the runner's JIT and image lookups
int Pid(string name) => stack.Processes.Single(p => p.Name == name).Id;
var pipelineCpu = new CpuUse(Pid("api"), Pid("worker"));
var sandboxCpu = new CpuUse(Pid("api"), Pid("worker"));
var pipelineRounds = new List<Measurement>();
var sandboxRounds = new List<Measurement>();
for (var round = 0; round < rounds; round++)
{
    var count = submissions / rounds + (round < submissions % rounds ? 1 : 0);
    pipelineRounds.Add(await pipelineCpu.MeasureAsync(count, () => Bench.PipelineAsync(stack, count, inFlight)));
    sandboxRounds.Add(await sandboxCpu.MeasureAsync(count, () => Task.FromResult(sandboxOnly.Measure(count))));
    Console.WriteLine($"round {round + 1}: pipeline {pipelineRounds[^1].Rate:F1}/s, sandbox only {sandboxRounds[^1].Rate:F1}/s, "
        + $"ratio {pipelineRounds[^1].Rate / sandboxRounds[^1].Rate:F2}");
}
var pipeline = Measurement.Sum(pipelineRounds);
var runOnly = Measurement.Sum(sandboxRounds);

Console.WriteLine();
Console.WriteLine($"load average at end: {Bench.LoadAverage()}; Api and Worker log: {log}");
Console.WriteLine($"{"measure (all rounds)",-56}{"rate /s",9}{"p50 ms",9}{"p99 ms",9}{"failed",8}");
Console.WriteLine($"{"pipeline: POST to verdict",-56}{pipeline.Rate,9:F1}{pipeline.P50,9:F0}{pipeline.P99,9:F0}{pipeline.Failed,8}");
Console.WriteLine($"{"sandbox only: test run",-56}{runOnly.Rate,9:F1}{runOnly.P50,9:F0}{runOnly.P99,9:F0}{runOnly.Failed,8}");
Console.WriteLine();
// Why the ratio is what it is: how long the program itself took, as the sandbox measured it, and how much of the
// time the slots spent running programs at all.
Console.WriteLine($"{"per run, as the sandbox measured it",-56}{"cpu ms",9}{"wall ms",9}{"slots busy",12}");
Console.WriteLine($"{"pipeline",-56}{pipeline.MeanProgramCpuMs,9:F1}{pipeline.MeanProgramWallMs,9:F1}{pipeline.SlotsBusy(slots),12:P0}");
Console.WriteLine($"{"sandbox only",-56}{runOnly.MeanProgramCpuMs,9:F1}{runOnly.MeanProgramWallMs,9:F1}{runOnly.SlotsBusy(slots),12:P0}");
Console.WriteLine();
Console.WriteLine($"{"CPU ms per submission (per run), from /proc",-56}{"pipeline",9}{"sandbox",9}");
foreach (var ((part, inPipeline), (_, inSandboxOnly)) in pipelineCpu.PerSubmission().Zip(sandboxCpu.PerSubmission()))
    Console.WriteLine($"{"  " + part,-56}{inPipeline,9:F2}{inSandboxOnly,9:F2}");
Console.WriteLine();
Console.WriteLine($"pipeline / sandbox: {pipeline.Rate / runOnly.Rate:F2}   (target >= 0.80; since 2026-12-06 python3 has a syntax check, so the pipeline makes two sandbox runs per submission against one)");
return pipeline.Failed + runOnly.Failed == 0 ? 0 : 1;

namespace Judge.Pipeline.Bench
{
    /// <summary>One run of the program: its CPU and wall time as the sandbox measured them (the test result's, in the pipeline).</summary>
    internal readonly record struct ProgramRun(long CpuTimeMs, long WallTimeMs);

    internal sealed record Measurement(int Count, double Seconds, List<double> LatenciesMs, int Failed, List<ProgramRun> Runs)
    {
        public double Rate => Count / Seconds;
        public double MeanProgramCpuMs => Runs.Count == 0 ? double.NaN : Runs.Average(r => r.CpuTimeMs);
        public double MeanProgramWallMs => Runs.Count == 0 ? double.NaN : Runs.Average(r => r.WallTimeMs);

        /// <summary>The share of the slots' time spent with a program running (from its start to its exit).</summary>
        public double SlotsBusy(int slots) => Runs.Sum(r => r.WallTimeMs) / (slots * Seconds * 1000);

        public static Measurement Sum(IReadOnlyList<Measurement> parts) =>
            new(parts.Sum(m => m.Count), parts.Sum(m => m.Seconds), [.. parts.SelectMany(m => m.LatenciesMs)], parts.Sum(m => m.Failed),
                [.. parts.SelectMany(m => m.Runs)]);
        public double P50 => Percentile(0.50);
        public double P99 => Percentile(0.99);

        private double Percentile(double p)
        {
            var sorted = LatenciesMs.Order().ToList();
            return sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(p * sorted.Count) - 1, 0, sorted.Count - 1)];
        }
    }

    internal static class Bench
    {
        public const string Source = "print(int(input())*2)\n";
        public const string Input = "21\n";
        public const string Expected = "42\n";

        /// <summary>The Api's default test limits, given explicitly so that both halves run under the same ones.</summary>
        public static readonly TestLimits Limits = new() { CpuTimeMs = 2000, WallTimeMs = 6000, MemoryKb = 262144, Processes = 64, OutputKb = 65536 };

        public static string LoadAverage() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

        private static readonly SubmissionRequest Request = new("python3", Source)
        {
            Tests = [new Judge.EndToEnd.TestCase(Input, Expected)],
            Limits = new Judge.EndToEnd.Limits((int)Limits.CpuTimeMs, (int)Limits.WallTimeMs, (int)Limits.MemoryKb, Limits.Processes, (int)Limits.OutputKb),
        };

        /// <summary>Starts the Api and the Worker on a fresh database and virtual host, and warms them up.</summary>
        public static async Task<JudgeStack> StartAsync(string log, int inFlight, int slots, int warmUp)
        {
            var stack = await JudgeStack.StartAsync(log, new Dictionary<string, string>
            {
                ["Worker__Slots"] = slots.ToString(),
                ["Judge__WaitTimeoutSeconds"] = "120",
                // The bench measures the pipeline, not the per-key limits.
                ["Judge__Access__RequestsPerSecond"] = "0",
                ["Judge__Access__MaxUnfinishedSubmissions"] = "0",
            });
            try
            {
                if (!stack.Languages.Any(l => l.Id == "python3"))
                    throw new InvalidOperationException("the worker does not offer python3");
                // Warm-up, not measured: connection pools, the Python image, and the JIT in both processes, whose tiered
                // compilation keeps recompiling hot paths for the first couple of thousand requests (measured: the rate
                // kept rising round after round after 500 warm-up submissions, much less after 2500): steady state is
                // what a judge runs in.
                await RunConcurrentlyAsync(warmUp, inFlight, () => stack.Client.JudgeAsync(Request, TimeSpan.FromMinutes(2)));
                return stack;
            }
            catch
            {
                await stack.DisposeAsync();
                throw;
            }
        }

        public static async Task<Measurement> PipelineAsync(JudgeStack stack, int count, int inFlight)
        {
            var verdicts = new List<string?>();
            var runs = new List<ProgramRun>(count);
            var measurement = await RunConcurrentlyAsync(count, inFlight, async () =>
            {
                var submission = await stack.Client.JudgeAsync(Request, TimeSpan.FromMinutes(5));
                lock (verdicts)
                {
                    verdicts.Add(submission.Verdict);
                    runs.AddRange(submission.Tests.Select(t => new ProgramRun(t.CpuTimeMs, t.WallTimeMs)));
                }
            });
            var failed = verdicts.Count(v => v != "AC");
            if (failed > 0)
                Console.WriteLine($"pipeline: {failed} submissions were not AC: "
                    + string.Join(", ", verdicts.Where(v => v != "AC").GroupBy(v => v).Select(g => $"{g.Count()} x {g.Key}")));
            return measurement with { Failed = failed, Runs = runs };
        }

        private static async Task<Measurement> RunConcurrentlyAsync(int count, int inFlight, Func<Task> action)
        {
            var latencies = new List<double>(count);
            using var gate = new SemaphoreSlim(inFlight);
            var total = Stopwatch.StartNew();
            await Task.WhenAll(Enumerable.Range(0, count).Select(async _ =>
            {
                await gate.WaitAsync();
                try
                {
                    var start = Stopwatch.GetTimestamp();
                    await action();
                    var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (latencies)
                        latencies.Add(elapsed);
                }
                finally
                {
                    gate.Release();
                }
            }));
            return new Measurement(count, total.Elapsed.TotalSeconds, latencies, 0, []);
        }
    }

    /// <summary>
    /// The same program on the same input through <see cref="SandboxRunner"/>, <c>parallel</c> lanes at once,
    /// with the spec the worker builds (SubmissionJudge): a run of /prog/main.py from a program box. One
    /// runner and one box for every round, as a worker keeps them.
    /// </summary>
    internal sealed class SandboxOnly : IDisposable
    {
        private readonly int parallel;
        private readonly Language python;
        private readonly SandboxRunner runner = new();
        private readonly SandboxVolume program;
        private readonly SandboxInput input = SandboxInput.FromBytes(Encoding.UTF8.GetBytes(Bench.Input));
        private readonly Dictionary<string, string> environment = new(SandboxSpec.DefaultEnvironment);

        public SandboxOnly(int parallel)
        {
            this.parallel = parallel;
            python = new LanguageDetector(NullLogger<LanguageDetector>.Instance).Detect([LanguageCatalog.Python()]).SingleOrDefault()?.Language
                ?? throw new InvalidOperationException("python3 was not detected");
            foreach (var (name, value) in python.Environment)
                environment[name] = value;
            program = runner.CreateVolume("pipeline-bench-");
            program.WriteFile(python.SourceFile, Encoding.UTF8.GetBytes(Bench.Source));
        }

        public Measurement Measure(int count)
        {
            var latencies = new List<double>(count);
            var runs = new List<ProgramRun>(count);
            var failed = 0;
            var next = -1;
            var total = Stopwatch.StartNew();
            var lanes = Enumerable.Range(0, parallel).Select(_ => new Thread(() =>
            {
                while (Interlocked.Increment(ref next) < count)
                {
                    var start = Stopwatch.GetTimestamp();
                    var (ok, run) = Judge();
                    var elapsed = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
                    lock (latencies)
                    {
                        latencies.Add(elapsed);
                        runs.Add(run);
                        if (!ok)
                            failed++;
                    }
                }
            })).ToList();
            lanes.ForEach(t => t.Start());
            lanes.ForEach(t => t.Join());
            return new Measurement(count, total.Elapsed.TotalSeconds, latencies, failed, runs);
        }

        private (bool Ok, ProgramRun Run) Judge()
        {
            using var run = runner.Run(new SandboxSpec
            {
                Command = python.RunCommand(Bench.Limits.MemoryBytes),
                With = python.RunWith,
                Binds = [new BindMount(program.HostPath, Language.ProgramDirectory)],
                Environment = environment,
                Limits = Bench.Limits.ToSandbox(python.RunMemoryOverheadBytes, python.MinRunProcesses),
                Stdin = input,
                CaptureOutput = true,
            });
            var ok = run.Status == SandboxStatus.Ok && Encoding.UTF8.GetString(run.Stdout!.ReadStart(1 << 10, out _)) == Bench.Expected;
            return (ok, new ProgramRun(run.CpuTimeMs, run.WallTimeMs));
        }

        public void Dispose() => program.Dispose();
    }
}
