using System.Net;
using Judge.Observability;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Judge.Api.Observability;

public static class ApiObservabilityExtensions
{
    /// <summary>The endpoint's name, for an authorization policy that lets it through without a key.</summary>
    public const string MetricsEndpointName = "metrics";

    /// <summary>Judge's shared metrics and traces (<see cref="Judge.Observability.ObservabilityExtensions"/>), plus
    /// ASP.NET Core's requests and the Prometheus exporter behind <c>GET /metrics</c>.</summary>
    public static void AddApiObservability(this WebApplicationBuilder builder) =>
        builder.AddJudgeObservability("judge-api",
            metrics => metrics.AddAspNetCoreInstrumentation().AddPrometheusExporter(),
            tracing => tracing.AddAspNetCoreInstrumentation(http => http.Filter = context => context.Request.Path != "/metrics"));

    /// <summary><c>GET /metrics</c> in Prometheus' text format, for scrapers on this host only: a request from another address
    /// is answered 404, as if there were no such endpoint (docs/operations.md: scrape through a local agent, or a proxy).</summary>
    public static IEndpointConventionBuilder MapMetrics(this WebApplication app) =>
        app.MapPrometheusScrapingEndpoint("/metrics", meterProvider: null, optionsName: null, configureBranchedPipeline: pipeline => pipeline.Use((context, next) =>
        {
            if (IsLocal(context.Connection.RemoteIpAddress))
                return next(context);
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        })).WithName(MetricsEndpointName).ExcludeFromDescription();

    /// <summary>Loopback, as IPv4, IPv6 or IPv4 in IPv6; or no IP address at all (a Unix socket, an in-process test server).</summary>
    private static bool IsLocal(IPAddress? address) =>
        address is null || IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);
}
