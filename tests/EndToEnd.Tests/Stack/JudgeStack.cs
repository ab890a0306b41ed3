using System.Net;
using System.Net.Sockets;
using System.Reflection;

namespace Judge.EndToEnd;

/// <summary>
/// The whole of Judge for one test run or benchmark: a fresh database and RabbitMQ virtual host, and the real
/// Api and Worker started on them as child processes (the dlls the build recorded, see JudgeProcesses.targets).
/// Ready once the Api answers <c>/health/ready</c> and the Worker's languages are listed. <see cref="Client"/> sends a
/// tenant key made by the Api's own <c>key create</c> command (what <c>make key</c> runs). Disposing stops both
/// processes and deletes the database and the virtual host. PostgreSQL and RabbitMQ themselves must be running
/// (<c>scripts/services.sh start</c>), found through <c>ConnectionStrings__Judge</c> and <c>RabbitMq__*</c>.
/// </summary>
public sealed class JudgeStack : IAsyncDisposable
{
    private static readonly TimeSpan ApiStartTimeout = TimeSpan.FromSeconds(90);
    // Language detection runs every toolchain's version command; javac and rustc are slow to answer on a busy machine.
    private static readonly TimeSpan WorkerStartTimeout = TimeSpan.FromSeconds(120);

    private readonly List<ChildProcess> _processes = [];
    private ScratchDatabase? _database;
    private ScratchVirtualHost? _virtualHost;
    private IReadOnlyDictionary<string, string> _environment = new Dictionary<string, string>();

    private JudgeStack(StackLog log) => Log = log;

    public StackLog Log { get; }
    public Uri BaseAddress { get; private set; } = null!;
    public JudgeClient Client { get; private set; } = null!;
    public IReadOnlyList<LanguageInfo> Languages { get; private set; } = [];
    /// <summary>The key <see cref="Client"/> sends.</summary>
    public string ApiKey { get; private set; } = "";
    /// <summary>The Api's and the Worker's processes, named "api" and "worker".</summary>
    public IReadOnlyList<ChildProcess> Processes => _processes;

    /// <param name="logPath">Where both processes' output goes.</param>
    /// <param name="settings">Extra configuration for both processes, as environment variables (<c>Judge__WaitTimeoutSeconds</c>, ...).</param>
    public static async Task<JudgeStack> StartAsync(string logPath, IReadOnlyDictionary<string, string>? settings = null,
        CancellationToken cancellationToken = default)
    {
        var server = Environment.GetEnvironmentVariable("ConnectionStrings__Judge")
            ?? throw new InvalidOperationException(
                "ConnectionStrings__Judge is not set: Judge's end-to-end runs need PostgreSQL and RabbitMQ. Run `make test`, "
                + "or `scripts/services.sh start` and `eval \"$(scripts/services.sh env)\"`.");
        var stack = new JudgeStack(new StackLog(logPath));
        try
        {
            await stack.BringUpAsync(server, settings ?? new Dictionary<string, string>(), cancellationToken);
            return stack;
        }
        catch (Exception e)
        {
            var tail = stack.Log.Tail();
            await stack.DisposeAsync();
            throw new InvalidOperationException($"Judge did not start: {e.Message}\n{tail}", e);
        }
    }

