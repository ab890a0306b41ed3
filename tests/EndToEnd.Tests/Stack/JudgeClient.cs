using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Judge.EndToEnd;

/// <summary>The Api's <c>/api/v1</c> as a client sees it. Written from the HTTP contract, not from the Api's own types.</summary>
public sealed class JudgeClient(HttpClient http)
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    public HttpClient Http { get; } = http;

    public async Task<IReadOnlyList<LanguageInfo>> LanguagesAsync(CancellationToken cancellationToken = default) =>
        await Http.GetFromJsonAsync<List<LanguageInfo>>("languages", Json, cancellationToken) ?? [];

    public Task<HttpResponseMessage> PostSubmissionAsync(object request, bool wait, CancellationToken cancellationToken = default) =>
        Http.PostAsJsonAsync(wait ? "submissions?wait=true" : "submissions", request, Json, cancellationToken);

    public async Task<Submission> GetSubmissionAsync(Guid id, CancellationToken cancellationToken = default) =>
        await Http.GetFromJsonAsync<Submission>($"submissions/{id}", Json, cancellationToken)
            ?? throw new InvalidOperationException($"GET submissions/{id} returned nothing");

    /// <summary>
    /// Submits with <c>?wait=true</c> and returns the finished submission. When the Api's wait runs out first
    /// (202: a busy machine), polls until the verdict is there or <paramref name="timeout"/> has passed.
    /// </summary>
    public async Task<Submission> JudgeAsync(SubmissionRequest request, TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        using var response = await PostSubmissionAsync(request, wait: true, deadline.Token);
        if (response.StatusCode == HttpStatusCode.OK)
            return await ReadAsync<Submission>(response, deadline.Token);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new HttpRequestException($"POST submissions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(deadline.Token)}");

        var id = (await ReadAsync<SubmissionAccepted>(response, deadline.Token)).Id;
        try
        {
            while (true)
            {
                var submission = await GetSubmissionAsync(id, deadline.Token);
                if (submission.Status == "done")
                    return submission;
                await Task.Delay(PollInterval, deadline.Token);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"submission {id} had no verdict after {timeout.TotalSeconds} s");
        }
    }

    public static async Task<T> ReadAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken = default) =>
        await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
            ?? throw new InvalidOperationException($"{typeof(T).Name} expected, got an empty body");
}

public sealed record LanguageInfo(string Id, string Name, string Version);

public sealed record SubmissionRequest(string Language, string Source)
{
    public string? Stdin { get; init; }
    public IReadOnlyList<TestCase>? Tests { get; init; }
    public Guid? ProblemId { get; init; }
    public Limits? Limits { get; init; }
    public Checker? Checker { get; init; }
}

public sealed record TestCase(string Input, string ExpectedOutput, int? Points = null);

public sealed record Limits(int? CpuTimeMs = null, int? WallTimeMs = null, int? MemoryKb = null, int? Processes = null, int? OutputKb = null);

public sealed record Checker(string Kind, string? Source = null, string? Language = null);

public sealed record SubmissionAccepted(Guid Id, string Status);

public sealed record Submission(
    Guid Id,
    string Language,
    Guid? ProblemId,
    string Status,
    string? Verdict,
    int? Score,
    string? CompileOutput,
    string? Message,
    DateTime CreatedAt,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    IReadOnlyList<TestResult> Tests)
{
    /// <summary>What a person needs to see when the verdict is not the expected one.</summary>
    public string Describe() =>
        $"{Language} submission {Id}: {Status} {Verdict ?? "-"} score {Score?.ToString() ?? "-"}"
        + (Message is null ? "" : $", message: {Message}")
        + (CompileOutput is null ? "" : $"\n  compile output: {Cut(CompileOutput)}")
        + string.Concat(Tests.Select(t => $"\n  test {t.Index}: {t.Verdict} cpu {t.CpuTimeMs} ms, wall {t.WallTimeMs} ms, "
            + $"{t.MemoryKb} KB, exit {t.ExitCode?.ToString() ?? "-"}, signal {t.Signal?.ToString() ?? "-"}"
            + (t.Message is null ? "" : $", message: {t.Message}")
            + $"\n    stdout: {Cut(t.Stdout)}\n    stderr: {Cut(t.Stderr)}"));

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "...";
}

public sealed record TestResult(
    int Index,
    string Verdict,
    long CpuTimeMs,
    long WallTimeMs,
    long MemoryKb,
    int? ExitCode,
    int? Signal,
    string Stdout,
    bool StdoutTruncated,
    string Stderr,
    bool StderrTruncated,
    string? Message);
