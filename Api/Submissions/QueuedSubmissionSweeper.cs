using Judge.Api.Observability;
using Microsoft.Extensions.Options;

namespace Judge.Api.Submissions;

/// <summary>
/// Publishes again every submission still queued <c>Judge:RequeueAfterSeconds</c> after its last publish:
/// one the broker never took (it was away, or the API stopped between insert and publish), or one
/// whose message was lost; and every one still compiling or running <c>Judge:StuckAfterSeconds</c>
/// after it (its worker gave up on an unreachable database). Workers ignore a message for a
/// submission they already finished, and only the first verdict is kept.
/// </summary>
public sealed class QueuedSubmissionSweeper(
    SubmissionStore submissions,
    SubmissionDispatcher dispatcher,
    IOptions<JudgeOptions> options,
    ILogger<QueuedSubmissionSweeper> logger) : BackgroundService
{
    private const int BatchSize = 500;

    private TimeSpan RequeueAfter => TimeSpan.FromSeconds(options.Value.RequeueAfterSeconds);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(Math.Clamp(options.Value.RequeueAfterSeconds / 3.0, 1, 10)));
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await SweepOnceAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Sweeping queued submissions failed; trying again at the next tick");
            }
        }
    }

    /// <summary>Returns how many submissions were published again.</summary>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var published = 0;
        var stuckAfter = TimeSpan.FromSeconds(options.Value.StuckAfterSeconds);
        foreach (var id in await submissions.DueForRepublishAsync(RequeueAfter, stuckAfter, BatchSize, cancellationToken))
        {
            if (!await dispatcher.TryPublishAsync(id, cancellationToken))
                break; // the broker is away; the rest would fail the same way
            await submissions.MarkPublishedAsync(id, cancellationToken);
            published++;
        }
        ApiTelemetry.Republished(published);
        if (published > 0)
            logger.LogInformation("Published {Count} queued submissions again", published);
        return published;
    }
}
