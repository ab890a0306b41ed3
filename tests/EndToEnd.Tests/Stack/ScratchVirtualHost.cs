using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;

namespace Judge.EndToEnd;

/// <summary>
/// A RabbitMQ virtual host of its own, made through the management HTTP API and deleted on dispose.
/// Every Judge worker consumes the same queue name, so on a shared virtual host another worker (a
/// `make run`, a parallel test run) would take this run's messages, find the submission missing from its
/// own database, and drop them. In a private virtual host only this run's worker sees this run's messages.
/// </summary>
public sealed class ScratchVirtualHost : IAsyncDisposable
{
    private readonly HttpClient _management;

    private ScratchVirtualHost(HttpClient management, string name)
    {
        _management = management;
        Name = name;
    }

    public string Name { get; }

    public static async Task<ScratchVirtualHost> CreateAsync(BrokerSettings broker, CancellationToken cancellationToken)
    {
        var management = new HttpClient { BaseAddress = new Uri($"http://{broker.Host}:{broker.ManagementPort}/api/"), Timeout = TimeSpan.FromSeconds(30) };
        management.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{broker.Username}:{broker.Password}")));
        var name = $"judge_e2e_{Guid.NewGuid():N}";
        var vhost = Uri.EscapeDataString(name);
        try
        {
            await SucceedAsync(await management.PutAsJsonAsync($"vhosts/{vhost}", new { description = "Judge end-to-end run" }, cancellationToken), "create the virtual host");
            await SucceedAsync(await management.PutAsJsonAsync($"permissions/{vhost}/{Uri.EscapeDataString(broker.Username)}",
                new { configure = ".*", write = ".*", read = ".*" }, cancellationToken), "grant permissions on it");
        }
        catch (HttpRequestException e)
        {
            management.Dispose();
            throw new InvalidOperationException(
                $"The RabbitMQ management API at {management.BaseAddress} is unreachable or refused ({e.Message}). Start RabbitMQ with "
                + "`scripts/services.sh start`; RabbitMq__ManagementPort overrides the port (default 55673).", e);
        }
        return new ScratchVirtualHost(management, name);
    }

    private static async Task SucceedAsync(HttpResponseMessage response, string what)
    {
        if (!response.IsSuccessStatusCode)
            throw new HttpRequestException($"could not {what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    public async ValueTask DisposeAsync()
    {
        using (_management)
            await _management.DeleteAsync($"vhosts/{Uri.EscapeDataString(Name)}");
    }
}

/// <summary>Where the broker is, from the same <c>RabbitMq__*</c> variables the Api and the Worker read.</summary>
public sealed record BrokerSettings(string Host, string Username, string Password, int ManagementPort)
{
    public static BrokerSettings FromEnvironment() => new(
        Environment.GetEnvironmentVariable("RabbitMq__Host") ?? "127.0.0.1",
        Environment.GetEnvironmentVariable("RabbitMq__Username") ?? "judge",
        Environment.GetEnvironmentVariable("RabbitMq__Password") ?? "judge",
        int.Parse(Environment.GetEnvironmentVariable("RabbitMq__ManagementPort") ?? "55673"));
}
