using Judge.Api.Access;
using Judge.Api.Callbacks;
using System.Text.Json.Nodes;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;
using Microsoft.Extensions.Options;

namespace Judge.Api.Judge0;

/// <summary>Judge0's <c>/submissions</c>: each one of our submissions with one test, judged by the same queue and workers.</summary>
public static class Judge0SubmissionsApi
{
    public const int MaxPerPage = 100;

    public static IEndpointRouteBuilder MapJudge0SubmissionsApi(this IEndpointRouteBuilder api)
    {
        var submissions = api.MapGroup("/submissions");
        submissions.MapPost("/", CreateSubmission);
        submissions.MapGet("/", ListSubmissions).AddEndpointFilter(Judge0Access.Authorize);
        submissions.MapPost("/batch", CreateBatch);
        submissions.MapGet("/batch", GetBatch);
        submissions.MapGet("/{token}", GetSubmission);
        submissions.MapDelete("/{token}", DeleteSubmission).AddEndpointFilter(Judge0Access.Authorize);
        return api;
    }

    public static async Task<IResult> CreateSubmission(HttpRequest request, [AsParameters] Judge0Services services, CancellationToken cancellationToken)
    {
        var fields = Judge0SubmissionView.Requested(request.Query["fields"], out var invalid);
        if (fields is null)
            return InvalidFields(invalid);
        if (await Judge0Json.ReadBodyAsync(request, cancellationToken) is not JsonObject body)
            return Judge0Json.Error("the request body must be a JSON object of submission attributes");
        if (await QueueIsFullAsync(services, 1, cancellationToken))
            return QueueFull();

        var base64 = Judge0Json.Flag(request, "base64_encoded");
        var names = await services.NamesAsync(cancellationToken);
        var errors = new ValidationErrors();
        if (Judge0SubmissionRequest.Validate(body, base64, names, services.Judge.Value, services.Options.Value, services.CallbackAddresses, errors) is not { } submission)
            return Judge0Json.Ok(Judge0Json.Errors(errors), StatusCodes.Status422UnprocessableEntity);

        await services.Submissions.InsertAsync(submission, Caller.Of(request.HttpContext).KeyId, cancellationToken);
        // Watching starts before the publish: a worker may finish before the publish call returns.
        using var watch = Judge0Json.Flag(request, "wait") ? services.DoneListener.WatchFor(submission.Id) : null;
        await services.Dispatcher.TryPublishAsync(submission.Id, cancellationToken);
        var token = new JsonObject { ["token"] = submission.Id.ToString() };
        if (watch is null)
            return Judge0Json.Ok(token, StatusCodes.Status201Created);

        // Judge0 waits as long as the run takes; we wait as long as our own API does, then show where it is.
        await watch.WaitAsync(TimeSpan.FromSeconds(services.Judge.Value.WaitTimeoutSeconds), cancellationToken);
        var rows = await services.Store.GetAsync([submission.Id], Caller.Of(request.HttpContext).OwnerFilter, cancellationToken);
        try
        {
            return Judge0Json.Ok(Judge0SubmissionView.Write(rows[submission.Id], fields, base64, names), StatusCodes.Status201Created);
        }
        catch (Judge0ConversionException)
        {
            token["error"] = Judge0ConversionException.OneSubmission;
            return Judge0Json.Ok(token, StatusCodes.Status201Created);
        }
    }

    public static async Task<IResult> GetSubmission(string token, HttpRequest request, [AsParameters] Judge0Services services, CancellationToken cancellationToken)
    {
        var fields = Judge0SubmissionView.Requested(request.Query["fields"], out var invalid);
        if (fields is null)
            return InvalidFields(invalid);
        if (!Guid.TryParse(token, out var id) || (await services.Store.GetAsync([id], Caller.Of(request.HttpContext).OwnerFilter, cancellationToken)).GetValueOrDefault(id) is not { } row)
            return Judge0Json.NotFound();
        try
        {
            return Judge0Json.Ok(Judge0SubmissionView.Write(row, fields, Judge0Json.Flag(request, "base64_encoded"), await services.NamesAsync(cancellationToken)));
        }
        catch (Judge0ConversionException)
        {
            return Judge0Json.Error(Judge0ConversionException.OneSubmission);
        }
    }

