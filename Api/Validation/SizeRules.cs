using System.Text;
using Microsoft.AspNetCore.Http.HttpResults;
using Judge.Api.Problems;
using Judge.Api.Submissions;

namespace Judge.Api.Validation;

/// <summary>
/// The sizes a request is answered 413 for: a source (or checker source) over <see cref="JudgeOptions.MaxSourceBytes"/>,
/// inline tests over <see cref="JudgeOptions.MaxTestsBytes"/> together, a submission's or a grader's files over
/// <see cref="JudgeOptions.MaxSourceBytes"/> together. A body over <see cref="JudgeOptions.MaxRequestBytes"/>
/// is refused before it is read (the endpoints' request size limit).
/// </summary>
public static class SizeRules
{
    public static bool CheckSubmission(SubmitRequest request, JudgeOptions options, ValidationErrors errors)
    {
        CheckSource(request.Source, options.MaxSourceBytes, "source", errors);
        CheckFiles(request.Files, options.MaxSourceBytes, "files", errors);
        CheckSource(request.Checker?.Source, options.MaxSourceBytes, "checker.source", errors);
        CheckTests(Texts(request.Tests).Append(request.Stdin).Append(request.ExpectedOutput), options.MaxTestsBytes, "tests", errors);
        return !errors.Any;
    }

    public static bool CheckProblem(CreateProblemRequest request, JudgeOptions options, ValidationErrors errors)
    {
        CheckSource(request.Checker?.Source, options.MaxSourceBytes, "checker.source", errors);
        CheckTests(Texts(request.Tests), options.MaxTestsBytes, "tests", errors);
        return !errors.Any;
    }

    private static void CheckFiles(IReadOnlyList<SubmissionFileRequest?>? files, int maxBytes, string field, ValidationErrors errors)
    {
        if (FileRules.Bytes(files) is var bytes && bytes > maxBytes)
            errors.Add(field, $"The files add up to {bytes} bytes; at most {maxBytes} are accepted.");
    }

    private static IEnumerable<string?> Texts(IReadOnlyList<TestCaseRequest?>? tests) =>
        tests?.SelectMany(t => new[] { t?.Input, t?.ExpectedOutput }) ?? [];

    private static void CheckSource(string? source, int maxBytes, string field, ValidationErrors errors)
    {
        if (source is not null && Encoding.UTF8.GetByteCount(source) is var bytes && bytes > maxBytes)
            errors.Add(field, $"Is {bytes} bytes; at most {maxBytes} are accepted.");
    }

    private static void CheckTests(IEnumerable<string?> texts, long maxBytes, string field, ValidationErrors errors)
    {
        var bytes = texts.Sum(t => t is null ? 0L : Encoding.UTF8.GetByteCount(t));
        if (bytes > maxBytes)
            errors.Add(field, $"Inputs and expected outputs add up to {bytes} bytes; at most {maxBytes} are accepted.");
    }

    /// <summary>413 with the fields that are too large, as a validation problem.</summary>
    public static ProblemHttpResult TooLarge(ValidationErrors errors) =>
        TypedResults.Problem(new HttpValidationProblemDetails(errors.ToDictionary())
        {
            Status = StatusCodes.Status413PayloadTooLarge,
            Title = "The request is too large.",
        });
}
