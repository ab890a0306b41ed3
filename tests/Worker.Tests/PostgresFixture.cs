using Judge.Data;
using Npgsql;

namespace Judge.Worker.Tests;

/// <summary>
/// A fresh, migrated database on the PostgreSQL that <c>scripts/services.sh start</c> runs (or the one
/// <c>ConnectionStrings__Judge</c> names), dropped after the tests. An unreachable server fails the tests.
/// </summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    private const string DefaultServer = "Host=127.0.0.1;Port=55432;Username=judge;Password=judge;Database=judge";

    private readonly string databaseName = $"judge_worker_test_{Guid.NewGuid():N}";
    private readonly string serverConnectionString =
        Environment.GetEnvironmentVariable("ConnectionStrings__Judge") is { Length: > 0 } configured ? configured : DefaultServer;

    public string ConnectionString { get; private set; } = "";
    public NpgsqlDataSource DataSource { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await using (var server = NpgsqlDataSource.Create(serverConnectionString))
        await using (var create = server.CreateCommand($"CREATE DATABASE {databaseName}"))
            await create.ExecuteNonQueryAsync();

        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = databaseName }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
        await Migrator.MigrateAsync(DataSource, CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var server = NpgsqlDataSource.Create(serverConnectionString);
        await using var drop = server.CreateCommand($"DROP DATABASE IF EXISTS {databaseName} WITH (FORCE)");
        await drop.ExecuteNonQueryAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresFixture>
{
    public const string Name = "PostgreSQL";
}
