using Dapper;
using Judge.Data;

namespace Judge.Api.Tests;

public sealed class MigratorTests
{
    [Fact]
    public async Task Every_embedded_migration_is_applied_once_and_recorded()
    {
        await using var database = await JudgeDatabase.CreateAsync(migrate: false);

        await Migrator.MigrateAsync(database.DataSource, CancellationToken.None);
        await Migrator.MigrateAsync(database.DataSource, CancellationToken.None);

        await using var connection = await database.DataSource.OpenConnectionAsync();
        var recorded = (await connection.QueryAsync<(int Version, string Name)>("SELECT version, name FROM schema_migrations ORDER BY version")).ToList();
        Assert.Equal(Migrator.Embedded.Select(m => (m.Version, m.Name)), recorded);
        Assert.Contains((1, "initial"), recorded);
        Assert.Equal(1, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM information_schema.tables WHERE table_name = 'submissions'"));
    }

    [Fact]
    public async Task Processes_starting_together_apply_each_migration_exactly_once()
    {
        await using var database = await JudgeDatabase.CreateAsync(migrate: false);

        // Without the lock, the losers would fail on "relation already exists".
        await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => Migrator.MigrateAsync(database.DataSource, CancellationToken.None))));

        await using var connection = await database.DataSource.OpenConnectionAsync();
        Assert.Equal(Migrator.Embedded.Count, await connection.ExecuteScalarAsync<int>("SELECT count(*) FROM schema_migrations"));
    }

    [Fact]
    public void Embedded_migrations_are_numbered_from_one_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, Migrator.Embedded.Count), Migrator.Embedded.Select(m => m.Version));
    }
}
