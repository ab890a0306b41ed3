using System.Net;
using System.Net.Sockets;
using System.Text;
using Dapper;
using MassTransit;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Judge.Api.Tests;

/// <summary>
/// Thousands of generated malformed requests, sent as raw bytes over TCP to the real Api on Kestrel (so that nothing
/// in a client library tidies them up): every answer is a 4xx with problem details, and nothing is stored.
/// </summary>
[Collection(ApiCollection.Name)]
public sealed class FuzzTests(ApiFixture fixture)
{
    private const int Seed = 13;
    private const int RequestCount = 3000;

    [Fact]
    public async Task Thousands_of_malformed_requests_are_each_answered_4xx_with_problem_details_and_store_nothing()
    {
        await using var api = new JudgeApiFactory(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness(),
            ("Judge:Access:RequestsPerSecond", "0"));
        api.UseKestrel(0);
        api.StartServer();
        var port = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var key = await api.CreateKeyAsync();
        var startedAt = DateTime.UtcNow;
        var generator = new MalformedRequests(new Random(Seed), key.Key);

        var failures = new List<string>();
        var kinds = new Dictionary<string, int>();
        for (var i = 0; i < RequestCount; i++)
        {
            var (kind, request) = generator.Next();
            kinds[kind] = kinds.GetValueOrDefault(kind) + 1;
            var response = await SendAsync(port, request);
            if (response.Status is < 400 or >= 500 || response.ContentType?.StartsWith("application/problem+json") != true || !response.Body.Contains("\"status\""))
                failures.Add($"#{i} {kind}: {response.Status} {response.ContentType} {Cut(response.Body)}\n    request: {Cut(Encoding.UTF8.GetString(request))}");
        }

        Assert.True(failures.Count == 0, $"{failures.Count} of {RequestCount} answers were not 4xx problem details (seed {Seed}):\n"
            + string.Join("\n", failures.GroupBy(f => f[(f.IndexOf(' ') + 1)..f.IndexOf(':')]).Select(g => $"{g.Count()} x {g.First()}")));
        Assert.True(kinds.Count >= 10, string.Join(", ", kinds));
        await using var connection = await fixture.Database.DataSource.OpenConnectionAsync();
        var stored = await connection.ExecuteScalarAsync<long>("""
            SELECT (SELECT count(*) FROM submissions WHERE owner_key_id = @Id OR (owner_key_id IS NULL AND created_at >= @startedAt))
                 + (SELECT count(*) FROM problems WHERE owner_key_id = @Id OR (owner_key_id IS NULL AND created_at >= @startedAt))
            """, new { key.Id, startedAt });
        Assert.Equal(0, stored);
    }

