using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace Judge.Api;

/// <summary>
/// PostgreSQL away (restarting, unreachable, out of connections) is not the client's fault nor a bug of ours: it
/// answers 503 with problem details and <c>Retry-After</c>, so that a client tries again instead of giving up on a 500.
/// An error in our own SQL (any other <see cref="PostgresException"/>) stays a 500.
/// </summary>
public sealed class UnavailableExceptionHandler(IProblemDetailsService problemDetails, ILogger<UnavailableExceptionHandler> logger) : IExceptionHandler
{
    private const int RetryAfterSeconds = 5;

    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not NpgsqlException database || database is PostgresException { IsTransient: false })
            return false;

        logger.LogWarning("{Method} {Path}: the database is unavailable: {Reason}", httpContext.Request.Method, httpContext.Request.Path, database.Message);
        httpContext.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        httpContext.Response.Headers.RetryAfter = RetryAfterSeconds.ToString();
        return await problemDetails.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = httpContext,
            Exception = exception,
            ProblemDetails = new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unavailable.",
                Detail = $"Judge cannot reach its database just now: {database.Message}. Try again in a few seconds.",
            },
        });
    }
}
