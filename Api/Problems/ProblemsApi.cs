using System.Text.Json;
using Judge.Api.Access;
using Judge.Api.Data;
using Judge.Api.Languages;
using Judge.Api.Validation;
using Judge.Data;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Judge.Api.Problems;

public static class ProblemsApi
{
    public static IEndpointRouteBuilder MapProblemsApi(this IEndpointRouteBuilder api)
    {
        var options = api.ServiceProvider.GetRequiredService<IOptions<JudgeOptions>>().Value;
        var problems = api.MapGroup("/problems").WithTags("Problems");
        problems.MapPost("/", CreateProblem).WithMetadata(new RequestSizeLimitAttribute(options.MaxRequestBytes));
        // A machine-to-machine upload without cookies: antiforgery tokens protect nothing here.
        problems.MapPost("/upload", UploadProblem)
            .DisableAntiforgery()
            .WithMetadata(new RequestSizeLimitAttribute(options.MaxUploadBytes))
            .WithFormOptions(multipartBodyLengthLimit: options.MaxUploadBytes);
        problems.MapGet("/{id:guid}", GetProblem).WithName(nameof(GetProblem));
        problems.MapGet("/", ListProblems);
        return api;
    }

    public static async Task<Results<CreatedAtRoute<ProblemView>, ValidationProblem, ProblemHttpResult>> CreateProblem(
        CreateProblemRequest request, Caller caller, [AsParameters] ProblemServices services, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        if (!SizeRules.CheckProblem(request, services.Options.Value, errors))
            return SizeRules.TooLarge(errors);
        var liveLanguages = await services.Languages.LiveIdsAsync([request.Checker?.Language, request.Grader?.Language], cancellationToken);
        var graderLanguages = request.Grader is null ? null : (await services.Languages.FileLanguagesAsync(cancellationToken)).Graders;
        if (ProblemValidator.Validate(request, liveLanguages, services.Options.Value, errors, graderLanguages) is not { } problem)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        // Stored like an upload's test files: a problem's tests are files, whatever brought them.
        using var staging = new TestDataStaging();
        return await StoreAsync(problem with { Tests = staging.AddTexts(problem.Tests) }, staging, caller, services, cancellationToken);
    }

