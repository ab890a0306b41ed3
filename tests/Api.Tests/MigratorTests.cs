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
    public async Task Tests_stored_as_text_before_migration_10_become_files_named_by_the_sha256_of_their_utf8_bytes()
    {
        await using var database = await JudgeDatabase.CreateAsync(migrate: false);
        await using var connection = await database.DataSource.OpenConnectionAsync();
        // The schema as migration 9 left it, recorded as applied, with a problem whose tests are text (one shared, one empty).
        await connection.ExecuteAsync("CREATE TABLE schema_migrations (version int PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())");
        foreach (var migration in Migrator.Embedded.Where(m => m.Version <= 9))
        {
            await connection.ExecuteAsync(migration.Sql);
            await connection.ExecuteAsync("INSERT INTO schema_migrations (version, name) VALUES (@Version, @Name)", new { migration.Version, migration.Name });
        }
        var problem = Guid.NewGuid();
        await connection.ExecuteAsync("""
            INSERT INTO problems (id, name, limits, checker) VALUES (@problem, 'old', '{}', '{}');
            INSERT INTO problem_tests (problem_id, index, input, expected_output) VALUES (@problem, 1, 'ünï 1', '2'), (@problem, 2, '2', '');
            """, new { problem });

        await Migrator.MigrateAsync(database.DataSource, CancellationToken.None);

        var tests = (await connection.QueryAsync<(string Input, string Answer)>("""
            SELECT encode(input_digest, 'hex'), encode(answer_digest, 'hex') FROM problem_tests WHERE problem_id = @problem ORDER BY index
            """, new { problem })).ToList();
        string Sha256(string text) => Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(text)));
        Assert.Equal([(Sha256("ünï 1"), Sha256("2")), (Sha256("2"), Sha256(""))], tests);
        var files = (await connection.QueryAsync<(string Digest, long Size, byte[]? Bytes)>("""
            SELECT encode(d.digest, 'hex'), d.size, (SELECT string_agg(c.bytes, ''::bytea ORDER BY c.seq) FROM test_data_chunks c WHERE c.digest = d.digest)
            FROM test_data d
            """)).ToDictionary(f => f.Digest);
        Assert.Equal(3, files.Count);
        Assert.Equal(System.Text.Encoding.UTF8.GetBytes("ünï 1"), files[Sha256("ünï 1")].Bytes);
        Assert.Equal((0L, (byte[]?)null), (files[Sha256("")].Size, files[Sha256("")].Bytes));
    }

    [Fact]
    public void Embedded_migrations_are_numbered_from_one_without_gaps()
    {
        Assert.Equal(Enumerable.Range(1, Migrator.Embedded.Count), Migrator.Embedded.Select(m => m.Version));
    }
}
