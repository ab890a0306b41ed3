using Judge.Contracts;
using Judge.Worker.Data;
using Judge.Worker.Observability;
using MassTransit;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Messaging;

/// <summary>
/// The end of the line for a message the worker could not judge (retries exhausted, or a failure
/// that is not worth retrying): the message itself is already in the error queue; this marks the
/// submission IE with the reason, so that every accepted submission ends with a verdict.
/// A separate consumer, rather than a filter, so that it runs after MassTransit has settled the
/// original message, and gets retries of its own if the database is what failed.
/// </summary>
public sealed class JudgeSubmissionFaultConsumer(JudgingStore store, ILogger<JudgeSubmissionFaultConsumer> logger)
    : IConsumer<Fault<JudgeSubmission>>
{
    public async Task Consume(ConsumeContext<Fault<JudgeSubmission>> context)
    {
        var id = context.Message.Message.SubmissionId;
        var exception = context.Message.Exceptions.FirstOrDefault();
        var reason = exception is null
            ? "judging failed"
            : $"judging failed: {exception.ExceptionType}: {exception.Message}";
        if (reason.Length > 2000)
            reason = reason[..2000];

        if (await store.MarkInternalErrorAsync(id, reason, context.CancellationToken))
        {
            WorkerTelemetry.Faulted();
            logger.LogError("Submission {SubmissionId} finished: IE after its retries: {Reason}", id, reason);
        }
    }
}

public sealed class JudgeSubmissionFaultConsumerDefinition : ConsumerDefinition<JudgeSubmissionFaultConsumer>
{
    public JudgeSubmissionFaultConsumerDefinition() => EndpointName = "judge-submission-fault";

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<JudgeSubmissionFaultConsumer> consumerConfigurator, IRegistrationContext context)
    {
        // Longer than the judging retries: the usual reason to be here is the database being away.
        endpointConfigurator.UseMessageRetry(retry =>
        {
            retry.Intervals(TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(30), TimeSpan.FromMinutes(1), TimeSpan.FromMinutes(2));
            InfrastructureFailures.Handle(retry);
        });
    }
}