    /// <summary>Deletes a finished submission and answers it, base64-encoded whatever was asked, as Judge0 does.</summary>
    public static async Task<IResult> DeleteSubmission(string token, HttpRequest request, [AsParameters] Judge0Services services, CancellationToken cancellationToken)
    {
        var fields = Judge0SubmissionView.Requested(request.Query["fields"], out var invalid);
        if (fields is null)
            return InvalidFields(invalid);
        if (!Guid.TryParse(token, out var id) || (await services.Store.GetAsync([id], Caller.Of(request.HttpContext).OwnerFilter, cancellationToken)).GetValueOrDefault(id) is not { } row)
            return Judge0Json.NotFound();
        var body = Judge0SubmissionView.Write(row, fields, base64: true, await services.NamesAsync(cancellationToken));
        if (row.Status != SubmissionStatus.Done || !await services.Store.DeleteFinishedAsync(id, Caller.Of(request.HttpContext).OwnerFilter, cancellationToken))
        {
            var status = row.Status == SubmissionStatus.Queued ? Judge0Statuses.InQueue : Judge0Statuses.Processing;
            return Judge0Json.Error($"submission cannot be deleted because its status is {status.Id} ({status.Description})");
        }
        return Judge0Json.Ok(body);
    }

    public static async Task<IResult> ListSubmissions(HttpRequest request, [AsParameters] Judge0Services services, CancellationToken cancellationToken)
    {
        var fields = Judge0SubmissionView.Requested(request.Query["fields"], out var invalid);
        if (fields is null)
            return InvalidFields(invalid);
        var page = IntegerOr(request.Query["page"], 1);
        var perPage = IntegerOr(request.Query["per_page"], 20);
        if (page <= 0)
            return Judge0Json.Error($"invalid page: {page}");
        if (perPage is < 0 or > MaxPerPage)
            return Judge0Json.Error($"invalid per_page: {perPage} (at most {MaxPerPage})");

        var (rows, total) = await services.Store.ListAsync(page, perPage, Caller.Of(request.HttpContext).OwnerFilter, cancellationToken);
        var names = await services.NamesAsync(cancellationToken);
        JsonArray submissions;
        try
        {
            submissions = new JsonArray(rows.Select(r => (JsonNode?)Judge0SubmissionView.Write(r, fields, Judge0Json.Flag(request, "base64_encoded"), names)).ToArray());
        }
        catch (Judge0ConversionException)
        {
            return Judge0Json.Error(Judge0ConversionException.SeveralSubmissions);
        }
        var totalPages = perPage == 0 ? 0 : (int)((total + perPage - 1) / perPage);
        return Judge0Json.Ok(new JsonObject
        {
            ["submissions"] = submissions,
            ["meta"] = new JsonObject
            {
                ["current_page"] = page,
                ["next_page"] = page < totalPages ? page + 1 : null,
                ["prev_page"] = page > 1 ? page - 1 : null,
                ["total_pages"] = totalPages,
                ["total_count"] = total,
            },
        });
    }

    /// <summary>Creates each submission on its own: the answer has a token or the errors of each, in order.</summary>
    public static async Task<IResult> CreateBatch(HttpRequest request, [AsParameters] Judge0Services services, CancellationToken cancellationToken)
    {
        var items = (await Judge0Json.ReadBodyAsync(request, cancellationToken) as JsonObject)?["submissions"] as JsonArray;
        if (BatchSizeError(items?.Count ?? 0, services.Options.Value) is { } sizeError)
            return sizeError;
        if (await QueueIsFullAsync(services, items!.Count, cancellationToken))
            return QueueFull();

        var base64 = Judge0Json.Flag(request, "base64_encoded");
        var names = await services.NamesAsync(cancellationToken);
        var answers = new JsonArray();
        var created = new List<Guid>();
        foreach (var item in items)
        {
            var errors = new ValidationErrors();
            if (item is not JsonObject body)
                errors.Add("submission", "must be an object of submission attributes");
            else if (Judge0SubmissionRequest.Validate(body, base64, names, services.Judge.Value, services.Options.Value, services.CallbackAddresses, errors) is { } submission)
            {
                await services.Submissions.InsertAsync(submission, Caller.Of(request.HttpContext).KeyId, cancellationToken);
                created.Add(submission.Id);
                answers.Add(new JsonObject { ["token"] = submission.Id.ToString() });
                continue;
            }
            answers.Add(Judge0Json.Errors(errors));
        }
        foreach (var id in created)
            await services.Dispatcher.TryPublishAsync(id, cancellationToken);
        return Judge0Json.Ok(answers, created.Count > 0 ? StatusCodes.Status201Created : StatusCodes.Status422UnprocessableEntity);
    }

