using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.Extensions.Options;

namespace Judge.Api.Judge0;

/// <summary>
/// Who may use the Judge0 surface: the one place that reads Judge0's <c>X-Auth-Token</c> (authentication, every
/// endpoint) and <c>X-Auth-User</c> (authorization, listing and deleting submissions). Today they are checked against
/// the configured tokens, as Judge0's <c>AUTHN_TOKEN</c> and <c>AUTHZ_TOKEN</c>; once the Api has keys, this is where
/// <c>X-Auth-Token</c> becomes one of them. Judge0 answers 401 and 403 with no body.
/// </summary>
public static class Judge0Access
{
    /// <summary>For the whole surface: 401 unless the request carries an accepted <c>X-Auth-Token</c> (when any is configured).</summary>
    public static ValueTask<object?> Authenticate(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var options = context.HttpContext.RequestServices.GetRequiredService<IOptions<Judge0Options>>().Value;
        return Accepted(context.HttpContext, options.AuthnHeader, options.AuthnTokens)
            ? next(context)
            : ValueTask.FromResult<object?>(Refuse(context.HttpContext, StatusCodes.Status401Unauthorized));
    }

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