    /// <summary>
    /// Multipart form: <c>name</c>, optional <c>limits</c> and <c>checker</c> as JSON strings, and <c>file</c>,
    /// a zip of <c>N.in</c>/<c>N.out</c> pairs (each test worth one point), or a Kattis problem package
    /// (<see cref="KattisPackage"/>: its name unless the form gives one, its limits over the form's, its own checker).
    /// </summary>
    public static async Task<Results<CreatedAtRoute<ProblemView>, ValidationProblem, ProblemHttpResult>> UploadProblem(
        [FromForm] string? name, [FromForm] string? limits, [FromForm] string? checker, IFormFile? file, Caller caller,
        [AsParameters] ProblemServices services, InputValidation inputValidation, CancellationToken cancellationToken)
    {
        var errors = new ValidationErrors();
        using var staging = new TestDataStaging();
        var json = services.Json.Value.SerializerOptions;
        var limitsRequest = ParseField<LimitsRequest>(limits, "limits", json, errors);
        var checkerRequest = ParseField<CheckerRequest>(checker, "checker", json, errors);
        IReadOnlyList<TestCase> tests = [];
        KattisValidator? validator = null;
        KattisProblem? package = null;
        if (file is null)
            errors.Add("file", "A zip of N.in/N.out pairs is required.");
        else
        {
            bool isKattis;
            KattisProblem? kattis;
            await using (var zip = file.OpenReadStream())
                isKattis = KattisPackage.TryRead(zip, limitsRequest, services.Options.Value, staging, "file", errors, out kattis);
            if (isKattis && checkerRequest is not null)
                errors.Add("checker", "A Kattis package brings its own checker (the default output validator with its flags); leave checker out.");
            package = kattis;
            if (kattis is not null)
                (name, limitsRequest, checkerRequest, tests, validator) =
                    (string.IsNullOrWhiteSpace(name) ? kattis.Name : name, kattis.Limits, kattis.Checker, kattis.Tests, kattis.Validator);
            else if (!isKattis)
                await using (var zip = file.OpenReadStream())
                    tests = ProblemArchive.Read(zip, services.Options.Value, staging, "file", errors);
        }

        var inputValidators = package?.InputValidators?.Validators ?? [];
        var grader = package?.Grading?.Grader;
        var liveLanguages = await services.Languages.LiveIdsAsync(
            [checkerRequest?.Language, validator?.Language, grader?.Language, .. inputValidators.Select(v => v.Language)], cancellationToken);
        foreach (var program in inputValidators.Prepend(validator).Append(grader).OfType<KattisValidator>().Where(v => !liveLanguages.Contains(v.Language)))
            errors.Add($"file:{program.Name}", $"is written in '{program.Language}', which no worker offers now.");
        if (ProblemValidator.Validate(name, limitsRequest, checkerRequest, tests, liveLanguages, services.Options.Value, errors) is not { } problem)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        problem = package?.Into(problem) ?? problem;
        if (problem.InputValidators is null)
            return await StoreAsync(problem, staging, caller, services, cancellationToken);

        // Only a worker runs code: the problem is stored for it to read, and removed again unless every test is valid.
        await services.Problems.InsertAsync(problem, staging, caller.KeyId, cancellationToken);
        InputValidation.Outcome outcome;
        try
        {
            outcome = await inputValidation.RunAsync(problem.Id, cancellationToken);
        }
        catch
        {
            // The client went away while a worker validated: what was stored for that is removed all the same.
            await services.Verifications.DeleteUnusedProblemAsync(problem.Id, CancellationToken.None);
            throw;
        }
        if (outcome is InputValidation.Outcome.Valid)
            return await ViewAsync(problem, caller, services, cancellationToken);
        await services.Verifications.DeleteUnusedProblemAsync(problem.Id, CancellationToken.None);
        if (outcome is InputValidation.Outcome.Unavailable unavailable)
            return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "The input validators could not be run",
                detail: $"The package was not stored: {unavailable.Reason}. Upload it again later.");
        foreach (var fault in ((InputValidation.Outcome.Refused)outcome).Faults)
        {
            var testFile = fault.TestIndex is { } index ? package!.TestFiles?.GetValueOrDefault(index) ?? $"test {index}" : fault.Validator;
            errors.Add($"file:{testFile}", fault.TestIndex is null ? fault.Message : $"is refused by the input validator {fault.Validator}: {fault.Message}");
        }
        return TypedResults.ValidationProblem(errors.ToDictionary());
    }

    private static async Task<CreatedAtRoute<ProblemView>> StoreAsync(
        NewProblem problem, TestDataStaging staging, Caller caller, ProblemServices services, CancellationToken cancellationToken)
    {
        await services.Problems.InsertAsync(problem, staging, caller.KeyId, cancellationToken);
        return await ViewAsync(problem, caller, services, cancellationToken);
    }

    private static async Task<CreatedAtRoute<ProblemView>> ViewAsync(NewProblem problem, Caller caller, ProblemServices services, CancellationToken cancellationToken)
    {
        var view = await services.Problems.GetAsync(problem.Id, caller.KeyId, cancellationToken)
            ?? throw new InvalidOperationException($"Problem {problem.Id} vanished right after it was stored.");
        return TypedResults.CreatedAtRoute(view, nameof(GetProblem), new { id = problem.Id });
    }

    private static T? ParseField<T>(string? json, string field, JsonSerializerOptions options, ValidationErrors errors) where T : class
    {
        if (string.IsNullOrWhiteSpace(json))
            return null;
        try
        {
            return JsonSerializer.Deserialize<T>(json, options);
        }
        catch (JsonException e)
        {
            errors.Add(JsonErrors.FieldOf(e.Path, field), JsonErrors.ReasonOf(e));
            return null;
        }
    }

    /// <summary>Another key's problem is answered 404 like an unknown one: its existence is not told.</summary>
    public static async Task<Results<Ok<ProblemView>, NotFound>> GetProblem(Guid id, Caller caller, ProblemStore problems, CancellationToken cancellationToken)
    {
        var view = await problems.GetAsync(id, caller.OwnerFilter, cancellationToken);
        return view is null ? TypedResults.NotFound() : TypedResults.Ok(view);
    }

    public static async Task<Results<Ok<PagedList<ProblemSummary>>, ValidationProblem>> ListProblems(
        Caller caller, ProblemStore problems, CancellationToken cancellationToken, int page = 1, int pageSize = Paging.DefaultPageSize)
    {
        var errors = new ValidationErrors();
        Paging.Check(page, pageSize, errors);
        if (errors.Any)
            return TypedResults.ValidationProblem(errors.ToDictionary());
        return TypedResults.Ok(await problems.ListAsync(caller.OwnerFilter, page, pageSize, cancellationToken));
    }
}

public sealed record ProblemServices(
    ProblemStore Problems,
    LanguageStore Languages,
    VerificationStore Verifications,
    IOptions<JudgeOptions> Options,
    IOptions<Microsoft.AspNetCore.Http.Json.JsonOptions> Json);
