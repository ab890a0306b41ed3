using System.Diagnostics;
using System.Diagnostics.Metrics;
using Judge.Data;
using MassTransit;

namespace Judge.Worker.Observability;

/// <summary>
/// The Worker's own instruments and spans, in one place (docs/operations.md says what to alert on). Static, like an
/// <see cref="ActivitySource"/>: the places that record are one-line calls, with nothing to inject into classes that
/// tests build by hand. Exported with everything else by <c>AddWorkerObservability</c>.
/// </summary>
public static class WorkerTelemetry
{
    public const string Name = "Judge.Worker";

    /// <summary>Spans around the steps of judging (compile, each test); their parent is the consume span that MassTransit
    /// continues from the Api's request, through the message's headers.</summary>
    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    // Seconds, from a few milliseconds (a cached run) to minutes (a queue behind a burst, a long compile).
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    private static readonly Counter<long> FinishedCounter = Meter.CreateCounter<long>(
        "judge.submissions.finished", "{submission}", "Verdicts committed by this worker");

    private static readonly Histogram<double> QueueWait = Meter.CreateHistogram(
        "judge.submission.queue_wait", "s", "From the message's latest publish to a worker taking it", advice: Seconds);

    private static readonly Histogram<double> JudgeTime = Meter.CreateHistogram(
        "judge.submission.judge_time", "s", "Compiling, running and checking one submission", advice: Seconds);

    private static readonly Counter<long> RetriesCounter = Meter.CreateCounter<long>(
        "judge.submission.retries", "{attempt}", "Attempts after the first: a retry after a database or broker failure, or a redelivery after a worker stopped or died");

    private static readonly Counter<long> FaultsCounter = Meter.CreateCounter<long>(
        "judge.submission.faults", "{submission}", "Submissions given up on after their retries and marked IE");

    private static readonly Counter<long> TestDataCounter = Meter.CreateCounter<long>(
        "judge.test_data.uses", "{file}", "Test files a run used, by whether the worker's cache had them (hit) or fetched them first (miss)");


    /// <summary>A message was taken: how long it waited, and whether it is another attempt at the same submission.</summary>
    public static void Received(ConsumeContext context)
    {
        if (context.GetRetryAttempt() > 0)
        {
            RetriesCounter.Add(1, new KeyValuePair<string, object?>("kind", "retry"));
            return; // its wait was counted at the first attempt
        }
        if (context.ReceiveContext.Redelivered)
            RetriesCounter.Add(1, new KeyValuePair<string, object?>("kind", "redelivery"));
        if (context.SentTime is { } sent)
            QueueWait.Record(Math.Max(0, (DateTime.UtcNow - sent).TotalSeconds));
    }

    public static void Judged(string language, TimeSpan elapsed) =>
        JudgeTime.Record(elapsed.TotalSeconds, new KeyValuePair<string, object?>("language", language));

    public static void Finished(string language, Verdict verdict) =>
        FinishedCounter.Add(1, new KeyValuePair<string, object?>("verdict", verdict.ToString()), new KeyValuePair<string, object?>("language", language));

    public static void Faulted() => FaultsCounter.Add(1);

    public static void TestDataUsed(bool cached) =>
        TestDataCounter.Add(1, new KeyValuePair<string, object?>("cache", cached ? "hit" : "miss"));
}
