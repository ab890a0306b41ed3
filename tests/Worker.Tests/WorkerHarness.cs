using System.Collections.Concurrent;
using System.Text;
using Dapper;
using Judge.Api;
using Judge.Api.Problems;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Sandbox;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using MassTransit;
using MassTransit.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Win32.SafeHandles;
using Npgsql;

namespace Judge.Worker.Tests;

/// <summary>The worker's consumers on MassTransit's in-memory test harness, against a real database and a given sandbox.</summary>
public sealed class WorkerHarness : IAsyncDisposable
{
    private readonly ServiceProvider provider;

    public ITestHarness Bus { get; }
    public NpgsqlDataSource Database { get; }

    private WorkerHarness(ServiceProvider provider, NpgsqlDataSource database)
    {
        this.provider = provider;
        Database = database;
        Bus = provider.GetRequiredService<ITestHarness>();
    }

    public static async Task<WorkerHarness> StartAsync(PostgresFixture postgres, ISandbox sandbox, params Language[] languages)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:Judge"] = postgres.ConnectionString,
            ["Worker:Slots"] = "2",
            ["Worker:TestDataDirectory"] = TestDataDirectory,
        }).Build();

        var services = new ServiceCollection();
        services.AddLogging();
        services.AddJudging(configuration);
        services.AddSingleton(sandbox);
        services.AddSingleton(new LanguageSet(languages.Select(l => new DetectedLanguage(l, "test")).ToList()));
        services.AddMassTransitTestHarness(bus => bus.AddJudgeConsumers());

        var provider = services.BuildServiceProvider(validateScopes: true);
        var harness = new WorkerHarness(provider, postgres.DataSource);
        await harness.Bus.Start();
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await Bus.Stop();
        await provider.DisposeAsync();
    }

    /// <summary>Where the tests' workers cache test files (each worker in a directory of its own), not the host's /var/cache.</summary>
    public static readonly string TestDataDirectory = Path.Combine(Path.GetTempPath(), "judge-worker-tests", "test-data");

    /// <summary>The worker's cache of test files.</summary>
    public TestDataCache TestData => provider.GetRequiredService<TestDataCache>();

    /// <summary>A cache for judging without a database: only a submission's own (text) tests, which it never fetches. One
    /// for the test process; the next one to start removes its directory.</summary>
    public static TestDataCache CacheWithoutDatabase() => NoDatabaseCache.Value;

    private static readonly Lazy<TestDataCache> NoDatabaseCache = new(() => new(NpgsqlDataSource.Create("Host=no-database.invalid"),
        Microsoft.Extensions.Options.Options.Create(new WorkerOptions { TestDataDirectory = TestDataDirectory }),
        Microsoft.Extensions.Logging.Abstractions.NullLogger<TestDataCache>.Instance));

    /// <summary>The Api's settings as it ships them: its default limits are what a submission that sets none is stored with.</summary>
    public static readonly JudgeOptions ApiOptions = new();

    /// <summary>
    /// Stores a submission exactly as the Api does, with its validation and its store (all but HTTP), so the worker is
    /// tested on the rows and jsonb the Api writes. Like a client, give tests, a problem or stdin; the languages count as
    /// offered. The Api refusing the submission fails the test.
    /// </summary>
    public async Task<Guid> InsertSubmissionAsync(string language, string source, CheckerRequest? checker = null, LimitsRequest? limits = null,
        Guid? problemId = null, string? stdin = null, params (string Input, string Expected, int Points)[] tests)
    {
        var request = new SubmitRequest(language, source, stdin, ExpectedOutput: null,
            tests.Length == 0 ? null : tests.Select(t => new TestCaseRequest(t.Input, t.Expected, t.Points)).ToList(),
            problemId, limits, checker);
        var problemLimits = problemId is { } id ? await new ProblemStore(Database).GetLimitsAsync(id, owner: null, CancellationToken.None) : null;
        var context = new SubmitContext(Offered(language, checker?.Language), problemLimits);
        var errors = new ValidationErrors();
        var submission = SubmissionValidator.Validate(request, context, ApiOptions, errors) ?? throw Refused(errors);
        await new SubmissionStore(Database).InsertAsync(submission, await OwnerAsync(), CancellationToken.None);
        return submission.Id;
    }

    /// <summary>Stores a problem exactly as the Api does (its validation and its store); its tests are worth the given points.</summary>
    public async Task<Guid> InsertProblemAsync(LimitsRequest? limits, CheckerRequest? checker, params (string Input, string Expected, int Points)[] tests)
    {
        var request = new CreateProblemRequest("p", limits, checker, tests.Select(t => new TestCaseRequest(t.Input, t.Expected, t.Points)).ToList());
        var errors = new ValidationErrors();
        var problem = ProblemValidator.Validate(request, Offered(checker?.Language), ApiOptions, errors) ?? throw Refused(errors);
        using var staging = new TestDataStaging();
        await new ProblemStore(Database).InsertAsync(problem with { Tests = staging.AddTexts(problem.Tests) }, staging, await OwnerAsync(), CancellationToken.None);
        return problem.Id;
    }

    /// <summary>Reads a Kattis package and stores the problem as <c>POST /problems/upload</c> does (its reader, validation,
    /// staging and store); a package it refuses fails the test.</summary>
    public async Task<Guid> InsertPackageAsync(params (string Name, string Content)[] files)
    {
        using var zip = new MemoryStream();
        using (var archive = new System.IO.Compression.ZipArchive(zip, System.IO.Compression.ZipArchiveMode.Create, leaveOpen: true))
            foreach (var (name, content) in files)
            {
                using var entry = archive.CreateEntry(name).Open();
                entry.Write(Encoding.UTF8.GetBytes(content));
            }
        zip.Position = 0;
        var errors = new ValidationErrors();
        using var staging = new TestDataStaging();
        if (!KattisPackage.TryRead(zip, null, ApiOptions, staging, "file", errors, out var package))
            throw new InvalidOperationException("not read as a Kattis package");
        var problem = package is null ? null
            : ProblemValidator.Validate(package.Name, package.Limits, package.Checker, package.Tests, new HashSet<string>(), ApiOptions, errors);
        if (problem is null)
            throw Refused(errors);
        await new ProblemStore(Database).InsertAsync(package!.Into(problem), staging, await OwnerAsync(), CancellationToken.None);
        return problem.Id;
    }

    private Guid? _owner;

    /// <summary>The key the harness's rows belong to, made once, as the Api makes keys.</summary>
    public async Task<Guid> OwnerAsync() =>
        _owner ??= (await new Judge.Api.Access.ApiKeyStore(Database).CreateAsync($"worker-tests-{Guid.NewGuid():N}", isAdmin: false, CancellationToken.None)).Id;

    private static HashSet<string> Offered(params string?[] languages) => languages.OfType<string>().ToHashSet();

    private static InvalidOperationException Refused(ValidationErrors errors) => new("The Api would refuse this: "
        + string.Join("; ", errors.ToDictionary().Select(error => $"{error.Key}: {string.Join(" ", error.Value)}")));

    public sealed record SubmissionRow(string Status, string? Verdict, double? Score, string? CompileOutput, string? Message,
        DateTime? StartedAt, DateTime? FinishedAt);

    public sealed record TestResultRow(int Index, string Verdict, long CpuTimeMs, long MemoryKb, int? ExitCode, string Stdout,
        bool StdoutTruncated, string Stderr, string? Message);

    public async Task<SubmissionRow> SubmissionAsync(Guid id)
    {
        await using var connection = await Database.OpenConnectionAsync();
        return await connection.QuerySingleAsync<SubmissionRow>("""
            SELECT status, verdict, score, compile_output AS CompileOutput, message, started_at AS StartedAt, finished_at AS FinishedAt
            FROM submissions WHERE id = @id
            """, new { id });
    }

    public async Task<List<TestResultRow>> TestResultsAsync(Guid id)
    {
        await using var connection = await Database.OpenConnectionAsync();
        return (await connection.QueryAsync<TestResultRow>("""
            SELECT index, verdict, cpu_time_ms AS CpuTimeMs, memory_kb AS MemoryKb, exit_code AS ExitCode, stdout,
                   stdout_truncated AS StdoutTruncated, stderr, message
            FROM test_results WHERE submission_id = @id ORDER BY index
            """, new { id })).ToList();
    }

    /// <summary>Publishes the message and waits until the judge consumer has finished with it (or faulted).</summary>
    public async Task JudgeAsync(Guid id)
    {
        await Bus.Bus.Publish(new Contracts.JudgeSubmission(id));
        var consumer = Bus.GetConsumerHarness<Messaging.JudgeSubmissionConsumer>();
        Assert.True(await consumer.Consumed.Any<Contracts.JudgeSubmission>(m => m.Context.Message.SubmissionId == id), "the consumer never got the message");
    }
}

