using Judge.Api.Access;
using Judge.Api.Callbacks;
using Judge.Api.Data;
using Judge.Api.Languages;
using Judge.Api.Observability;
using Judge.Api.Problems;
using Judge.Api.Validation;
using Judge.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Judge.Api.Submissions;

public static class SubmissionsApi
{
    public static IEndpointRouteBuilder MapSubmissionsApi(this IEndpointRouteBuilder api)
    {
        var options = api.ServiceProvider.GetRequiredService<IOptions<JudgeOptions>>().Value;
        var submissions = api.MapGroup("/submissions").WithTags("Submissions");
        submissions.MapPost("/", Submit).WithMetadata(new RequestSizeLimitAttribute(options.MaxRequestBytes));
        submissions.MapGet("/{id:guid}", GetSubmission).WithName(nameof(GetSubmission));
        submissions.MapGet("/", ListSubmissions);
        return api;
    }

    /// <summary>Stores the submission, queues it for judging, and with <c>wait=true</c> waits (bounded) for the verdict.
    /// A key with too many submissions waiting for a verdict is answered 429.</summary>
    public static async Task<Results<Ok<SubmissionView>, AcceptedAtRoute<SubmissionAccepted>, ValidationProblem, ProblemHttpResult>> Submit(
        SubmitRequest request, bool? wait, Caller caller, HttpContext http, [AsParameters] SubmissionServices services, CancellationToken cancellationToken)
    {
        var options = services.Options.Value;
        var errors = new ValidationErrors();
        if (!SizeRules.CheckSubmission(request, options, errors))
            return SizeRules.TooLarge(errors);
        var context = new SubmitContext(
            await services.Languages.LiveIdsAsync([request.Language, request.Checker?.Language], cancellationToken),
            request.ProblemId is { } problemId ? await services.Problems.GetLimitsAsync(problemId, caller.OwnerFilter, cancellationToken) : null,
            services.CallbackAddresses,
            request.Files is null ? null : (await services.Languages.FileLanguagesAsync(cancellationToken)).MultiFile);
        if (SubmissionValidator.Validate(request, context, options, errors) is not { } submission)
            return TypedResults.ValidationProblem(errors.ToDictionary());

        var cap = options.Access.MaxUnfinishedSubmissions;
        if (cap > 0 && await services.Submissions.CountUnfinishedAsync(caller.KeyId, cancellationToken) >= cap)
        {
            http.Response.Headers.RetryAfter = AccessControl.RetryAfterSeconds(TimeSpan.FromSeconds(options.Access.QueueFullRetryAfterSeconds));
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many submissions waiting",
                detail: $"This key has {cap} submissions waiting for a verdict, the most it may have; submit again when some are judged.");
        }

        await services.Submissions.InsertAsync(submission, caller.KeyId, cancellationToken);
        ApiTelemetry.Accepted(submission.Id, submission.Language);
        services.Log.LogInformation("Submission {SubmissionId} queued ({Language})", submission.Id, submission.Language);
        // Watching starts before the publish: a worker may finish before the publish call returns.
        using var watch = wait == true ? services.DoneListener.WatchFor(submission.Id) : null;
        await services.Dispatcher.TryPublishAsync(submission.Id, cancellationToken);

        var status = SubmissionStatus.Queued;
        if (watch is not null)
        {
            try
            {
                await watch.WaitAsync(TimeSpan.FromSeconds(options.WaitTimeoutSeconds), cancellationToken);
                var view = await services.Submissions.GetAsync(submission.Id, caller.KeyId, options.OutputPreviewBytes, cancellationToken);
                if (view?.Status == SubmissionStatus.Done)
                    return TypedResults.Ok(view);
                status = view?.Status ?? status;
            }
            catch (NpgsqlException)
            {
                // The database went away after the submission was stored: it is accepted (a 503 would make the client
                // submit it twice), and its verdict appears at the location below once the database is back.
            }
        }
        return TypedResults.AcceptedAtRoute(new SubmissionAccepted(submission.Id, status), nameof(GetSubmission), new { id = submission.Id });
    }

    /// <summary>Another key's submission is answered 404 like an unknown one: its existence is not told.</summary>
    public static async Task<Results<Ok<SubmissionView>, NotFound>> GetSubmission(
        Guid id, Caller caller, SubmissionStore submissions, IOptions<JudgeOptions> options, CancellationToken cancellationToken)
    {
        var view = await submissions.GetAsync(id, caller.OwnerFilter, options.Value.OutputPreviewBytes, cancellationToken);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PagedList<SubmissionSummary>>, ValidationProblem>> ListSubmissions(
        Caller caller, SubmissionStore submissions, string? status, string? verdict, Guid? problemId, CancellationToken cancellationToken,
        int page = 1, int pageSize = Paging.DefaultPageSize)
    {
        var errors = new ValidationErrors();
        Paging.Check(page, pageSize, errors);
        if (status is not null && StoredNames<SubmissionStatus>.Parse(status) is null)
            errors.Add("status", $"Must be one of {string.Join(", ", StoredNames<SubmissionStatus>.All)}.");
        if (verdict is not null && StoredNames<Verdict>.Parse(verdict) is null)
            errors.Add("verdict", $"Must be one of {string.Join(", ", StoredNames<Verdict>.All)}.");
        if (errors.Any)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await submissions.ListAsync(caller.OwnerFilter, status, verdict, problemId, page, pageSize, cancellationToken));
    }
}

public sealed record SubmissionServices(
    SubmissionStore Submissions,
    ProblemStore Problems,
    LanguageStore Languages,
    SubmissionDispatcher Dispatcher,
    SubmissionDoneListener DoneListener,
    CallbackAddresses CallbackAddresses,
    IOptions<JudgeOptions> Options,
    ILogger<SubmissionServices> Log);
