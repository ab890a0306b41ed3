using Judge.Api.Access;
using Judge.Api.Languages;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Judge.Api.Problems;

/// <summary>What <c>POST /problems/{id}/verify</c> queued: one submission per example that can be judged now.</summary>
public sealed record VerificationStarted(Guid ProblemId, IReadOnlyList<ExampleQueued> Examples, IReadOnlyList<ExampleSkipped> Skipped);

public sealed record ExampleQueued(string Path, string ExpectedVerdict, Guid SubmissionId);

/// <summary>An example not judged: why (an extension no language has, a language no worker offers now, ...).</summary>
public sealed record ExampleSkipped(string Path, string? ExpectedVerdict, string Reason);

/// <summary>The latest verification: each example's verdict as judged so far, and <see cref="Passed"/> once all are judged
/// (true when each got the verdict of its folder). <see cref="Passed"/> is null while some are still being judged, and when
/// the problem was never verified.</summary>
public sealed record VerificationView(Guid ProblemId, Guid? VerificationId, DateTime? CreatedAt, bool Done, bool? Passed,
    IReadOnlyList<ExampleResult> Examples, IReadOnlyList<ExampleSkipped> Skipped);

/// <param name="Matched">Whether <see cref="Verdict"/> is the expected one; null until the submission is judged.</param>
public sealed record ExampleResult(string Path, string ExpectedVerdict, Guid SubmissionId, SubmissionStatus Status, Verdict? Verdict, bool? Matched);

/// <summary>
/// A Kattis package's example submissions (<c>submissions/accepted/...</c>), judged on demand: each becomes an ordinary
/// submission of the caller, through the queue, and must get the verdict of the folder it sits in. The problem's owner or
/// an admin may verify; another key's problem answers 404 like an unknown one.
/// </summary>
public static class VerifyApi
{
    public static IEndpointRouteBuilder MapVerifyApi(this IEndpointRouteBuilder api)
    {
        var problems = api.MapGroup("/problems").WithTags("Problems");
        problems.MapPost("/{id}/verify", Verify);
        problems.MapGet("/{id}/verify", GetVerification).WithName(nameof(GetVerification));
        return api;
    }