    /// <summary><c>?tokens=a,b,c</c>: the submissions in that order, null for a token that names none.</summary>
    public static async Task<IResult> GetBatch(HttpRequest request, [AsParameters] Judge0Services services, CancellationToken cancellationToken)
    {
        var tokens = (request.Headers["tokens"].ToString() is { Length: > 0 } header ? header : request.Query["tokens"].ToString())
            .Trim().Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        if (BatchSizeError(tokens.Length, services.Options.Value) is { } sizeError)
            return sizeError;
        var fields = Judge0SubmissionView.Requested(request.Query["fields"], out var invalid);
        if (fields is null)
            return InvalidFields(invalid);

        var ids = tokens.Select(t => Guid.TryParse(t, out var id) ? id : (Guid?)null).ToList();
        var rows = await services.Store.GetAsync(ids.OfType<Guid>().ToList(), Caller.Of(request.HttpContext).OwnerFilter, cancellationToken);
        var names = await services.NamesAsync(cancellationToken);
        try
        {
            var submissions = ids.Select(id => id is { } known && rows.TryGetValue(known, out var row)
                ? (JsonNode?)Judge0SubmissionView.Write(row, fields, Judge0Json.Flag(request, "base64_encoded"), names)
                : null);
            return Judge0Json.Ok(new JsonObject { ["submissions"] = new JsonArray(submissions.ToArray()) });
        }
        catch (Judge0ConversionException)
        {
            return Judge0Json.Error(Judge0ConversionException.SeveralSubmissions);
        }
    }

    private static IResult? BatchSizeError(int count, Judge0Options options) => count switch
    {
        0 => Judge0Json.Error("there should be at least one submission in a batch"),
        _ when count > options.MaxSubmissionBatchSize =>
            Judge0Json.Error($"number of submissions in a batch should be less than or equal to {options.MaxSubmissionBatchSize}"),
        _ => null,
    };

    private static async Task<bool> QueueIsFullAsync(Judge0Services services, int adding, CancellationToken cancellationToken) =>
        await services.Store.QueuedAsync(cancellationToken) + adding > services.Options.Value.MaxQueueSize;

    private static IResult QueueFull() => Judge0Json.Error("queue is full", StatusCodes.Status503ServiceUnavailable);

    private static IResult InvalidFields(IReadOnlyList<string> invalid) => Judge0Json.Error($"invalid fields: [{string.Join(", ", invalid)}]");

    // Ruby's to_i: leading digits, else 0.
    private static int IntegerOr(string? text, int fallback)
    {
        if (string.IsNullOrEmpty(text))
            return fallback;
        var digits = new string(text.Trim().TakeWhile((c, i) => char.IsAsciiDigit(c) || (i == 0 && c == '-')).ToArray());
        return int.TryParse(digits, out var value) ? value : 0;
    }
}

public sealed record Judge0Services(
    SubmissionStore Submissions,
    Judge0Store Store,
    SubmissionDispatcher Dispatcher,
    SubmissionDoneListener DoneListener,
    IOptions<JudgeOptions> Judge,
    IOptions<Judge0Options> Options,
    CallbackAddresses CallbackAddresses)
{
    public async Task<Judge0Languages.Names> NamesAsync(CancellationToken cancellationToken) =>
        new(await Store.LiveLanguagesAsync(cancellationToken));
}
