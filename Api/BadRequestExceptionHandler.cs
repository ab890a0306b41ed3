using System.Text.Json;
using Judge.Api.Validation;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;

namespace Judge.Api;

/// <summary>
/// Minimal APIs throw <see cref="BadHttpRequestException"/> for a body or parameter they cannot bind
/// (malformed JSON, a wrong type, no body, a value that is not a number, an oversized request).
/// Each becomes RFC 7807 problem details with the status the framework chose, never a 500; a JSON
/// error becomes a validation problem naming the field.
/// </summary>
public sealed class BadRequestExceptionHandler(IProblemDetailsService problemDetails) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
            return false;

        ProblemDetails problem = badRequest.InnerException is JsonException json
            ? new HttpValidationProblemDetails(new Dictionary<string, string[]> { [JsonErrors.FieldOf(json.Path)] = [JsonErrors.ReasonOf(json)] })
            {
                Title = "The request body is not valid JSON for this request.",
            }
            : new ProblemDetails { Title = "The request could not be read.", Detail = badRequest.Message };
        problem.Status = badRequest.StatusCode;
        httpContext.Response.StatusCode = badRequest.StatusCode;
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }
}