    /// <summary>202 with the submission made for each example; 409 when the problem has no example to judge.</summary>
    public static async Task<Results<AcceptedAtRoute<VerificationStarted>, ValidationProblem, NotFound, ProblemHttpResult>> Verify(
        string id, Caller caller, HttpContext http, VerificationStore verifications, ProblemStore problems, LanguageStore languages,
        SubmissionStore submissions, SubmissionDispatcher dispatcher, IOptions<JudgeOptions> options, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var problemId))
            return BadId();
        if (await verifications.ExamplesAsync(problemId, caller.OwnerFilter, cancellationToken) is not { } examples
            || await problems.GetLimitsAsync(problemId, caller.OwnerFilter, cancellationToken) is not { } limits)
            return TypedResults.NotFound();
        var judged = examples.Where(e => e.Skipped is null).ToList();
        if (judged.Count == 0)
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Nothing to verify",
                detail: examples.Count == 0
                    ? $"Problem {problemId} has no example submissions: only a Kattis package's submissions/ folder brings them."
                    : $"None of problem {problemId}'s {examples.Count} example submissions can be judged here (GET this address to see why).");

        var live = await languages.LiveIdsAsync(judged.Select(e => e.Language), cancellationToken);
        var multiFile = (await languages.FileLanguagesAsync(cancellationToken)).MultiFile;
        var cap = options.Value.Access.MaxUnfinishedSubmissions;
        // A folder is judged only where some worker builds its language from several files.
        var runnable = judged.Where(e => live.Contains(e.Language!) && (e.Files is null || multiFile.Contains(e.Language!))).ToList();
        if (cap > 0 && await submissions.CountUnfinishedAsync(caller.KeyId, cancellationToken) + runnable.Count > cap)
        {
            http.Response.Headers.RetryAfter = AccessControl.RetryAfterSeconds(TimeSpan.FromSeconds(options.Value.Access.QueueFullRetryAfterSeconds));
            return TypedResults.Problem(statusCode: StatusCodes.Status429TooManyRequests, title: "Too many submissions waiting",
                detail: $"Verifying makes {runnable.Count} submissions; with those this key waits for the verdicts of more than {cap}, the most it may. " +
                    "Verify again when some are judged.");
        }

        var queued = new List<ExampleQueued>();
        var runs = new List<VerificationRun>();
        foreach (var example in runnable)
        {
            // A file of its own name where the language takes files: Java's main class is the one its file names.
            var source = example.Files is null && !multiFile.Contains(example.Language!) ? example.Content : null;
            var files = source is not null ? null : example.Files ?? [new SubmissionFile(example.FileName!, example.Content!)];
            var submission = new NewSubmission(Guid.CreateVersion7(), example.Language!, source, problemId, null, limits, null, [], Files: files);
            await submissions.InsertAsync(submission, caller.KeyId, cancellationToken);
            queued.Add(new ExampleQueued(example.Path, example.Expected, submission.Id));
            runs.Add(new VerificationRun(example.Path, submission.Id, null));
        }
        var notNow = judged.Except(runnable).Select(e => (e.Path, e.Expected, Reason: live.Contains(e.Language!)
            ? $"is a submission of several files in '{e.Language}', which no worker builds from several files now."
            : $"is written in '{e.Language}', which no worker offers now.")).ToList();
        var skipped = examples.Where(e => e.Skipped is not null).Select(e => new ExampleSkipped(e.Path, NullIfEmpty(e.Expected), e.Skipped!))
            .Concat(notNow.Select(e => new ExampleSkipped(e.Path, e.Expected, e.Reason)))
            .ToList();
        runs.AddRange(notNow.Select(e => new VerificationRun(e.Path, null, e.Reason)));

        await verifications.InsertVerificationAsync(Guid.CreateVersion7(), problemId, caller.KeyId, runs, cancellationToken);
        foreach (var example in queued)
            if (!await dispatcher.TryPublishAsync(example.SubmissionId, cancellationToken))
                break; // the broker is away: the sweeper publishes the rest (each is stored as queued)
        return TypedResults.AcceptedAtRoute(new VerificationStarted(problemId, queued, skipped), nameof(GetVerification), new { id = problemId });
    }

    /// <summary>The latest verification's verdicts so far.</summary>
    public static async Task<Results<Ok<VerificationView>, ValidationProblem, NotFound>> GetVerification(
        string id, Caller caller, VerificationStore verifications, CancellationToken cancellationToken)
    {
        if (!Guid.TryParse(id, out var problemId))
            return BadId();
        if (await verifications.ExamplesAsync(problemId, caller.OwnerFilter, cancellationToken) is not { } examples)
            return TypedResults.NotFound();
        var skippedAtUpload = examples.Where(e => e.Skipped is not null).Select(e => new ExampleSkipped(e.Path, NullIfEmpty(e.Expected), e.Skipped!)).ToList();
        if (await verifications.LatestAsync(problemId, cancellationToken) is not { } latest)
            return TypedResults.Ok(new VerificationView(problemId, null, null, false, null, [], skippedAtUpload));

        var results = latest.Rows.Where(r => r.SubmissionId is not null).Select(r =>
        {
            var status = StoredNames<SubmissionStatus>.Parse(r.Status!) ?? SubmissionStatus.Queued;
            var verdict = status == SubmissionStatus.Done && r.Verdict is not null ? StoredNames<Verdict>.Parse(r.Verdict) : null;
            return new ExampleResult(r.Path, r.Expected, r.SubmissionId!.Value, status, verdict, verdict is { } v ? Matches(r.Expected, v) : null);
        }).ToList();
        var skipped = skippedAtUpload.Concat(latest.Rows.Where(r => r.Skipped is not null).Select(r => new ExampleSkipped(r.Path, r.Expected, r.Skipped!))).ToList();
        var done = results.All(r => r.Matched is not null);
        // Nothing judged (no worker offered the examples' languages) passes nothing.
        var passed = done ? results.Count > 0 && results.All(r => r.Matched == true) : (bool?)null;
        return TypedResults.Ok(new VerificationView(problemId, latest.Id, latest.CreatedAt, done, passed, results, skipped));
    }

    /// <summary>The folder's verdict; <c>rejected</c> takes any verdict but AC.</summary>
    private static bool Matches(string expected, Verdict verdict) =>
        expected == KattisPackage.Rejected ? verdict != Verdict.AC : expected == verdict.ToString();

    private static string? NullIfEmpty(string text) => text.Length == 0 ? null : text;

    private static ValidationProblem BadId()
    {
        var errors = new ValidationErrors();
        errors.Add("id", "Must be a problem id (a UUID).");
        return TypedResults.ValidationProblem(errors.ToDictionary());
    }
}
