using System.Globalization;
using Judge.Api.Callbacks;
using Microsoft.AspNetCore.Authentication;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Judge.Api.Access;

/// <summary>
/// Keys, tenants, per-key rate limits, and the callbacks signed with a key's secret. Every endpoint needs a key (the fallback policy) unless it says
/// otherwise with <c>.AllowAnonymous()</c>: the health probes, the OpenAPI document, and /metrics (which answers only this host).
/// </summary>
public static class AccessControl
{
    public static void AddAccessControl(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddMemoryCache();
        services.AddSingleton<ApiKeyStore>();
        services.AddSingleton(provider => new CallbackAddresses(provider.GetRequiredService<IOptions<JudgeOptions>>().Value.Callbacks.AllowedNetworks));
        services.AddSingleton<CallbackStore>();
        services.AddSingleton<CallbackSender>();
        services.AddHostedService(provider => provider.GetRequiredService<CallbackSender>());
        services.AddAuthentication(ApiKeyAuthenticationHandler.SchemeName)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(ApiKeyAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(ApiKeyAuthenticationHandler.SchemeName).RequireAuthenticatedUser().Build());

        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<JudgeOptions>>((limiter, judge) =>
        {
            var access = judge.Value.Access;
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, Guid>(context =>
                access.RequestsPerSecond > 0 && Caller.From(context.User) is { } caller
                    ? RateLimitPartition.GetTokenBucketLimiter(caller.KeyId, _ => new TokenBucketRateLimiterOptions
                    {
                        TokenLimit = Math.Max(access.RequestBurst, 1),
                        TokensPerPeriod = access.RequestsPerSecond,
                        ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                        QueueLimit = 0,
                    })
                    // Anonymous requests are the probes and the OpenAPI document, or are answered 401 right after.
                    : RateLimitPartition.GetNoLimiter(Guid.Empty));
            limiter.OnRejected = (context, cancellationToken) =>
            {
                var retryAfter = context.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return TooManyRequestsAsync(context.HttpContext, retryAfter, $"This key is limited to {access.RequestsPerSecond} requests a second.");
            };
        });
    }

    public static void UseAccessControl(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
    }

    /// <summary>429 with <c>Retry-After</c> (whole seconds, at least 1) and problem details.</summary>
    public static ValueTask TooManyRequestsAsync(HttpContext context, TimeSpan retryAfter, string detail)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = RetryAfterSeconds(retryAfter);
        return context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails { Status = StatusCodes.Status429TooManyRequests, Title = "Too many requests", Detail = detail },
        });
    }

    public static string RetryAfterSeconds(TimeSpan wait) =>
        Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
}
