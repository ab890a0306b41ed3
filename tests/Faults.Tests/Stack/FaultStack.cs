using System.Net;
using System.Reflection;
using Judge.EndToEnd;
using Npgsql;

namespace Judge.Faults.Tests.Stack;

/// <summary>
/// Judge as a fault test needs it: the real Api and any number of real Workers as child processes, on a scratch
/// database and a broker the test chooses (the shared services, or private ones it may stop). Each worker has
/// its own id, directories and sandbox cgroup parent, so that what it leaves behind can be found, and so that
/// killing one never touches another's runs. Disposing stops everything and removes what the workers left.
/// </summary>
public sealed class FaultStack : IAsyncDisposable
{
    private static readonly TimeSpan ApiStartTimeout = TimeSpan.FromSeconds(90);
    // Language detection runs every toolchain's version command; javac and rustc are slow to answer on a busy machine.
    private static readonly TimeSpan WorkerStartTimeout = TimeSpan.FromSeconds(120);

    private readonly Dictionary<string, string> _environment;
    private readonly List<FaultWorker> _workers = [];
    private readonly ScratchDatabase _database;
    private readonly ScratchVirtualHost? _virtualHost;

    private FaultStack(StackLog log, string directory, ScratchDatabase database, ScratchVirtualHost? virtualHost, Dictionary<string, string> environment)
    {
        Log = log;
        Directory = directory;
        _database = database;
        _virtualHost = virtualHost;
        _environment = environment;
        Database = NpgsqlDataSource.Create(database.ConnectionString);
    }

    public StackLog Log { get; }
    /// <summary>A temporary directory of this stack's own: the workers' directories, private servers' data.</summary>
    public string Directory { get; }
    public NpgsqlDataSource Database { get; }
    public ChildProcess Api { get; private set; } = null!;
    public JudgeClient Client { get; private set; } = null!;
    private string? _apiKey;
    public Uri BaseAddress { get; private set; } = null!;
    public IReadOnlyList<FaultWorker> Workers => _workers;

    /// <summary>A stack directory for a test, before the stack: private servers go in it.</summary>
    public static string NewDirectory(string test)
    {
        var directory = Path.Combine(Path.GetTempPath(), $"judge-faults-{test}-{Guid.NewGuid():N}"[..48]);
        System.IO.Directory.CreateDirectory(directory);
        return directory;
    }

