using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Judge.Api.Access;

/// <summary>
/// <c>Authorization: Bearer KEY</c>. A key found live is remembered for <see cref="AccessOptions.KeyCacheSeconds"/>,
/// which bounds how long a revoked key keeps working; an unknown key is never remembered, so a new key works at once.
/// A missing or wrong key is answered 401 with problem details.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiKeyStore keys,
    IMemoryCache cache,
    IOptions<JudgeOptions> judgeOptions,
    IProblemDetailsService problemDetails)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "ApiKey";
    private const string BearerPrefix = "Bearer ";
    // A key is the prefix and 43 characters; anything much longer is not one, and is not worth hashing.
    private const int MaxKeyLength = 128;
    private const string FailureItem = "judge:auth_failure";
    private const string Judge0TokenHeader = "X-Auth-Token";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var headers = Request.Headers.Authorization;
        // Judge0's clients send their token as X-Auth-Token (Api/Judge0): there it is one of our keys.
        if (headers.Count == 0 && Request.Headers[Judge0TokenHeader] is [{ } token])
            return await AuthenticateAsync(token.Trim());
        if (headers.Count == 0)
            return Fail("An API key is required: send it as 'Authorization: Bearer KEY'.");
        if (headers.Count > 1)
            return Fail("Send one Authorization header.");
        var header = headers[0] ?? "";
        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
            return Fail("The Authorization header must be 'Bearer KEY'.");
        return await AuthenticateAsync(header[BearerPrefix.Length..].Trim());
    }

    private async Task<AuthenticateResult> AuthenticateAsync(string key)
    {
        if (key.Length is 0 or > MaxKeyLength)
            return Fail("The API key is unknown or revoked.");

        var found = await FindAsync(key);
        if (found is null)
            return Fail("The API key is unknown or revoked.");
        var claims = new List<Claim> { new(Caller.KeyIdClaim, found.Id.ToString()), new(ClaimTypes.Name, found.Name) };
        if (found.IsAdmin)
            claims.Add(new Claim(ClaimTypes.Role, Caller.AdminRole));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity(claims, SchemeName)), SchemeName));
    }

    private async Task<ApiKey?> FindAsync(string key)
    {
        var cacheSeconds = judgeOptions.Value.Access.KeyCacheSeconds;
        var cacheKey = (nameof(ApiKeyAuthenticationHandler), Convert.ToHexString(ApiKeyStore.Hash(key)));
        if (cacheSeconds > 0 && cache.TryGetValue(cacheKey, out ApiKey? cached))
            return cached;
        var found = await keys.FindAsync(key, Context.RequestAborted);
        if (found is not null && cacheSeconds > 0)
            cache.Set(cacheKey, found, TimeSpan.FromSeconds(cacheSeconds));
        return found;
    }

    private AuthenticateResult Fail(string reason)
    {
        Context.Items[FailureItem] = reason;
        return AuthenticateResult.Fail(reason);
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers[HeaderNames.WWWAuthenticate] = "Bearer";
        var reason = Context.Items[FailureItem] as string ?? "An API key is required: send it as 'Authorization: Bearer KEY'.";
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status401Unauthorized, Title = "Unauthorized", Detail = reason },
        });
    }

    protected override async Task HandleForbiddenAsync(AuthenticationProperties properties)
    {
        Response.StatusCode = StatusCodes.Status403Forbidden;
        await problemDetails.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = Context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Forbidden", Detail = "This key may not do that." },
        });
    }
}
