using System.Net.Http.Headers;
using Dapper;
using Judge.Api.Access;
using MassTransit;
using MassTransit.Testing;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

[CollectionDefinition(Name)]
public sealed class ApiCollection : ICollectionFixture<ApiFixture>
{
    public const string Name = "api";
}

/// <summary>The real Api over a fresh database, with MassTransit's in-memory harness in place of RabbitMQ.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public const string LiveLanguage = "python3";
    public const int OutputPreviewBytes = 16;
    public const int WaitTimeoutSeconds = 2;

    public JudgeDatabase Database { get; private set; } = null!;
    public JudgeApiFactory Factory { get; private set; } = null!;
    /// <summary>A client with a tenant key of its own (not an admin).</summary>
    public HttpClient Client { get; private set; } = null!;
    public ITestHarness Harness => Factory.Services.GetTestHarness();

    public async Task InitializeAsync()
    {
        Database = await JudgeDatabase.CreateAsync();
        // Seen an hour ahead, so the language stays live however long the run takes.
        await Database.DataSource.CreateConnection().ExecuteAsync(
            "INSERT INTO worker_languages (worker_id, language_id, name, version, last_seen) VALUES ('fixture', @LiveLanguage, 'Python 3', '3.11', now() + interval '1 hour')",
            new { LiveLanguage });
        // Off here, so that many tests' requests are not limited; AccessTests turn them on.
        Factory = new JudgeApiFactory(Database.ConnectionString, services => services.AddMassTransitTestHarness(),
            ("Judge:Access:RequestsPerSecond", "0"), ("Judge:Access:MaxUnfinishedSubmissions", "0"));
        Client = await Factory.CreateClientWithKeyAsync();
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
    }
}

public sealed class JudgeApiFactory(string connectionString, Action<IServiceCollection> configureServices, params (string Key, string Value)[] settings)
    : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseSetting("ConnectionStrings:Judge", connectionString);
        builder.UseSetting("Judge:OutputPreviewBytes", ApiFixture.OutputPreviewBytes.ToString());
        builder.UseSetting("Judge:WaitTimeoutSeconds", ApiFixture.WaitTimeoutSeconds.ToString());
        // The background sweeper stays out of the way; tests drive it with SweepOnceAsync.
        builder.UseSetting("Judge:RequeueAfterSeconds", "3600");
        foreach (var (key, value) in settings)
            builder.UseSetting(key, value);
        builder.ConfigureTestServices(configureServices);
    }

    /// <summary>A client that sends a new key, made as <c>make key</c> makes it.</summary>
    public async Task<HttpClient> CreateClientWithKeyAsync(bool admin = false)
    {
        var key = await CreateKeyAsync(admin);
        var client = CreateClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key.Key);
        return client;
    }

    public Task<CreatedApiKey> CreateKeyAsync(bool admin = false) =>
        Services.GetRequiredService<ApiKeyStore>().CreateAsync($"test-{Guid.NewGuid():N}", admin, CancellationToken.None);
}
