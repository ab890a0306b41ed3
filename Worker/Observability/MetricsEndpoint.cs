using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Observability;

/// <summary>
/// Where this worker serves <c>/metrics</c>: <c>Worker:MetricsUrl</c>, or, when its port is taken (several workers on one
/// host), the same address on a free port, which the log names. Null when the setting is empty: no metrics endpoint.
/// </summary>
public sealed record MetricsEndpoint(Uri Url, Uri Configured)
{
    public const string Setting = "Worker:MetricsUrl";
    public const string DefaultUrl = "http://127.0.0.1:9464/metrics";

    public bool Moved => Url.Port != Configured.Port;

    public static MetricsEndpoint? Choose(string? setting)
    {
        if (setting is "")
            return null;
        var configured = new Uri(setting ?? DefaultUrl);
        var address = configured.Host is "localhost" ? IPAddress.Loopback : IPAddress.Parse(configured.Host.Trim('[', ']'));
        var port = IsFree(address, configured.Port) ? configured.Port : AnyFreePort(address);
        return new MetricsEndpoint(new UriBuilder(configured) { Port = port }.Uri, configured);
    }

    // Another worker may take the port between this look and the exporter's bind; then this worker stops at start-up
    // with the exporter's error, and its supervisor (make run, systemd) starts it again, to look again.
    private static bool IsFree(IPAddress address, int port)
    {
        var listener = new TcpListener(address, port);
        try
        {
            listener.Start();
            return true;
        }
        catch (SocketException e) when (e.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            return false;
        }
        finally
        {
            listener.Stop();
        }
    }

    private static int AnyFreePort(IPAddress address)
    {
        var listener = new TcpListener(address, 0);
        listener.Start();
        try
        {
            return ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        finally
        {
            listener.Stop();
        }
    }
}

/// <summary>Says at start-up where the metrics are, and why when it is not where configured.</summary>
public sealed class MetricsEndpointLog(MetricsEndpoint endpoint, ILogger<MetricsEndpointLog> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (endpoint.Moved)
            logger.LogWarning("Metrics at {MetricsUrl}: port {ConfiguredPort} of {ConfiguredUrl} is taken (another worker on this host?)",
                endpoint.Url, endpoint.Configured.Port, endpoint.Configured);
        else
            logger.LogInformation("Metrics at {MetricsUrl}", endpoint.Url);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
