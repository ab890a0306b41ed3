using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Text.Json;

namespace Judge.Sandbox;

/// <summary>
/// The sandbox's own instruments (meter <c>Judge.Sandbox</c>, exported by whatever process hosts it; docs/operations.md
/// names them): runs by outcome, the time each spent outside its program, and the runs in progress. Measured where runs
/// happen, so that a run waiting for one of the runner's threads is not counted as running.
/// </summary>
internal static class SandboxMetrics
{
    private static readonly Meter Meter = new("Judge.Sandbox");

    // As results are written in JSON: "time-limit", not "TimeLimit".
    private static readonly Dictionary<SandboxStatus, string> StatusNames =
        Enum.GetValues<SandboxStatus>().ToDictionary(status => status, status => JsonSerializer.Serialize(status).Trim('"'));

    private static readonly Counter<long> Runs = Meter.CreateCounter<long>(
        "judge.sandbox.runs", "{run}", "Sandbox runs (compiles, tests, checkers) by outcome");

    private static readonly Histogram<double> SetupTime = Meter.CreateHistogram(
        "judge.sandbox.setup_time", "s", "A sandbox run's time outside the program's own wall time: building and tearing down the sandbox",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.001, 0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5] });

    private static readonly UpDownCounter<long> Running = Meter.CreateUpDownCounter<long>(
        "judge.sandbox.running", "{run}", "Sandbox runs in progress now");

    public static Measurement Start()
    {
        Running.Add(1);
        return new Measurement(Stopwatch.GetTimestamp());
    }

    public readonly struct Measurement(long started) : IDisposable
    {
        public SandboxResult Record(SandboxResult result)
        {
            SetupTime.Record(Math.Max(0, Stopwatch.GetElapsedTime(started).TotalSeconds - result.WallTimeMs / 1000.0));
            Runs.Add(1, new KeyValuePair<string, object?>("status", StatusNames[result.Status]));
            return result;
        }

        public void Dispose() => Running.Add(-1);
    }
}
