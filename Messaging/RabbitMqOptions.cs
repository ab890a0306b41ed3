namespace Judge.Messaging;

/// <summary>
/// The <c>RabbitMq</c> configuration section: the broker the Api publishes to and the Worker consumes from. The defaults
/// are the private broker that <c>scripts/services.sh</c> runs (a test checks it), as the connection string in
/// <c>appsettings.json</c> names its PostgreSQL: that broker has the user <c>judge</c> and no <c>guest</c> at all.
/// </summary>
public sealed class RabbitMqOptions
{
    public const string Section = "RabbitMq";

    public string Host { get; set; } = "127.0.0.1";
    public ushort Port { get; set; } = 55672;
    public string VirtualHost { get; set; } = "/";
    public string Username { get; set; } = "judge";
    public string Password { get; set; } = "judge";
}