    /// <param name="test">Names the log file and the directory.</param>
    /// <param name="directory">From <see cref="NewDirectory"/>.</param>
    /// <param name="serverConnectionString">PostgreSQL server to make the scratch database on; null: the shared one (<c>ConnectionStrings__Judge</c>).</param>
    /// <param name="broker">RabbitMQ settings (<c>RabbitMq__*</c>) of a private node; null: a scratch virtual host on the shared one.</param>
    /// <param name="settings">More configuration for the Api and every worker.</param>
    public static async Task<FaultStack> StartAsync(string test, string directory, string? serverConnectionString = null,
        IReadOnlyDictionary<string, string>? broker = null, IReadOnlyDictionary<string, string>? settings = null, StackLog? log = null)
    {
        log ??= NewLog(test);
        serverConnectionString ??= Environment.GetEnvironmentVariable("ConnectionStrings__Judge")
            ?? throw new InvalidOperationException(
                "ConnectionStrings__Judge is not set: the fault tests need PostgreSQL and RabbitMQ. Run `make test`, "
                + "or `scripts/services.sh start` and `eval \"$(scripts/services.sh env)\"`.");
        var database = await ScratchDatabase.CreateAsync(serverConnectionString, CancellationToken.None);
        var virtualHost = broker is null ? await ScratchVirtualHost.CreateAsync(BrokerSettings.FromEnvironment(), CancellationToken.None) : null;
        // These tests are about faults, not about a key's limits: a burst of 2,000 must not be refused as too many.
        var environment = new Dictionary<string, string>
        {
            ["Judge__Access__RequestsPerSecond"] = "0",
            ["Judge__Access__MaxUnfinishedSubmissions"] = "0",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        foreach (var (key, value) in broker ?? new Dictionary<string, string> { ["RabbitMq__VirtualHost"] = virtualHost!.Name })
            environment[key] = value;
        environment["ConnectionStrings__Judge"] = database.ConnectionString;
        log.Write("stack", $"database {database.Name}, broker {string.Join(", ", environment.Where(e => e.Key.StartsWith("RabbitMq__")).Select(e => $"{e.Key}={e.Value}"))}");

        var stack = new FaultStack(log, directory, database, virtualHost, environment);
        try
        {
            await stack.StartApiAsync();
            return stack;
        }
        catch (Exception e)
        {
            var tail = log.Tail();
            await stack.DisposeAsync();
            throw new InvalidOperationException($"Judge did not start: {e.Message}\n{tail}", e);
        }
    }

    public static StackLog NewLog(string test) =>
        new(Path.Combine(AppContext.BaseDirectory, "logs", $"faults-{test}-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log"));

    private async Task StartApiAsync()
    {
        BaseAddress = new Uri($"http://127.0.0.1:{Ports.Free()}/");
        Client = new JudgeClient(new HttpClient { BaseAddress = new Uri(BaseAddress, "api/v1/"), Timeout = TimeSpan.FromMinutes(2) });
        Api = ChildProcess.Start("api", RecordedPath("JudgeApiDll"), ["--urls", BaseAddress.ToString().TrimEnd('/')], _environment, Log);
        // Live, not ready: a test may start the Api while the broker is away. The Api has migrated the database by then.
        await Api.WaitUntilAsync(ApiStartTimeout, "the Api to answer /health/live", async () =>
            (await Client.Http.GetAsync("health/live")).IsSuccessStatusCode);
        // A key as a client has one, made by the Api's own command (a restarted Api keeps the database, and the key).
        _apiKey ??= await JudgeStack.CreateKeyAsync(Log, $"faults-{Guid.NewGuid():N}", admin: false, _environment, CancellationToken.None);
        Client.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", _apiKey);
    }

    /// <summary>Starts one more worker and waits until it has advertised its languages.</summary>
    /// <param name="settings">Its own configuration, over the stack's.</param>
    public async Task<FaultWorker> StartWorkerAsync(IReadOnlyDictionary<string, string>? settings = null)
    {
        var id = $"faults-{_workers.Count + 1}-{Guid.NewGuid():N}"[..24];
        var worker = new FaultWorker(id, Path.Combine(Directory, id), $"judge-{id}");
        var environment = new Dictionary<string, string>(_environment)
        {
            ["Worker__Id"] = worker.Id,
            // Workers start side by side: each picking the default port at the same moment would collide.
            ["Worker__MetricsUrl"] = $"http://127.0.0.1:{Ports.Free()}/metrics",
            ["Sandbox__CgroupParent"] = worker.CgroupParent,
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
            environment[key] = value;
        System.IO.Directory.CreateDirectory(worker.Directory);
        worker.Process = ChildProcess.Start($"worker {_workers.Count + 1}", RecordedPath("JudgeWorkerDll"), [], environment, Log);
        worker.Pid = worker.Process.Id;
        _workers.Add(worker);
        await worker.Process.WaitUntilAsync(WorkerStartTimeout, $"worker {worker.Id} to advertise its languages", async () =>
        {
            await using var command = Database.CreateCommand("SELECT count(*) FROM worker_languages WHERE worker_id = $1");
            command.Parameters.Add(new NpgsqlParameter { Value = worker.Id });
            return (long)(await command.ExecuteScalarAsync())! > 0;
        });
        Log.Write("stack", $"worker {worker.Id} (pid {worker.Process.Id}) is ready");
        return worker;
    }

    /// <summary>POSTs a submission without waiting; returns the response (the caller decides what an answer means).</summary>
    public Task<HttpResponseMessage> PostAsync(SubmissionRequest request, CancellationToken cancellationToken = default) =>
        Client.PostSubmissionAsync(request, wait: false, cancellationToken);

    /// <summary>POSTs a submission that must be accepted (202) and returns its id.</summary>
    public async Task<Guid> SubmitAsync(SubmissionRequest request)
    {
        using var response = await PostAsync(request);
        if (response.StatusCode != HttpStatusCode.Accepted)
            throw new HttpRequestException(Explain($"POST submissions answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}"));
        return (await JudgeClient.ReadAsync<SubmissionAccepted>(response)).Id;
    }

    /// <summary>The submissions' state, read from the database, not through the Api.</summary>
    public async Task<IReadOnlyList<StoredSubmission>> ReadAsync(IReadOnlyCollection<Guid> ids)
    {
        const string sql = """
            SELECT s.id, s.status, s.verdict, s.message, s.finished_at,
                   count(r.index) AS results, count(DISTINCT r.index) AS distinct_results
            FROM submissions s LEFT JOIN test_results r ON r.submission_id = s.id
            WHERE s.id = ANY($1)
            GROUP BY s.id
            """;
        await using var command = Database.CreateCommand(sql);
        command.Parameters.Add(new NpgsqlParameter { Value = ids.ToArray() });
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<StoredSubmission>();
        while (await reader.ReadAsync())
            rows.Add(new StoredSubmission(reader.GetGuid(0), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetDateTime(4), reader.GetInt64(5), reader.GetInt64(6)));
        return rows;
    }

    /// <summary>Waits until every one of the submissions is done (or the timeout passes), polling the database.</summary>
    public async Task WaitUntilDoneAsync(IReadOnlyCollection<Guid> ids, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                var rows = await ReadAsync(ids);
                var done = rows.Count(r => r.Status == "done");
                if (done == ids.Count)
                    return;
                if (DateTime.UtcNow > deadline)
                    throw new TimeoutException(Explain($"{done} of {ids.Count} submissions were done after {timeout.TotalSeconds} s"));
            }
            catch (NpgsqlException) when (DateTime.UtcNow <= deadline)
            {
                // A test may be restarting the database.
            }
            await Task.Delay(250);
        }
    }

