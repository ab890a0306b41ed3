using Judge.Api.Observability;
using Judge.Contracts;
using MassTransit;
using Microsoft.Extensions.Options;

namespace Judge.Api.Submissions;

/// <summary>
/// Hands stored submissions to the broker. A failed publish is not an error for the client: the
/// submission is already stored as <c>queued</c>, and <see cref="QueuedSubmissionSweeper"/> publishes it again.
/// </summary>
public sealed class SubmissionDispatcher(IBus bus, IOptions<JudgeOptions> options, ILogger<SubmissionDispatcher> logger)
{
    public async Task<bool> TryPublishAsync(Guid id, CancellationToken cancellationToken)
    {
        // While the broker is away MassTransit waits for it; the client should not wait as long.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(options.Value.PublishTimeoutSeconds));
        try
        {
            await bus.Publish(new JudgeSubmission(id), timeout.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            ApiTelemetry.PublishFailed();
            logger.LogWarning(e, "Could not publish submission {SubmissionId}; the sweeper will publish it again", id);
            return false;
        }
        return true;
    }
}