    private async Task BringUpAsync(string server, IReadOnlyDictionary<string, string> settings, CancellationToken cancellationToken)
    {
        _database = await ScratchDatabase.CreateAsync(server, cancellationToken);
        _virtualHost = await ScratchVirtualHost.CreateAsync(BrokerSettings.FromEnvironment(), cancellationToken);
        Log.Write("stack", $"database {_database.Name}, RabbitMQ virtual host {_virtualHost.Name}");

        var environment = new Dictionary<string, string>
        {
            // Stacks start side by side: a worker each picking the default port at the same moment would collide.
            ["Worker__MetricsUrl"] = $"http://127.0.0.1:{FreePort()}/metrics",
        };
        foreach (var (key, value) in settings)
            environment[key] = value;
        environment["ConnectionStrings__Judge"] = _database.ConnectionString;
        environment["RabbitMq__VirtualHost"] = _virtualHost.Name;
        _environment = environment;

        BaseAddress = new Uri($"http://127.0.0.1:{FreePort()}/");
        Client = new JudgeClient(new HttpClient { BaseAddress = new Uri(BaseAddress, "api/v1/"), Timeout = TimeSpan.FromMinutes(5) });

        // The Api migrates the database at start-up, so the Worker starts once the Api is ready and the tables exist.
        var api = Launch("api", RecordedPath("JudgeApiDll"), ["--urls", BaseAddress.ToString().TrimEnd('/')], environment);
        await api.WaitUntilAsync(ApiStartTimeout, "the Api to answer /health/ready", async () =>
            (await Client.Http.GetAsync("health/ready", cancellationToken)).IsSuccessStatusCode);

        ApiKey = await CreateKeyAsync(Log, $"e2e-{Guid.NewGuid():N}", admin: false, environment, cancellationToken);
        Client.Http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", ApiKey);

        var worker = Launch("worker", RecordedPath("JudgeWorkerDll"), [], environment);
        await worker.WaitUntilAsync(WorkerStartTimeout, "the Worker's languages to be listed", async () =>
        {
            Languages = await Client.LanguagesAsync(cancellationToken);
            return Languages.Count > 0;
        });
        Log.Write("stack", $"ready at {BaseAddress}; languages: {string.Join(", ", Languages.Select(l => l.Id))}");
    }

    /// <summary>Another key for this stack (an admin's, with <paramref name="admin"/>), besides <see cref="ApiKey"/>.</summary>
    public Task<string> CreateKeyAsync(bool admin, CancellationToken cancellationToken = default) =>
        CreateKeyAsync(Log, $"e2e-{Guid.NewGuid():N}", admin, _environment, cancellationToken);

    /// <summary>A new key from <c>dotnet Judge.Api.dll key create NAME [--admin]</c>, which prints it as its last line.</summary>
    public static async Task<string> CreateKeyAsync(StackLog log, string name, bool admin, IReadOnlyDictionary<string, string> environment,
        CancellationToken cancellationToken)
    {
        var start = new System.Diagnostics.ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(RecordedPath("JudgeApiDll"))!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in (string[])[RecordedPath("JudgeApiDll"), "key", "create", name, .. admin ? ["--admin"] : Array.Empty<string>()])
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        using var command = System.Diagnostics.Process.Start(start)!;
        var output = command.StandardOutput.ReadToEndAsync(cancellationToken);
        var error = command.StandardError.ReadToEndAsync(cancellationToken);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(60));
        await command.WaitForExitAsync(timeout.Token);
        if (command.ExitCode != 0)
            throw new InvalidOperationException($"key create exited with code {command.ExitCode}: {await error}");
        log.Write("stack", $"created key \"{name}\"");
        return (await output).TrimEnd().Split('\n')[^1].Trim();
    }

    /// <summary>A failure message with the processes' latest output, so that a wrong verdict comes with the worker's side of the story.</summary>
    public string Explain(string failure) => $"{failure}\n{Log.Tail()}";

    private ChildProcess Launch(string name, string dll, string[] arguments, Dictionary<string, string> environment)
    {
        var process = ChildProcess.Start(name, dll, arguments, environment, Log);
        _processes.Add(process);
        return process;
    }

    private static string RecordedPath(string key) =>
        typeof(JudgeStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value
            ?? throw new InvalidOperationException($"{key} was not recorded at build time: import Stack/JudgeProcesses.targets in the project");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        // The Worker first: it withdraws its languages and finishes with the database while the Api still runs.
        try
        {
            foreach (var process in Enumerable.Reverse(_processes))
                await process.StopAsync(Log);
            Client?.Http.Dispose();
            if (_virtualHost is not null)
                await _virtualHost.DisposeAsync();
        }
        finally
        {
            if (_database is not null)
                await _database.DisposeAsync();
            Log.Dispose();
        }
    }
}
