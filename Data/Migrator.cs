using System.Text.RegularExpressions;
using Dapper;
using Npgsql;

namespace Judge.Data;

/// <summary>
/// Applies the numbered SQL files embedded in this assembly (<c>NNN_name.sql</c>), forward only, each in
/// its own transaction, and records them in <c>schema_migrations</c>. A session-level advisory lock
/// serialises processes that start at the same time, so each file runs exactly once.
/// </summary>
public static partial class Migrator
{
    // Any fixed number works; it only has to be the same in every process that migrates this schema.
    private const long AdvisoryLockKey = 0x4A75_6467_6553_514C; // "JudgeSQL"

    public static IReadOnlyList<Migration> Embedded { get; } = LoadEmbedded();

    public static async Task MigrateAsync(NpgsqlDataSource dataSource, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition("SELECT pg_advisory_lock(@AdvisoryLockKey)", new { AdvisoryLockKey }, cancellationToken: cancellationToken));
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(CreateHistoryTableSql, cancellationToken: cancellationToken));
            var applied = (await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations", cancellationToken: cancellationToken))).ToHashSet();
            foreach (var migration in Embedded.Where(m => !applied.Contains(m.Version)))
                await ApplyAsync(connection, migration, cancellationToken);
        }
        finally
        {
            // Closing the connection would release the lock too, but a pooled connection is not closed.
            await connection.ExecuteAsync("SELECT pg_advisory_unlock(@AdvisoryLockKey)", new { AdvisoryLockKey });
        }
    }

    private const string CreateHistoryTableSql = """
        CREATE TABLE IF NOT EXISTS schema_migrations (
            version    int PRIMARY KEY,
            name       text NOT NULL,
            applied_at timestamptz NOT NULL DEFAULT now()
        )
        """;

    private static async Task ApplyAsync(NpgsqlConnection connection, Migration migration, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        try
        {
            // Run as one multi-statement command: no parameters, so Npgsql sends it as a simple query.
            await using (var command = new NpgsqlCommand(migration.Sql, connection, transaction))
                await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException($"Migration {migration.Version:D3}_{migration.Name} failed: {e.MessageText}", e);
        }
        await connection.ExecuteAsync(new CommandDefinition(RecordSql, new { migration.Version, migration.Name }, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
    }

    private const string RecordSql = "INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)";

    private static IReadOnlyList<Migration> LoadEmbedded()
    {
        var assembly = typeof(Migrator).Assembly;
        var migrations = new List<Migration>();
        foreach (var resource in assembly.GetManifestResourceNames())
        {
            var match = FileName().Match(resource);
            if (!match.Success)
                continue;
            using var reader = new StreamReader(assembly.GetManifestResourceStream(resource)!);
            migrations.Add(new Migration(int.Parse(match.Groups["version"].Value), match.Groups["name"].Value, reader.ReadToEnd()));
        }
        var duplicate = migrations.GroupBy(m => m.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key:D3}.");
        return migrations.OrderBy(m => m.Version).ToList();
    }

    [GeneratedRegex(@"^migrations/(?<version>\d{3})_(?<name>\w+)\.sql$")]
    private static partial Regex FileName();
}

public sealed record Migration(int Version, string Name, string Sql);