    /// <summary>
    /// The promise the faults must not break: every accepted submission is in the database, done, with one
    /// verdict, and exactly one result row for each of its tests.
    /// </summary>
    public async Task<IReadOnlyList<StoredSubmission>> AssertOneVerdictEachAsync(IReadOnlyCollection<Guid> ids, int testsEach, string? verdict = "AC")
    {
        var rows = await ReadAsync(ids);
        Assert.True(rows.Count == ids.Count, Explain($"{ids.Count - rows.Count} accepted submissions are missing from the database"));
        var wrong = rows.Where(r => r.Status != "done" || r.Verdict is null || r.Results != testsEach || r.DistinctResults != r.Results
            || (verdict is not null && r.Verdict != verdict)).ToList();
        Assert.True(wrong.Count == 0, Explain($"{wrong.Count} of {rows.Count} submissions break the promise (expected {verdict ?? "any verdict"}, "
            + $"{testsEach} result rows each):\n" + string.Join("\n", wrong.Take(10))));
        return rows;
    }

    /// <summary>SIGKILLs a worker and waits until it is gone.</summary>
    public async Task KillAsync(FaultWorker worker)
    {
        Log.Write("stack", $"SIGKILL to worker {worker.Id} (pid {worker.Process.Id})");
        Signals.Send(worker.Process.Id, Signals.SIGKILL);
        Assert.True(await Signals.WaitForExitAsync(worker.Process.Id, TimeSpan.FromSeconds(30)), $"worker pid {worker.Process.Id} survived SIGKILL");
    }

    public string Explain(string failure) => $"{failure}\n{Log.Tail()}";

    private static string RecordedPath(string key) =>
        typeof(FaultStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"{key} was not recorded at build time: import JudgeProcesses.targets in the project");

    public async ValueTask DisposeAsync()
    {
        try
        {
            foreach (var worker in Enumerable.Reverse(_workers))
                if (worker.Process is { HasExited: false })
                    await worker.Process.StopAsync(Log);
            if (Api is { HasExited: false })
                await Api.StopAsync(Log);
            Client?.Http.Dispose();
            await Database.DisposeAsync();
            foreach (var worker in _workers)
                Leftovers.Remove(worker.Directory, worker.CgroupParent);
            if (_virtualHost is not null)
                await _virtualHost.DisposeAsync();
        }
        finally
        {
            try
            {
                await _database.DisposeAsync();
            }
            catch (NpgsqlException e)
            {
                Log.Write("stack", $"could not drop the scratch database: {e.Message}");
            }
            Log.Dispose();
        }
    }
}

/// <summary>One worker process of a <see cref="FaultStack"/>, with what it would leave behind.</summary>
public sealed record FaultWorker(string Id, string Directory, string CgroupParent)
{
    public ChildProcess Process { get; set; } = null!;

    /// <summary>Kept: <see cref="ChildProcess"/> forgets it once stopped.</summary>
    public int Pid { get; set; }
}

public sealed record StoredSubmission(Guid Id, string Status, string? Verdict, string? Message, DateTime? FinishedAt, long Results, long DistinctResults);
