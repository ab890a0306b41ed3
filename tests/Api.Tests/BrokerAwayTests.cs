using System.Net;
using System.Net.Http.Json;
using Dapper;
using Judge.Api.Submissions;

namespace Judge.Api.Tests;

/// <summary>The real RabbitMQ transport pointed at a port where nothing listens.</summary>
[Collection(ApiCollection.Name)]
public sealed class BrokerAwayTests(ApiFixture fixture)
{
    [Fact]
    public async Task Submission_is_accepted_and_left_queued_for_the_sweeper_when_the_broker_is_away()
    {
        await using var factory = new JudgeApiFactory(fixture.Database.ConnectionString, _ => { },
            ("RabbitMq:Host", "127.0.0.1"), ("RabbitMq:Port", "1"), ("Judge:PublishTimeoutSeconds", "1"));
        using var client = await factory.CreateClientWithKeyAsync();

        var response = await client.PostAsJsonAsync("/api/v1/submissions", new { language = ApiFixture.LiveLanguage, source = "print(1)", stdin = "" });
        var ready = await client.GetAsync("/api/v1/health/ready");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<SubmissionAccepted>())!.Id;
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var (status, published) = await connection.QuerySingleAsync<(string, bool)>(
            "SELECT status, published_at IS NOT NULL FROM submissions WHERE id = @id", new { id });
        Assert.Equal(("queued", false), (status, published));
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