/// <summary>
/// A stand-in for the sandbox's runs (its volumes are real): compiles always work unless the source says "syntax error",
/// and a run behaves like <c>cat</c> (stdout is stdin) unless the script says otherwise. Records every spec and volume.
/// </summary>
public sealed class FakeSandbox(Func<SandboxSpec, SandboxResult?>? script = null) : ISandbox
{
    private static readonly SandboxRunner RealVolumes = new();
    private readonly RecordingSandbox volumes = new(RealVolumes);

    public ConcurrentQueue<SandboxSpec> Specs { get; } = new();
    public IEnumerable<SandboxVolume> Volumes => volumes.Volumes;

    public SandboxVolume CreateVolume(string prefix, long? sizeBytes = null) => volumes.CreateVolume(prefix, sizeBytes);

    public Task<SandboxResult> RunAsync(SandboxSpec spec, CancellationToken cancellationToken = default)
    {
        try
        {
            return Task.FromResult(Run(spec));
        }
        catch (Exception e)
        {
            return Task.FromException<SandboxResult>(e);
        }
    }

    private SandboxResult Run(SandboxSpec spec)
    {
        Specs.Enqueue(spec);
        if (script?.Invoke(spec) is { } scripted)
            return scripted;
        if (IsCompile(spec))
        {
            var source = Directory.GetFiles(spec.WorkDir!).Select(File.ReadAllText).Single();
            if (source.Contains("syntax error"))
                return Result(SandboxStatus.RuntimeError, 1, stderr: "main.c:1:1: error: expected something\n");
            File.WriteAllText(Path.Combine(spec.WorkDir!, "main"), "binary");
            return Result();
        }
        return Result(stdout: Input(spec));
    }

