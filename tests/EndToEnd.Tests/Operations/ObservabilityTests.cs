using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Judge.EndToEnd.Tests.Operations;

/// <summary>
/// A Judge of its own that exports traces to a local OTLP receiver, logs JSON, and whose Worker finds its metrics port
/// taken; one C submission is judged on it before the tests look at what it left in traces, metrics and logs.
/// </summary>
public sealed class ObservedStackFixture : IAsyncLifetime
{
    public OtlpReceiver Collector { get; } = new();
    /// <summary>Held for the whole run, as another worker on the host would hold it.</summary>
    public TcpListener TakenPort { get; } = new(IPAddress.Loopback, 0);
    public JudgeStack Stack { get; private set; } = null!;
    public Submission Submission { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        TakenPort.Start();
        var log = Path.Combine(AppContext.BaseDirectory, "logs", $"observed-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
        Stack = await JudgeStack.StartAsync(log, new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["Logging__Console__FormatterName"] = "json",
            ["Worker__MetricsUrl"] = $"http://127.0.0.1:{((IPEndPoint)TakenPort.LocalEndpoint).Port}/metrics",
        });
        Submission = await Stack.Client.JudgeAsync(new SubmissionRequest("c", "#include <stdio.h>\nint main(void) { int a, b; scanf(\"%d %d\", &a, &b); printf(\"%d\\n\", a + b); return 0; }\n")
        {
            Tests = [new TestCase("1 2\n", "3\n"), new TestCase("2 2\n", "4\n")],
        }, StackFixture.VerdictTimeout);
    }

    /// <summary>The processes' log lines that are JSON (the console's JSON formatter), with the process that wrote each.</summary>
    public IReadOnlyList<(string Process, JsonElement Entry)> JsonLog()
    {
        using var reader = new StreamReader(new FileStream(Stack.Log.Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
        var entries = new List<(string, JsonElement)>();
        foreach (Match line in Regex.Matches(reader.ReadToEnd(), @"^\S+ \[(\w+)\] (\{.*\})\r?$", RegexOptions.Multiline))
            entries.Add((line.Groups[1].Value, JsonDocument.Parse(line.Groups[2].Value).RootElement.Clone()));
        return entries;
    }

    public async Task DisposeAsync()
    {
        await Stack.DisposeAsync();
        TakenPort.Stop();
        Collector.Dispose();
    }
}

public sealed class ObservabilityTests(ObservedStackFixture fixture) : IClassFixture<ObservedStackFixture>
{
    private static readonly TimeSpan ExportTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task One_submission_is_one_trace_from_the_Api_request_through_the_broker_to_the_Worker_compile_and_each_test()
    {
        var because = fixture.Stack.Explain(fixture.Submission.Describe());
        Assert.True(fixture.Submission.Verdict == "AC", because);
        var id = fixture.Submission.Id;

        // The request's span is the root; the worker's spans arrive a little later, in their own batches.
        IReadOnlyList<ReceivedSpan> trace = [];
        var deadline = DateTime.UtcNow + ExportTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var spans = fixture.Collector.Spans;
            var request = spans.FirstOrDefault(s => s.Service == "judge-api" && s.Kind == ReceivedSpan.ServerKind && s.Name.StartsWith("POST"));
            trace = request is null ? [] : spans.Where(s => s.TraceId == request.TraceId).ToList();
            if (trace.Any(s => s.Name == "test 2"))
                break;
            await Task.Delay(200);
        }

        var described = $"spans received:\n{string.Join('\n', fixture.Collector.Spans.Select(s => $"  {s.Service} {s.TraceId} {s.Name} kind {s.Kind}"))}\n{because}";
        Assert.True(trace.Count > 0, $"no span of the Api's POST request for submission {id}; {described}");
        var root = Assert.Single(trace, s => s.ParentSpanId.Length == 0);
        Assert.Equal("judge-api", root.Service);
        Assert.True(trace.Any(s => s.Service == "judge-worker" && s.Kind == ReceivedSpan.ConsumerKind), $"no consume span in the request's trace; {described}");
        foreach (var name in new[] { "compile program", "test 1", "test 2" })
            Assert.True(trace.Any(s => s.Service == "judge-worker" && s.Name == name), $"no '{name}' span in the request's trace; {described}");
        // Every span hangs from another span of the same trace: one tree, not pieces.
        var ids = trace.Select(s => s.SpanId).ToHashSet();
        Assert.All(trace.Where(s => s != root), s => Assert.Contains(s.ParentSpanId, ids));
    }

    [Fact]
    public async Task The_Api_serves_Prometheus_metrics_at_metrics_with_submissions_accepted_by_language()
    {
        using var response = await fixture.Stack.Client.Http.GetAsync(new Uri(fixture.Stack.BaseAddress, "metrics"));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Matches(@"(?m)^judge_submissions_accepted_total\{[^}]*language=""c""[^}]*\} [1-9]", text);
        Assert.Contains("http_server_request_duration_seconds_bucket", text);
        Assert.Contains("# TYPE messaging_masstransit_", text);
    }

    [Fact]
    public async Task A_worker_whose_metrics_port_is_taken_logs_a_free_one_and_serves_its_verdicts_sandbox_runs_and_MassTransit_metrics_there()
    {
        var moved = fixture.JsonLog().Where(e => e.Process == "worker")
            .Select(e => e.Entry.GetProperty("State"))
            .FirstOrDefault(state => state.TryGetProperty("MetricsUrl", out _) && state.TryGetProperty("ConfiguredPort", out _));
        Assert.True(moved.ValueKind == JsonValueKind.Object, fixture.Stack.Explain("the worker did not log that its metrics port was taken"));
        var url = new Uri(moved.GetProperty("MetricsUrl").GetString()!);
        Assert.NotEqual(((IPEndPoint)fixture.TakenPort.LocalEndpoint).Port, url.Port);

        var text = await fixture.Stack.Client.Http.GetStringAsync(url);

        Assert.Matches(@"(?m)^judge_submissions_finished_total\{[^}]*language=""c""[^}]*verdict=""AC""[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^judge_sandbox_runs_total\{[^}]*status=""ok""[^}]*\} [3-9]", text); // a compile and two tests
        Assert.Matches(@"(?m)^judge_submission_judge_time_seconds_count\{[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^judge_submission_queue_wait_seconds_count\{[^}]*\} [1-9]", text);
        Assert.Matches(@"(?m)^judge_sandbox_setup_time_seconds_count\{[^}]*\} [3-9]", text);
        Assert.Matches(@"(?m)^judge_sandbox_running\{[^}]*\} 0", text);
        Assert.Contains("# TYPE messaging_masstransit_consume", text);
    }

    [Fact]
    public void Each_state_change_of_a_submission_is_one_JSON_log_line_naming_its_id()
    {
        var id = fixture.Submission.Id.ToString();
        var messages = fixture.JsonLog()
            .Where(e => e.Entry.TryGetProperty("State", out var state) && state.TryGetProperty("SubmissionId", out var value) && value.GetString() == id)
            .Select(e => e.Entry.GetProperty("Message").GetString()!)
            .ToList();

        var because = $"log lines for {id}:\n{string.Join('\n', messages)}";
        Assert.True(messages.Count(m => m.Contains("queued")) == 1, because);
        Assert.True(messages.Count(m => m.Contains("judging")) == 1, because);
        Assert.True(messages.Count(m => m.Contains("finished: AC")) == 1, because);
    }
}
