using System.Security.Cryptography;
using Dapper;
using Judge.Api.Validation;
using Judge.Data;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Tests;

/// <summary>The worker's cache of a problem's test files (<see cref="TestDataCache"/>), against the real database.</summary>
[Collection(PostgresCollection.Name)]
public sealed class TestDataCacheTests(PostgresFixture postgres)
{
    private static readonly Language C = LanguageCatalog.C();

    [Fact]
    public async Task A_problem_s_files_are_fetched_once_by_a_worker_however_many_submissions_use_them()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, new FakeSandbox(), C);
        // Two tests whose input is their answer (the fake program echoes): two distinct files.
        var problem = await worker.InsertProblemAsync(null, new CheckerRequest("exact", null, null, null), ("1\n", "1\n", 1), ("2\n", "2\n", 1));

        for (var i = 0; i < 3; i++)
        {
            var id = await worker.InsertSubmissionAsync("c", "int main(){}", problemId: problem);
            await worker.JudgeAsync(id);
            Assert.Equal("AC", (await worker.SubmissionAsync(id)).Verdict);
        }

        Assert.Equal(2, worker.TestData.Fetches);
    }

    [Fact]
    public async Task Files_no_run_uses_go_least_recently_used_first_once_the_cache_is_over_its_size_and_files_in_use_stay()
    {
        var (a, b, c) = (await StoreAsync("aaaaa"), await StoreAsync("bbbbb"), await StoreAsync("ccccc"));
        using var cache = Cache(maxBytes: 8);

        using var inUse = await cache.AcquireAsync(a, CancellationToken.None);
        string bPath;
        using (var lease = await cache.AcquireAsync(b, CancellationToken.None))
            bPath = lease.Path;
        // a (in use) and b (not) are 10 bytes: b goes.
        Assert.False(File.Exists(bPath));
        Assert.Equal("aaaaa", await File.ReadAllTextAsync(inUse.Path));

        using (await cache.AcquireAsync(c, CancellationToken.None))
        using (var again = await cache.AcquireAsync(b, CancellationToken.None))
            Assert.Equal("bbbbb", await File.ReadAllTextAsync(again.Path));
        Assert.Equal(4, cache.Fetches);
        Assert.True(File.Exists(inUse.Path));
    }

    [Fact]
    public async Task A_cached_file_is_read_only_and_a_stored_file_that_is_not_what_its_digest_says_is_refused()
    {
        var good = await StoreAsync("good\n");
        var bad = await StoreAsync("tampered\n");
        await using (var connection = await postgres.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("UPDATE test_data_chunks SET bytes = 'tampered!'::bytea WHERE digest = decode(@Sha256, 'hex')", bad);
        using var cache = Cache(maxBytes: 1 << 20);

        using (var lease = await cache.AcquireAsync(good, CancellationToken.None))
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead, File.GetUnixFileMode(lease.Path));
        var refused = await Assert.ThrowsAsync<InvalidDataException>(() => cache.AcquireAsync(bad, CancellationToken.None));
        Assert.Contains(bad.Sha256, refused.Message);
        // Nothing of it is kept, and the next use tries again.
        await Assert.ThrowsAsync<InvalidDataException>(() => cache.AcquireAsync(bad, CancellationToken.None));
        Assert.Equal(1, cache.Fetches);
    }

    private TestDataCache Cache(long maxBytes) => new(postgres.DataSource,
        Options.Create(new WorkerOptions { TestDataDirectory = WorkerHarness.TestDataDirectory, TestDataCacheBytes = maxBytes }),
        NullLogger<TestDataCache>.Instance);

    /// <summary>Stores a file as the Api does.</summary>
    private async Task<TestFile> StoreAsync(string text)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(text);
        var file = new TestFile(Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        await using var connection = await postgres.DataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await TestData.WriteAsync(connection, transaction, file, new MemoryStream(bytes), CancellationToken.None);
        await transaction.CommitAsync();
        return file;
    }
}
