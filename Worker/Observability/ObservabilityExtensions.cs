using Judge.Observability;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace Judge.Worker.Observability;

public static class WorkerObservabilityExtensions
{
    /// <summary>Judge's shared metrics and traces (<see cref="Judge.Observability.ObservabilityExtensions"/>), served in
    /// Prometheus' format at <c>Worker:MetricsUrl</c> by the exporter's own HttpListener: the worker has no web server.</summary>
    public static IHostApplicationBuilder AddWorkerObservability(this IHostApplicationBuilder builder)
    {
        var endpoint = MetricsEndpoint.Choose(builder.Configuration[MetricsEndpoint.Setting]);
        builder.AddJudgeObservability("judge-worker", metrics =>
        {
            if (endpoint is not null)
                metrics.AddPrometheusHttpListener(listener =>
                {
                    listener.Host = endpoint.Url.Host;
                    listener.Port = endpoint.Url.Port;
                    listener.ScrapeEndpointPath = endpoint.Url.AbsolutePath;
                });
        });
        if (endpoint is not null)
        {
            builder.Services.AddSingleton(endpoint);
            builder.Services.AddHostedService<MetricsEndpointLog>();
        }
        return builder;
    }
}
