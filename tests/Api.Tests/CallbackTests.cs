using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Dapper;
using Judge.Api.Callbacks;
using MassTransit;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

/// <summary>On a database of their own: every Api on a database sends its callbacks, and the shared fixture's would
/// take part (with other settings).</summary>
public sealed class CallbackTests : IAsyncLifetime
{
    private static readonly TimeSpan DeliveryTimeout = TimeSpan.FromSeconds(30);
    private JudgeDatabase _database = null!;

    public async Task InitializeAsync()
    {
        _database = await JudgeDatabase.CreateAsync();
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "INSERT INTO worker_languages (worker_id, language_id, name, version, last_seen) VALUES ('fixture', @LiveLanguage, 'Python 3', '3.11', now() + interval '1 hour')",
            new { ApiFixture.LiveLanguage });
    }

    public async Task DisposeAsync() => await _database.DisposeAsync();

    /// <summary>An Api whose callbacks may reach <paramref name="allowed"/>, retrying fast.</summary>
    private JudgeApiFactory Api(params string[] allowed) =>
        new(_database.ConnectionString, services => services.AddMassTransitTestHarness(),
            [("Judge:Callbacks:PollSeconds", "0.2"), ("Judge:Callbacks:FirstRetrySeconds", "0.2"), ("Judge:Callbacks:MaxAttempts", "4"),
             .. allowed.Select((network, i) => ($"Judge:Callbacks:AllowedNetworks:{i}", network))]);

    private async Task<Guid> SubmitAsync(HttpClient client, string callbackUrl)
    {
        var response = await client.PostAsJsonAsync("/api/v1/submissions",
            new { language = ApiFixture.LiveLanguage, source = "print(1)", stdin = "", callbackUrl });
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    private async Task FinishAsync(Guid id)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        await connection.ExecuteAsync(
            "UPDATE submissions SET status = 'done', verdict = 'AC', score = 1, started_at = now(), finished_at = now() WHERE id = @id", new { id });
    }

    private async Task<(int Attempts, bool Delivered, bool Failed, string? Error)> CallbackRowAsync(Guid id)
    {
        await using var connection = await _database.DataSource.OpenConnectionAsync();
        return await connection.QuerySingleAsync<(int, bool, bool, string?)>(
            "SELECT attempts, delivered_at IS NOT NULL, failed_at IS NOT NULL, last_error FROM submission_callbacks WHERE submission_id = @id", new { id });
    }

    private async Task<(int Attempts, bool Delivered, bool Failed, string? Error)> SettledAsync(Guid id)
    {
        var deadline = DateTime.UtcNow + DeliveryTimeout;
        while (true)
        {
            var row = await CallbackRowAsync(id);
            if (row.Delivered || row.Failed || DateTime.UtcNow > deadline)
                return row;
            await Task.Delay(100);
        }
    }

    [Fact]
    public async Task Final_result_is_posted_to_the_callback_signed_with_the_keys_secret()
    {
        await using var receiver = await Receiver.StartAsync("127.0.0.1");
        await using var api = Api("127.0.0.1/32");
        var key = await api.CreateKeyAsync();
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Authorization = new("Bearer", key.Key);

        var id = await SubmitAsync(client, receiver.Url("/done"));
        await Task.Delay(500);
        Assert.Empty(receiver.Requests); // not before the verdict
        await FinishAsync(id);

        Assert.True((await SettledAsync(id)).Delivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("POST", "/done"), (request.Method, request.Path));
        Assert.Equal(CallbackSender.Sign(request.Body, Convert.FromHexString(key.SigningSecret)), request.Signature);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(id, body.RootElement.GetProperty("id").GetGuid());
        Assert.Equal("AC", body.RootElement.GetProperty("verdict").GetString());
    }

    [Fact]
    public async Task A_Judge0_callback_url_gets_Judge0s_PUT_of_the_default_fields_base64_encoded_and_signed()
    {
        await using var receiver = await Receiver.StartAsync("127.0.0.1");
        await using var api = Api("127.0.0.1/32");
        var key = await api.CreateKeyAsync();
        using var client = api.CreateClient();
        client.DefaultRequestHeaders.Add("X-Auth-Token", key.Key);

        var response = await client.PostAsJsonAsync("/submissions", new { source_code = "print(1)", language_id = 71, callback_url = receiver.Url("/judge0") });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var id = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("token").GetGuid();
        await using (var connection = await _database.DataSource.OpenConnectionAsync())
            await connection.ExecuteAsync("""
                INSERT INTO test_results (submission_id, index, verdict, cpu_time_ms, wall_time_ms, memory_kb, exit_code, stdout, stdout_truncated, stderr, stderr_truncated)
                VALUES (@id, 1, 'AC', 12, 20, 3000, 0, '1', false, '', false);
                INSERT INTO run_outputs (submission_id, stdout, stderr) VALUES (@id, '\x310a', '')
                """, new { id });
        await FinishAsync(id);

        Assert.True((await SettledAsync(id)).Delivered);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(("PUT", "/judge0"), (request.Method, request.Path));
        Assert.Equal(CallbackSender.Sign(request.Body, Convert.FromHexString(key.SigningSecret)), request.Signature);
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(["compile_output", "memory", "message", "status", "stderr", "stdout", "time", "token"],
            body.RootElement.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(id, body.RootElement.GetProperty("token").GetGuid());
        Assert.Equal(3, body.RootElement.GetProperty("status").GetProperty("id").GetInt32());
        Assert.Equal("MQo=\n", body.RootElement.GetProperty("stdout").GetString()); // "1\n", base64 as Judge0 (Ruby) writes it
    }

    [Fact]
    public async Task Failed_callback_is_tried_again_with_backoff_until_the_receiver_answers_2xx()
    {
        await using var receiver = await Receiver.StartAsync("127.0.0.1", failFirst: 2);
        await using var api = Api("127.0.0.1/32");
        using var client = await api.CreateClientWithKeyAsync();

        var id = await SubmitAsync(client, receiver.Url("/flaky"));
        await FinishAsync(id);

        var row = await SettledAsync(id);
        Assert.True(row.Delivered, $"not delivered: {row}");
        Assert.Equal(3, row.Attempts);
        var times = receiver.Requests.Select(r => r.At).ToList();
        Assert.Equal(3, times.Count);
        Assert.True(times[2] - times[1] > times[1] - times[0] - TimeSpan.FromMilliseconds(100), "the wait grows between attempts");
    }

    [Fact]
    public async Task Callback_that_keeps_failing_is_given_up_after_the_configured_attempts()
    {
        await using var receiver = await Receiver.StartAsync("127.0.0.1", failFirst: int.MaxValue);
        await using var api = Api("127.0.0.1/32");
        using var client = await api.CreateClientWithKeyAsync();

        var id = await SubmitAsync(client, receiver.Url("/down"));
        await FinishAsync(id);

        var row = await SettledAsync(id);
        Assert.Equal((4, false, true), (row.Attempts, row.Delivered, row.Failed));
        Assert.Contains("500", row.Error);
    }

    [Fact]
    public async Task Callback_to_a_name_that_resolves_to_loopback_is_refused_unless_configuration_allows_it()
    {
        await using var receiver = await Receiver.StartAsync("127.0.0.1");
        await using var api = Api();
        using var client = await api.CreateClientWithKeyAsync();

        var id = await SubmitAsync(client, receiver.Url("/", host: "localhost"));
        await FinishAsync(id);

        var row = await SettledAsync(id);
        Assert.False(row.Delivered);
        Assert.Contains("may not reach", row.Error);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Redirect_to_a_refused_address_is_not_followed()
    {
        // Only 127.0.0.1 is allowed; the receiver there redirects to 127.0.0.2, another loopback address.
        await using var target = await Receiver.StartAsync("127.0.0.2");
        await using var redirector = await Receiver.StartAsync("127.0.0.1", redirectTo: target.Url("/stolen"));
        await using var api = Api("127.0.0.1/32");
        using var client = await api.CreateClientWithKeyAsync();

        var id = await SubmitAsync(client, redirector.Url("/start"));
        await FinishAsync(id);

        var row = await SettledAsync(id);
        Assert.False(row.Delivered);
        Assert.Contains("127.0.0.2", row.Error);
        Assert.NotEmpty(redirector.Requests);
        Assert.Empty(target.Requests);
    }

    [Fact]
    public async Task Callback_accepted_by_an_Api_that_stopped_is_sent_by_the_next_one()
    {
        await using var receiver = await Receiver.StartAsync("127.0.0.1");
        Guid id;
        await using (var first = Api("127.0.0.1/32"))
        {
            using var client = await first.CreateClientWithKeyAsync();
            id = await SubmitAsync(client, receiver.Url("/later"));
        }
        await FinishAsync(id); // judged while no Api runs

        await using var second = Api("127.0.0.1/32");
        _ = second.Services; // starts it, and its sender

        Assert.True((await SettledAsync(id)).Delivered);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Callback_url_that_is_not_absolute_http_or_names_a_refused_address_is_a_400()
    {
        await using var api = Api();
        using var client = await api.CreateClientWithKeyAsync();
        string[] urls =
        [
            "ftp://example.com/x", "/relative/path", "not a url", "http://127.0.0.1/x", "http://[::1]/x",
            "http://169.254.169.254/latest/meta-data", "http://10.0.0.1/x", "http://[::ffff:192.168.1.1]/x",
            "http://example.com/" + new string('x', CallbackRules.MaxUrlLength),
        ];

        foreach (var callbackUrl in urls)
        {
            var response = await client.PostAsJsonAsync("/api/v1/submissions",
                new { language = ApiFixture.LiveLanguage, source = "print(1)", stdin = "", callbackUrl });

            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{callbackUrl}: {(int)response.StatusCode}");
            Assert.True((await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("errors").TryGetProperty("callbackUrl", out _), callbackUrl);
        }
    }

    [Theory]
    [InlineData("127.0.0.1", false)]
    [InlineData("10.1.2.3", false)]
    [InlineData("172.16.0.1", false)]
    [InlineData("192.168.0.1", false)]
    [InlineData("169.254.169.254", false)]
    [InlineData("100.64.0.1", false)]
    [InlineData("0.0.0.0", false)]
    [InlineData("224.0.0.1", false)]
    [InlineData("255.255.255.255", false)]
    [InlineData("::1", false)]
    [InlineData("::", false)]
    [InlineData("fe80::1", false)]
    [InlineData("fd00::1", false)]
    [InlineData("ff02::1", false)]
    [InlineData("::ffff:127.0.0.1", false)]
    [InlineData("93.184.216.34", true)]
    [InlineData("2606:2800:220:1:248:1893:25c8:1946", true)]
    public void Only_public_addresses_may_be_reached_by_default(string address, bool allowed) =>
        Assert.Equal(allowed, new CallbackAddresses([]).IsAllowed(IPAddress.Parse(address)));

    private sealed record Received(string Method, string Path, byte[] Body, string? Signature, DateTime At);

    /// <summary>A real HTTP server on a loopback address that records what it is sent.</summary>
    private sealed class Receiver : IAsyncDisposable
    {
        private readonly WebApplication _app;
        private readonly int _port;
        private readonly string _host;

        private Receiver(WebApplication app, string host, int port) => (_app, _host, _port) = (app, host, port);

        public ConcurrentQueue<Received> Requests { get; } = new();

        public string Url(string path, string? host = null) => $"http://{host ?? _host}:{_port}{path}";

        public static async Task<Receiver> StartAsync(string host, int failFirst = 0, string? redirectTo = null)
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.WebHost.UseUrls($"http://{host}:0");
            var app = builder.Build();
            Receiver? self = null;
            var failures = 0;
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body);
                self!.Requests.Enqueue(new Received(context.Request.Method, context.Request.Path, body.ToArray(),
                    context.Request.Headers[CallbackSender.SignatureHeader].FirstOrDefault(), DateTime.UtcNow));
                if (redirectTo is not null)
                {
                    context.Response.StatusCode = StatusCodes.Status307TemporaryRedirect;
                    context.Response.Headers.Location = redirectTo;
                }
                else
                    context.Response.StatusCode = Interlocked.Increment(ref failures) <= failFirst ? 500 : 204;
            });
            await app.StartAsync();
            var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
            self = new Receiver(app, host, new Uri(address).Port);
            return self;
        }

        public async ValueTask DisposeAsync() => await _app.DisposeAsync();
    }
}
