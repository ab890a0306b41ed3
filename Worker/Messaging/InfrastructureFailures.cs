using MassTransit;
using Npgsql;
using RabbitMQ.Client.Exceptions;

namespace Judge.Worker.Messaging;

/// <summary>The exceptions that mean "the database or the broker was away", which a later attempt may not meet.</summary>
internal static class InfrastructureFailures
{
    public static void Handle(IRetryConfigurator retry)
    {
        // A connection-level failure, or a server error PostgreSQL calls transient (shutting down, too many connections, ...);
        // not an error in our own SQL, which would fail again.
        retry.Handle<NpgsqlException>(e => e.IsTransient || e is not PostgresException);
        retry.Handle<TimeoutException>();
        retry.Handle<BrokerUnreachableException>();
        retry.Handle<AlreadyClosedException>();
        retry.Handle<RabbitMqConnectionException>();
    }
}
