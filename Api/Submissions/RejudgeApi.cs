using Judge.Api.Access;
using Judge.Api.Validation;
using Judge.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Judge.Api.Submissions;

/// <summary>What <c>POST /problems/{id}/rejudge</c> queued again: every finished submission of the problem.</summary>
public sealed record ProblemRejudged(Guid ProblemId, IReadOnlyList<Guid> Submissions);

/// <summary>
/// Rejudging (admin keys only): a finished submission's judgement goes into its history
/// (<c>GET /submissions/{id}/history</c>) and the submission goes back through the queue for a fresh verdict. An id the
/// key cannot see answers 404 whoever asks, as everywhere; a key that sees it but is no admin is refused 403.
/// </summary>
public static class RejudgeApi
{
    public static IEndpointRouteBuilder MapRejudgeApi(this IEndpointRouteBuilder api)
    {
        api.MapPost("/submissions/{id}/rejudge", RejudgeSubmission).WithTags("Submissions");
        api.MapGet("/submissions/{id}/history", GetHistory).WithTags("Submissions");
        api.MapPost("/problems/{id}/rejudge", RejudgeProblem).WithTags("Problems");
        return api;
    }

    /// <summary>202 with the submission queued again; 409 while it is still queued or being judged.</summary>
    public static async Task<Results<AcceptedAtRoute<SubmissionAccepted>, ValidationProblem, NotFound, ProblemHttpResult>> RejudgeSubmission(
        string id, Caller caller, JudgementStore judgements, SubmissionDispatcher dispatcher, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } submissionId)
            return BadId("submission");
        var status = await judgements.StatusAsync(submissionId, caller.OwnerFilter, cancellationToken);
        if (status is null)
            return TypedResults.NotFound();
        if (!caller.IsAdmin)
            return AdminOnly();
        if (status != SubmissionStatus.Done || !await judgements.RejudgeSubmissionAsync(submissionId, caller.KeyId, cancellationToken))
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not judged yet",
                detail: $"Submission {submissionId} has no verdict yet (it is queued or being judged): it gets a fresh one anyway; " +
                    "rejudge it once it is done.");
        await dispatcher.TryPublishAsync(submissionId, cancellationToken);
        return TypedResults.AcceptedAtRoute(new SubmissionAccepted(submissionId, SubmissionStatus.Queued), nameof(SubmissionsApi.GetSubmission),
            new { id = submissionId });
    }

    /// <summary>202 with the ids of the problem's finished submissions, each queued again (none: an empty list).</summary>
    public static async Task<Results<Accepted<ProblemRejudged>, ValidationProblem, NotFound, ProblemHttpResult>> RejudgeProblem(
        string id, Caller caller, JudgementStore judgements, SubmissionDispatcher dispatcher, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } problemId)
            return BadId("problem");
        if (!await judgements.ProblemExistsAsync(problemId, caller.OwnerFilter, cancellationToken))
            return TypedResults.NotFound();
        if (!caller.IsAdmin)
            return AdminOnly();
        var queued = await judgements.RejudgeProblemAsync(problemId, caller.KeyId, cancellationToken);
        foreach (var submissionId in queued)
            if (!await dispatcher.TryPublishAsync(submissionId, cancellationToken))
                break; // the broker is away: the sweeper publishes them (each is queued, published_at set)
        return TypedResults.Accepted($"/api/v1/submissions?problemId={problemId}", new ProblemRejudged(problemId, queued));
    }

    /// <summary>The judgements rejudges replaced, oldest first (the current one is the submission itself).</summary>
    public static async Task<Results<Ok<IReadOnlyList<JudgementView>>, ValidationProblem, NotFound>> GetHistory(
        string id, Caller caller, JudgementStore judgements, IOptions<JudgeOptions> options, CancellationToken cancellationToken)
    {
        if (ParseId(id) is not { } submissionId)
            return BadId("submission");
        var history = await judgements.HistoryAsync(submissionId, caller.OwnerFilter, options.Value.OutputPreviewBytes, cancellationToken);
        return history is null ? TypedResults.NotFound() : TypedResults.Ok(history);
    }

    private static Guid? ParseId(string id) => Guid.TryParse(id, out var parsed) ? parsed : null;

    private static ValidationProblem BadId(string what)
    {
        var errors = new ValidationErrors();
        errors.Add("id", $"Must be a {what} id (a UUID).");
        return TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static ProblemHttpResult AdminOnly() => TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Forbidden",
        detail: "Only an admin key may rejudge.");
}
