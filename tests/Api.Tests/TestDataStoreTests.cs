using Dapper;
using Judge.Api.Access;
using Judge.Api.Problems;
using Judge.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

/// <summary>Test files shared between problems, against the real database: what a refused upload's cleanup may remove.</summary>
[Collection(ApiCollection.Name)]
public sealed class TestDataStoreTests(ApiFixture fixture)
{
    [Fact]
    public async Task A_refused_upload_s_cleanup_keeps_a_file_another_upload_is_storing_and_removes_the_one_nobody_uses()
    {
        var services = fixture.Factory.Services;
        var owner = (await services.GetRequiredService<ApiKeyStore>().CreateAsync($"test-data-{Guid.NewGuid():N}", isAdmin: false, CancellationToken.None)).Id;
        using var staging = new TestDataStaging();
        var (shared, own) = (staging.AddText($"shared {Guid.NewGuid():N}\n"), staging.AddText($"own {Guid.NewGuid():N}\n"));
        var refused = new NewProblem(Guid.NewGuid(), "refused", new Limits(1000, 3000, 65536, 16, 1024), CheckerSpec.Default,
            [TestCase.Stored(1, shared, own, 1)]);
        await services.GetRequiredService<ProblemStore>().InsertAsync(refused, staging, owner, CancellationToken.None);

        // Another upload has found the shared file stored and not yet committed the tests that use it.
        await using var other = await fixture.Database.DataSource.OpenConnectionAsync();
        await using var transaction = await other.BeginTransactionAsync();
        await using (var content = staging.OpenRead(shared))
            await TestData.WriteAsync(other, transaction, shared, content, CancellationToken.None);

        // The cleanup neither waits for that upload nor takes its file from under it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        Assert.True(await services.GetRequiredService<VerificationStore>().DeleteUnusedProblemAsync(refused.Id, deadline.Token));
        await transaction.CommitAsync();

        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var left = await connection.QueryAsync<string>("SELECT encode(digest, 'hex') FROM test_data WHERE digest = ANY(@digests)",
            new { digests = new[] { Convert.FromHexString(shared.Sha256), Convert.FromHexString(own.Sha256) } });
        Assert.Equal([shared.Sha256], left);
    }
}
