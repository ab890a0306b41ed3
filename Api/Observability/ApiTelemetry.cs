using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Judge.Api.Observability;

/// <summary>
/// The Api's own instruments, in one place (docs/operations.md says what to alert on). Static, like the
/// <see cref="ActivitySource"/> beside them: the places that record are one-line calls, with nothing to inject.
/// Exported with everything else by <c>AddApiObservability</c>.
/// </summary>
public static class ApiTelemetry
{
    public const string Name = "Judge.Api";

    private static readonly Meter Meter = new(Name);

    private static readonly Counter<long> AcceptedCounter = Meter.CreateCounter<long>(
        "judge.submissions.accepted", "{submission}", "Submissions stored and queued for judging");

    private static readonly Counter<long> PublishFailuresCounter = Meter.CreateCounter<long>(
        "judge.submissions.publish_failures", "{submission}", "Publishes to the broker that failed; the sweeper publishes those again");

    private static readonly Counter<long> RepublishedCounter = Meter.CreateCounter<long>(
        "judge.submissions.republished", "{submission}", "Submissions the sweeper published again (queued or stuck too long)");

    /// <summary>A submission was stored: counted, and its id put on the request's span, so that a trace can be found by id.</summary>
    public static void Accepted(Guid id, string language)
    {
        AcceptedCounter.Add(1, new KeyValuePair<string, object?>("language", language));
        Activity.Current?.SetTag("judge.submission.id", id);
    }

    public static void PublishFailed() => PublishFailuresCounter.Add(1);

    public static void Republished(int count) => RepublishedCounter.Add(count);
}