    public static SandboxResult Result(SandboxStatus status = SandboxStatus.Ok, int? exitCode = 0, string stdout = "", string stderr = "") =>
        new(status, exitCode, null, CpuTimeMs: 12, WallTimeMs: 20, PeakMemoryBytes: 3 << 20, Message: status == SandboxStatus.Ok ? "" : status.ToString())
        {
            Stdout = CapturedOutput.FromBytes(Encoding.UTF8.GetBytes(stdout)),
            Stderr = CapturedOutput.FromBytes(Encoding.UTF8.GetBytes(stderr)),
        };

    /// <summary>What the run would read as its stdin.</summary>
    public static string Input(SandboxSpec spec)
    {
        if (spec.StdinPath is { } path)
            return File.ReadAllText(path);
        using var stdin = new FileStream(new SafeFileHandle(spec.Stdin!.Open(), ownsHandle: true), FileAccess.Read, bufferSize: 0);
        return new StreamReader(stdin, Encoding.UTF8).ReadToEnd();
    }

    /// <summary>A jury file a run sees at <paramref name="shown"/> (<c>/data/answer</c>): bound as a file, or in a bound folder.</summary>
    public static string JuryFile(SandboxSpec spec, string shown)
    {
        if (spec.Binds.FirstOrDefault(b => b.Target == shown) is { } file)
            return File.ReadAllText(file.Source);
        var folder = spec.Binds.Single(b => b.Target == Path.GetDirectoryName(shown));
        return File.ReadAllText(Path.Combine(folder.Source, Path.GetFileName(shown)));
    }

    public static bool IsCompile(SandboxSpec spec) => spec.Binds.Count == 0;

    public bool AllVolumesRemoved() => volumes.AllVolumesRemoved();
}

/// <summary>A sandbox that notes every volume asked of it, to check that none outlives its submission.</summary>
public sealed class RecordingSandbox(ISandbox sandbox) : ISandbox
{
    public ConcurrentQueue<SandboxVolume> Volumes { get; } = new();

    public Task<SandboxResult> RunAsync(SandboxSpec spec, CancellationToken cancellationToken = default) =>
        sandbox.RunAsync(spec, cancellationToken);

    public SandboxVolume CreateVolume(string prefix, long? sizeBytes = null)
    {
        var volume = sandbox.CreateVolume(prefix, sizeBytes);
        Volumes.Enqueue(volume);
        return volume;
    }

    /// <summary>True once every volume it made is gone again, mount and all.</summary>
    public bool AllVolumesRemoved() => Volumes.All(volume => !Directory.Exists(volume.HostPath)
        && !File.ReadLines("/proc/self/mounts").Any(line => line.Split(' ')[1] == volume.HostPath));
}
