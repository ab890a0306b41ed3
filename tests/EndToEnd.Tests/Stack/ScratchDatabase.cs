using Npgsql;

namespace Judge.EndToEnd;

/// <summary>
/// A fresh, empty database <c>judge_e2e_&lt;random&gt;</c> on the server <c>ConnectionStrings__Judge</c> names,
/// made with the role's CREATEDB right and dropped on dispose. The Api migrates it when it starts.
/// </summary>
public sealed class ScratchDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private ScratchDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
    }

    public string Name { get; }
    public string ConnectionString { get; }

    public static async Task<ScratchDatabase> CreateAsync(string serverConnectionString, CancellationToken cancellationToken)
    {
        var name = $"judge_e2e_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(serverConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException)
        {
            throw new InvalidOperationException(
                $"PostgreSQL is unreachable ({e.Message}). Start it with `scripts/services.sh start` and export its settings "
                + "with `eval \"$(scripts/services.sh env)\"`.", e);
        }
        // The name is ours (a Guid), not input, so it can be spliced into the statement.
        await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
        await create.ExecuteNonQueryAsync(cancellationToken);
        return new ScratchDatabase(serverConnectionString, name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        // FORCE: a child process that would not die must not keep the database alive.
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)", connection);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await drop.ExecuteNonQueryAsync();
                return;
            }
            // FORCE may not end an autovacuum worker busy in the database (a superuser's backend): it ends on its own soon.
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InsufficientPrivilege && attempt < 10)
            {
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        }
    }
}
