using MassTransit;
using Microsoft.Extensions.Configuration;

namespace Judge.Messaging;

/// <summary>How the Api and the Worker reach the broker, written once: each adds only what is its own (the Api's
/// publisher confirmations, the Worker's endpoints).</summary>
public static class BusConfiguration
{
    /// <summary>The <c>RabbitMq</c> section, each setting it leaves out at its default.</summary>
    public static RabbitMqOptions GetRabbitMqOptions(this IConfiguration configuration) =>
        configuration.GetSection(RabbitMqOptions.Section).Get<RabbitMqOptions>() ?? new RabbitMqOptions();

    /// <summary>Points the transport at <paramref name="broker"/>; <paramref name="configure"/> adds a service's own host settings.</summary>
    public static void Host(this IRabbitMqBusFactoryConfigurator transport, RabbitMqOptions broker, Action<IRabbitMqHostConfigurator>? configure = null) =>
        transport.Host(broker.Host, broker.Port, broker.VirtualHost, host =>
        {
            host.Username(broker.Username);
            host.Password(broker.Password);
            configure?.Invoke(host);
        });
}
