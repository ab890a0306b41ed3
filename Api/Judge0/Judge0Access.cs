using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Judge.Api.Judge0;

/// <summary>
/// Judge0's <c>X-Auth-User</c> (authorization to list and delete submissions), checked against the configured tokens
/// as Judge0's <c>AUTHZ_TOKEN</c>; Judge0 answers 403 with no body. Judge0's <c>X-Auth-Token</c> is one of our API keys:
/// the Api's key check reads it (Api/Access/ApiKeyAuthenticationHandler.cs), and a key sees only its own submissions.
/// </summary>
public static class Judge0Access
{
    /// <summary>For listing and deleting: 403 unless the request carries an accepted <c>X-Auth-User</c> (when any is configured).</summary>
    public static ValueTask<object?> Authorize(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<Judge0Options>>().Value;
        return Accepted(context.HttpContext, options.AuthzHeader, options.AuthzTokens)
            ? next(context)
            : ValueTask.FromResult<object?>(Refuse(context.HttpContext, StatusCodes.Status403Forbidden));
    }

    private static bool Accepted(HttpContext context, string header, string[] tokens)
    {
        if (tokens.Length == 0)
            return true;
        var given = Encoding.UTF8.GetBytes(context.Request.Headers[header].ToString());
        return tokens.Any(token => CryptographicOperations.FixedTimeEquals(given, Encoding.UTF8.GetBytes(token)));
    }

    private static IResult Refuse(HttpContext context, int status)
    {
        // Judge0's answer has no body; the status code pages of our own API would add one.
        if (context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            pages.Enabled = false;
        return Results.StatusCode(status);
    }
}
