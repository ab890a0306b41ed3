using Dapper;
using Judge.Data;
using Npgsql;

namespace Judge.Api.Tests;

/// <summary>
/// A fresh database <c>judge_test_&lt;random&gt;</c> on the PostgreSQL named by <c>ConnectionStrings__Judge</c>
/// (exported by <c>make test</c>), dropped on dispose. No server means a failed test, not a skipped one.
/// </summary>
public sealed class JudgeDatabase : IAsyncDisposable
{
    private readonly string _serverConnectionString;

    private JudgeDatabase(string serverConnectionString, string name)
    {
        _serverConnectionString = serverConnectionString;
        Name = name;
        ConnectionString = new NpgsqlConnectionStringBuilder(serverConnectionString) { Database = name }.ConnectionString;
        DataSource = NpgsqlDataSource.Create(ConnectionString);
    }

    public string Name { get; }
    public string ConnectionString { get; }
    public NpgsqlDataSource DataSource { get; }

    public static async Task<JudgeDatabase> CreateAsync(bool migrate = true)
    {
        var server = Environment.GetEnvironmentVariable("ConnectionStrings__Judge")
            ?? throw new InvalidOperationException(
                "ConnectionStrings__Judge is not set: these tests need a PostgreSQL. Run them with `make test`, "
                + "or `eval \"$(scripts/services.sh env)\"` after `scripts/services.sh start`.");
        var name = $"judge_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE {name}"); // a name we made, so no injection
        }
        var database = new JudgeDatabase(server, name);
        if (migrate)
            await Migrator.MigrateAsync(database.DataSource, CancellationToken.None);
        return database;
    }

    public async ValueTask DisposeAsync()
    {
        await DataSource.DisposeAsync();
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_serverConnectionString);
        await connection.OpenAsync();
        await connection.ExecuteAsync($"DROP DATABASE IF EXISTS {Name} WITH (FORCE)");
    }
}