    [Fact]
    public async Task A_key_given_twice_is_a_400_even_when_both_values_are_valid()
    {
        using var body = new StringContent("""{"name":"a","name":"b","tests":[{"input":"1","expectedOutput":"1"}]}""", Encoding.UTF8, "application/json");

        var response = await fixture.Client.PostAsync("/api/v1/problems", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Requests_too_malformed_for_the_HTTP_server_itself_are_refused_with_a_4xx()
    {
        // Kestrel answers these before any of the Api's code runs, so they come with an empty body, not problem details.
        await using var api = new JudgeApiFactory(fixture.Database.ConnectionString, services => services.AddMassTransitTestHarness());
        api.UseKestrel(0);
        api.StartServer();
        var port = new Uri(api.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()).Port;
        var huge = new string('a', 64 * 1024);
        string[] requests =
        [
            $"GET /api/v1/submissions HTTP/1.1\r\nHost: x\r\nX-Big: {huge}\r\nConnection: close\r\n\r\n",
            $"GET /api/v1/{huge} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\nConnection: close\r\n\r\n{}{}{}{",
            "GET /api/v1/submissions HTTP/1.1\r\nHost: x\r\nBad Header: x\r\nConnection: close\r\n\r\n",
            "GET /api/v1/submissions HTTP/1.1\r\nHost: x\r\nAuthorization: \u00e9\u00e9\r\nConnection: close\r\n\r\n",
            "GET /api/v1/submissions/%00 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            "POST /api/v1/submissions HTTP/1.1\r\nHost: x\r\nContent-Length: -1\r\nConnection: close\r\n\r\n",
        ];

        foreach (var request in requests)
        {
            var response = await SendAsync(port, Encoding.Latin1.GetBytes(request));
            Assert.True(response.Status is >= 400 and < 500, $"{response.Status} for {Cut(request)}");
        }
    }

    private sealed record RawResponse(int Status, string? ContentType, string Body);

    private static async Task<RawResponse> SendAsync(int port, byte[] request)
    {
        using var client = new TcpClient();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await client.ConnectAsync(IPAddress.Loopback, port, timeout.Token);
        var stream = client.GetStream();
        try
        {
            await stream.WriteAsync(request, timeout.Token);
        }
        catch (IOException)
        {
            // The server may answer and close before reading all of an oversized request.
        }
        using var received = new MemoryStream();
        try
        {
            await stream.CopyToAsync(received, timeout.Token);
        }
        catch (IOException)
        {
            // Reset after the answer: what arrived is what counts.
        }
        var text = Encoding.UTF8.GetString(received.ToArray());
        var headerEnd = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (!text.StartsWith("HTTP/1.1 ") || headerEnd < 0)
            return new RawResponse(0, null, text);
        var headers = text[..headerEnd].Split("\r\n");
        var contentType = headers.Skip(1).FirstOrDefault(h => h.StartsWith("Content-Type:", StringComparison.OrdinalIgnoreCase))?[13..].Trim();
        return new RawResponse(int.Parse(headers[0].Split(' ')[1]), contentType, text[(headerEnd + 4)..]);
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "...";

    /// <summary>Requests that are each wrong in one way or more; none of them could be a valid request.</summary>
    private sealed class MalformedRequests(Random random, string key)
    {
        // Exactly one of problemId, tests and stdin may be given, and no problem has this id: one mutation cannot make it valid.
        private static readonly string Submission = $$"""
            {"language":"python3","source":"print(1)","problemId":"{{Guid.NewGuid()}}","tests":[{"input":"1\n","expectedOutput":"1\n","points":1}],"stdin":"","limits":{"cpuTimeMs":1000,"memoryKb":65536},"checker":{"kind":"lines"},"callbackUrl":"https://example.com/cb"}
            """;
        // An empty name is refused, and mutations never give it a string.
        private const string Problem = """
            {"name":"","limits":{"cpuTimeMs":1000,"wallTimeMs":3000},"checker":{"kind":"float","epsilon":0.001},"tests":[{"input":"1\n","expectedOutput":"1\n","points":1}]}
            """;
        private static readonly string[] Fields = ["language", "source", "problemId", "tests", "stdin", "limits", "checker", "callbackUrl", "cpuTimeMs", "memoryKb", "kind", "input", "expectedOutput", "points", "wallTimeMs", "epsilon", "name"];
        private static readonly string[] WrongValues =
        [
            "123", "-1", "0", "1e400", "-1e400", "99999999999999999999999999", "2147483648", "-2147483649", "1.5", "-0", "true", "false",
            "null", "[]", "{}", "[1,2,3]", "{\"a\":1}", "\"5\"", "\"\"", "\"\\u0000\"", "\"\\ud800\"", "\"not-a-guid\"", "[[[[[[]]]]]]", "\"" + new string('x', 5000) + "\"",
        ];
        private static readonly string[] ContentTypes =
        [
            "text/plain", "application/xml", "application/x-www-form-urlencoded", "multipart/form-data; boundary=zz", "application/octet-stream",
            "application/json; charset=latin1", "application/json; charset=\"", "%%%", "application/", "json",
        ];
        private static readonly string[] BadPaths =
        [
            "/api/v1/submissions/not-a-guid", "/api/v1/submissions/%2e%2e/%2e%2e/etc/passwd", "/api/v1/submissions/..%2f..%2fproblems",
            "/api/v1/problems/%ff%fe", "/api/v1/problems/{id}/tests", "/api/v1/submissions/{id}%20", "/api/v2/submissions",
            "/api/v1/submissions/{id}/../../../../admin", "/api/v1/problems/upload/../../../../etc/passwd", "/api/v1/%2e%2e/secrets", "/.env", "/api/v1/submissions/{id}{id}",
            "/api/v1/submissions?page=abc", "/api/v1/submissions?page=99999999999999999999", "/api/v1/submissions?pageSize=-5", "/api/v1/submissions?page=0",
            "/api/v1/submissions?status=%ff", "/api/v1/submissions?verdict=XX", "/api/v1/submissions?problemId=nope", "/api/v1/problems?pageSize=1e9",
            "/api/v1/submissions?status=queued&status=done", "/api/v1/problems?page=1&page=x",
        ];

        public (string Kind, byte[] Request) Next() => random.Next(14) switch
        {
            0 or 1 => ("wrong type", Json("/api/v1/submissions" + Wait(), Mutate(Submission))),
            2 => ("wrong type (problem)", Json("/api/v1/problems", Mutate(Problem))),
            3 => ("truncated JSON", Json(Target(), Truncated(Body()))),
            4 => random.Next(3) == 0
                ? ("duplicate keys", Json("/api/v1/problems", Duplicate(Problem, ["name", "limits", "checker", "tests"])))
                : ("duplicate keys", Json("/api/v1/submissions", Duplicate(Submission, ["language", "source", "stdin", "tests", "limits", "problemId"]))),
            5 => ("invalid UTF-8", Request("POST", Target(), "application/json", InvalidUtf8(), key)),
            6 => ("wrong content type", Request("POST", Target(), Pick(ContentTypes), Encoding.UTF8.GetBytes(Submission), key)),
            7 => ("not an object", Json(Target(), Pick(["[]", "\"text\"", "42", "null", "", " ", "{", "}", "[" + new string('[', 5000), new string('{', 3000)]))),
            8 => ("path or query trick", Request(Pick(["GET", "POST", "GET", "DELETE"]), Pick(BadPaths).Replace("{id}", Guid.NewGuid().ToString()), "application/json", "{}"u8.ToArray(), key)),
            9 => ("wrong method", Request(Pick(["PUT", "DELETE", "PATCH", "TRACE"]), Pick(["/api/v1/submissions", "/api/v1/problems", $"/api/v1/submissions/{Guid.NewGuid()}", "/api/v1/languages"]), "application/json", Encoding.UTF8.GetBytes(Submission), key)),
            10 => ("no or bad key", Request("POST", Target(), "application/json", Encoding.UTF8.GetBytes(Submission),
                Pick<string?>([null, "", "judge_" + new string('A', 43), "Bearer", new string('k', 20000), "Bearer judge_%00", "bearer  judge_x y"]))),
            11 => ("oversized header", Request("POST", Target(), Random.Shared.Next(2) == 0 ? "application/json" + new string(' ', 100) + new string('x', 10000) : "application/json",
                Encoding.UTF8.GetBytes(Problem), key, extraHeader: $"X-Padding: {new string('p', random.Next(1000, 16000))}")),
            12 => ("broken upload", Request("POST", "/api/v1/problems/upload", Pick(["multipart/form-data; boundary=b", "multipart/form-data", "application/zip"]), BrokenMultipart(), key)),
            _ => ("huge numbers", Json("/api/v1/submissions", Submission.Replace("1000", Pick(["1e400", "99999999999999999999999999999", "-1", "0.5", "NaN", "Infinity", "0x10", "1_000"])))),
        };

        private string Target() => random.Next(3) == 0 ? "/api/v1/problems" : "/api/v1/submissions" + Wait();
        private string Truncated(string json) => json[..random.Next(json.Length - 1)];
        private string Wait() => Pick(["", "", "?wait=true", "?wait=maybe", "?wait=1"]);
        private string Body() => random.Next(3) == 0 ? Problem : Submission;
        private T Pick<T>(IReadOnlyList<T> items) => items[random.Next(items.Count)];

        private string Mutate(string json)
        {
            var field = Pick(Fields);
            var at = json.IndexOf($"\"{field}\":", StringComparison.Ordinal);
            if (at < 0)
                return json.Insert(1, $"\"{field}\":{Pick(WrongValues)},");
            var start = at + field.Length + 3;
            var end = ValueEnd(json, start);
            var values = field == "name" ? WrongValues.Where(v => !v.StartsWith('"')).ToArray() : WrongValues;
            return json[..start] + Pick(values) + json[end..];
        }

        /// <summary>Where the JSON value starting at <paramref name="start"/> ends.</summary>
        private static int ValueEnd(string json, int start)
        {
            var depth = 0;
            var inString = false;
            for (var i = start; i < json.Length; i++)
            {
                var c = json[i];
                if (inString)
                {
                    if (c == '\\')
                        i++;
                    else if (c == '"')
                        inString = false;
                    if (!inString && depth == 0)
                        return i + 1;
                    continue;
                }
                switch (c)
                {
                    case '"': inString = true; break;
                    case '[' or '{': depth++; break;
                    case ']' or '}' when depth == 0: return i;
                    case ']' or '}': depth--; if (depth == 0) return i + 1; break;
                    case ',' when depth == 0: return i;
                }
            }
            return json.Length;
        }

        /// <summary>The body with one of its keys given again, first, with any value: even a valid one is refused.</summary>
        private string Duplicate(string body, string[] fields) =>
            "{" + $"\"{Pick(fields)}\":{Pick([.. WrongValues, "\"python3\"", "\"x\""])}," + body[1..];

        private byte[] InvalidUtf8()
        {
            var bytes = Encoding.UTF8.GetBytes(Body()).ToList();
            var at = bytes.IndexOf((byte)':') + 2;
            bytes.InsertRange(Math.Min(at, bytes.Count), Pick<byte[]>([[0xFF], [0xC3], [0xED, 0xA0, 0x80], [0xF8, 0x88, 0x80, 0x80, 0x80], [0xC0, 0xAF]]));
            return bytes.ToArray();
        }

        private byte[] BrokenMultipart()
        {
            var parts = new[]
            {
                "--b\r\nContent-Disposition: form-data; name=\"file\"; filename=\"p.zip\"\r\nContent-Type: application/zip\r\n\r\nPK\x03\x04garbage\r\n--b--\r\n",
                "--b\r\nContent-Disposition: form-data; name=\"name\"\r\n\r\n\r\n--b\r\nContent-Disposition: form-data; name=\"limits\"\r\n\r\n{\"cpuTimeMs\":\"x\"}\r\n--b--\r\n",
                "--b\r\nContent-Disposition: form-data; name=\"file\"\r\n\r\n" + new string('z', 3000),
                "no boundary at all",
                "--b\r\n\r\n--b--",
            };
            return Encoding.UTF8.GetBytes(Pick(parts));
        }

        private byte[] Json(string path, string body) => Request("POST", path, "application/json", Encoding.UTF8.GetBytes(body), key);

        private static byte[] Request(string method, string path, string contentType, byte[] body, string? bearer, string? extraHeader = null)
        {
            var head = new StringBuilder($"{method} {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n");
            if (bearer is not null)
                head.Append($"Authorization: {(bearer.StartsWith("judge_") && bearer.Length > 40 ? "Bearer " : "")}{bearer}\r\n");
            if (extraHeader is not null)
                head.Append(extraHeader).Append("\r\n");
            if (method is not ("GET" or "DELETE" or "TRACE"))
                head.Append($"Content-Type: {contentType}\r\nContent-Length: {body.Length}\r\n");
            head.Append("\r\n");
            var bytes = Encoding.Latin1.GetBytes(head.ToString()).ToList();
            if (method is not ("GET" or "DELETE" or "TRACE"))
                bytes.AddRange(body);
            return bytes.ToArray();
        }
    }
}
