namespace Judge.Faults.Tests;

/// <summary>Tests that stop servers of their own (<see cref="Stack.PrivatePostgres"/>, <see cref="Stack.PrivateRabbitMq"/>), and the load test.</summary>
[CollectionDefinition(Name)]
public sealed class PrivateServers
{
    public const string Name = "private servers";
}

/// <summary>Tests on the shared PostgreSQL and RabbitMQ (a scratch database and virtual host each), which they never stop.</summary>
[CollectionDefinition(Name)]
public sealed class SharedServers
{
    public const string Name = "shared servers";
}
