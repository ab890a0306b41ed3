using System.Diagnostics;
using Judge.Contracts;
using Judge.Worker.Data;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Judge.Worker.Observability;
using MassTransit;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Messaging;

/// <summary>
/// Judges the submission a message names. The message is acknowledged only after the verdict is
/// committed, so a worker that dies mid-judge leaves it to be redelivered; a redelivery for a
/// submission that is already done finds nothing to claim and does nothing.
/// </summary>
public sealed class JudgeSubmissionConsumer(JudgingStore store, SubmissionJudge judge, LanguageSet languages, IOptions<WorkerOptions> options,
    ILogger<JudgeSubmissionConsumer> logger) : IConsumer<JudgeSubmission>
{
    public async Task Consume(ConsumeContext<JudgeSubmission> context)
    {
        var id = context.Message.SubmissionId;
        var cancellationToken = context.CancellationToken;

        WorkerTelemetry.Received(context);
        var claimed = await store.ClaimAsync(id, languages.Uncompiled, cancellationToken);
        if (claimed is null)
        {
            logger.LogInformation("Submission {SubmissionId} is already done or does not exist; nothing to do", id);
            return;
        }

        logger.LogInformation("Submission {SubmissionId} judging ({Language})", id, claimed.Language);
        var started = Stopwatch.GetTimestamp();
        var outcome = await judge.JudgeAsync(claimed.ToJudge(options.Value.DefaultTestLimits),
            () => store.SetRunningAsync(id, cancellationToken), cancellationToken);

        WorkerTelemetry.Judged(claimed.Language, Stopwatch.GetElapsedTime(started));

        if (await store.FinishAsync(id, outcome, cancellationToken))
        {
            WorkerTelemetry.Finished(claimed.Language, outcome.Verdict);
            logger.LogInformation("Submission {SubmissionId} finished: {Verdict}, score {Score}", id, outcome.Verdict, outcome.Score);
        }
        else
            logger.LogInformation("Submission {SubmissionId} was finished by someone else first; this verdict is dropped", id);
    }
}

/// <summary>
/// Retries only what is worth retrying: the database or the network being briefly away. A verdict is
/// never retried (a program that fails fails the same way), and a bug fails at once. When retries run
/// out the message goes to the error queue and <see cref="JudgeSubmissionFaultConsumer"/> records IE.
/// </summary>
public sealed class JudgeSubmissionConsumerDefinition : ConsumerDefinition<JudgeSubmissionConsumer>
{
    /// <summary>The queue every worker consumes from (competing consumers).</summary>
    public const string QueueName = "judge-submission";

    private readonly int inFlight;
    private readonly TimeSpan[] retryIntervals;

    public JudgeSubmissionConsumerDefinition(IOptions<WorkerOptions> options)
    {
        inFlight = options.Value.EffectiveSubmissionsInFlight;
        retryIntervals = options.Value.EffectiveRetryIntervals;
        EndpointName = QueueName;
        ConcurrentMessageLimit = inFlight;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<JudgeSubmissionConsumer> consumerConfigurator, IRegistrationContext context)
    {
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(retryIntervals);
            InfrastructureFailures.Handle(retry);
        });
        // Hold no more messages than are judged at once: the rest stay with the broker for other workers.
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit)
            rabbit.PrefetchCount = inFlight;
    }
}
