using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace Judge.Observability;

/// <summary>
/// What the Api and the Worker configure alike for metrics and traces (eShop's ServiceDefaults, in small): the
/// service's name, Judge's own meters and activity sources, MassTransit's, the runtime's and the HTTP client's; and
/// OTLP export when an endpoint is configured. Each process adds only its own exporter for <c>/metrics</c>.
/// </summary>
public static class ObservabilityExtensions
{
    /// <summary>Every meter and activity source of Judge is named <c>Judge.*</c> (<c>Judge.Api</c>, <c>Judge.Worker</c>).</summary>
    public const string JudgeNames = "Judge.*";

    /// <summary>MassTransit 8's meter and activity source: consumes, publishes, retries, faults, and the trace context it
    /// carries in each message's headers from the Api to the Worker.</summary>
    public const string MassTransit = "MassTransit";

    /// <param name="serviceName">The <c>service.name</c> of every metric and span (<c>judge-api</c>, <c>judge-worker</c>).</param>
    /// <param name="metrics">The process's own additions: its instrumentation and its Prometheus exporter.</param>
    /// <param name="tracing">The process's own trace instrumentation.</param>
    public static IHostApplicationBuilder AddJudgeObservability(this IHostApplicationBuilder builder, string serviceName,
        Action<MeterProviderBuilder>? metrics = null, Action<TracerProviderBuilder>? tracing = null)
    {
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName))
            .WithMetrics(meters =>
            {
                meters.AddMeter(JudgeNames, MassTransit).AddRuntimeInstrumentation().AddHttpClientInstrumentation();
                metrics?.Invoke(meters);
            });

        // Traces cost a span per step of every submission: recorded only when someone collects them.
        if (OtlpEndpoint(builder.Configuration) is not null)
        {
            telemetry.WithTracing(traces =>
            {
                traces.AddSource(JudgeNames, MassTransit).AddHttpClientInstrumentation();
                tracing?.Invoke(traces);
            });
            // Traces, and metrics and logs too, to the collector; the standard OTEL_EXPORTER_OTLP_* settings apply.
            telemetry.UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>The collector's address: the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> (an environment variable, or a
    /// setting of that name); null when traces are off.</summary>
    public static string? OtlpEndpoint(IConfiguration configuration) =>
        configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } endpoint ? endpoint : null;
}
