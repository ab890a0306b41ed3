using Dapper;
using Judge.Data;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Judge.Api.Judge0;

/// <summary>The <c>judge0</c> column: a Judge0 request as accepted, in Judge0's units, shown back by <c>fields=*</c>.</summary>
public sealed record Judge0Settings(
    int LanguageId,
    decimal CpuTimeLimit,
    decimal CpuExtraTime,
    decimal WallTimeLimit,
    int MemoryLimit,
    int StackLimit,
    int MaxProcessesAndOrThreads,
    bool EnablePerProcessAndThreadTimeLimit,
    bool EnablePerProcessAndThreadMemoryLimit,
    int MaxFileSize,
    bool RedirectStderrToStdout,
    bool EnableNetwork,
    int NumberOfRuns,
    // Optional: the stored JSON leaves nulls out (DbJson).
    string? CompilerOptions = null,
    string? CommandLineArguments = null,
    string? CallbackUrl = null);

/// <summary>A Judge0 submission as stored: the submission, its one test, its result and its whole output.</summary>
public sealed class Judge0Row
{
    public Guid Id { get; init; }
    public string Source { get; init; } = "";
    public string? Stdin { get; init; }
    public string? ExpectedOutput { get; init; }
    public SubmissionStatus Status { get; init; }
    public Verdict? Verdict { get; init; }
    public string? CompileOutput { get; init; }
    public string? Message { get; init; }
    public string Judge0 { get; init; } = "";
    public DateTime CreatedAt { get; init; }
    public DateTime? StartedAt { get; init; }
    public DateTime? FinishedAt { get; init; }
    public Verdict? TestVerdict { get; init; }
    public long? CpuTimeMs { get; init; }
    public long? WallTimeMs { get; init; }
    public long? MemoryKb { get; init; }
    public int? ExitCode { get; init; }
    public int? Signal { get; init; }
    public string? TestMessage { get; init; }
    public byte[]? Stdout { get; init; }
    public byte[]? Stderr { get; init; }
}

/// <summary>A language live workers offer, with what Judge0's <c>/languages/{id}</c> shows of it.</summary>
/// <param name="MultiFile">Its program may be several files: Judge0's <c>additional_files</c> can go beside it.</param>
public sealed record Judge0LiveLanguage(string Id, string Name, string Version, string? SourceFile, string? CompileCmd, string? RunCmd,
    bool MultiFile = false);

/// <summary>What the Judge0 surface reads and deletes; it creates submissions through <see cref="Submissions.SubmissionStore"/>.</summary>
public sealed class Judge0Store(NpgsqlDataSource dataSource, IOptions<JudgeOptions> options)
{
    private const string Select = """
        SELECT s.id, s.source, st.input AS stdin, st.expected_output AS expectedOutput, s.status, s.verdict,
               s.compile_output AS compileOutput, s.message, s.judge0::text AS judge0,
               s.created_at AS createdAt, s.started_at AS startedAt, s.finished_at AS finishedAt,
               t.verdict AS testVerdict, t.cpu_time_ms AS cpuTimeMs, t.wall_time_ms AS wallTimeMs, t.memory_kb AS memoryKb,
               t.exit_code AS exitCode, t.signal, t.message AS testMessage, o.stdout, o.stderr
        FROM submissions s
        LEFT JOIN submission_tests st ON st.submission_id = s.id AND st.index = 1
        LEFT JOIN test_results t ON t.submission_id = s.id AND t.index = 1
        LEFT JOIN run_outputs o ON o.submission_id = s.id
        """;

    // A key sees only its own submissions (owner null: an admin key, which sees all), as in our own API.
    private const string Mine = "(@owner::uuid IS NULL OR s.owner_key_id = @owner)";

    private const string GetSql = $"{Select} WHERE s.id = ANY(@ids) AND s.judge0 IS NOT NULL AND {Mine}";

    /// <summary>The Judge0 submissions among <paramref name="ids"/>, by id; a submission of our own API is not one.</summary>
    public async Task<IReadOnlyDictionary<Guid, Judge0Row>> GetAsync(IReadOnlyCollection<Guid> ids, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Judge0Row>(new CommandDefinition(GetSql, new { ids = ids.ToArray(), owner }, cancellationToken: cancellationToken));
        return rows.ToDictionary(r => r.Id);
    }

    private const string ListSql = $"""
        {Select} WHERE s.judge0 IS NOT NULL AND {Mine}
        ORDER BY s.created_at DESC, s.id DESC
        LIMIT @Limit OFFSET @Offset
        """;

    private const string CountSql = $"SELECT count(*) FROM submissions s WHERE s.judge0 IS NOT NULL AND {Mine}";

    public async Task<(IReadOnlyList<Judge0Row> Rows, long Total)> ListAsync(int page, int perPage, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = await connection.QueryAsync<Judge0Row>(new CommandDefinition(ListSql,
            new { Limit = perPage, Offset = (long)(page - 1) * perPage, owner }, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, new { owner }, cancellationToken: cancellationToken));
        return (rows.AsList(), total);
    }

    // Only a finished one: a worker may be writing the result of an unfinished one.
    private const string DeleteSql = $"DELETE FROM submissions s WHERE s.id = @id AND s.judge0 IS NOT NULL AND s.status = 'done' AND {Mine}";

    public async Task<bool> DeleteFinishedAsync(Guid id, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(DeleteSql, new { id, owner }, cancellationToken: cancellationToken)) > 0;
    }

    private const string QueuedSql = "SELECT count(*) FROM submissions WHERE status = 'queued'";

    /// <summary>Submissions of every API waiting for a worker.</summary>
    public async Task<long> QueuedAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(QueuedSql, cancellationToken: cancellationToken));
    }

    private const string LiveLanguagesSql = """
        SELECT DISTINCT ON (language_id) language_id AS id, name, version, source_file AS sourceFile, compile_cmd AS compileCmd, run_cmd AS runCmd,
               multi_file AS multiFile
        FROM worker_languages
        WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)
        ORDER BY language_id, last_seen DESC
        """;

    /// <summary>The languages live workers offer, by our id; where workers disagree, the most recently seen one wins.</summary>
    public async Task<IReadOnlyDictionary<string, Judge0LiveLanguage>> LiveLanguagesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var languages = await connection.QueryAsync<Judge0LiveLanguage>(new CommandDefinition(LiveLanguagesSql,
            new { WorkerTimeoutSeconds = (double)options.Value.WorkerTimeoutSeconds }, cancellationToken: cancellationToken));
        return languages.ToDictionary(l => l.Id, StringComparer.Ordinal);
    }

    private const string WorkersSql = """
        SELECT (SELECT count(DISTINCT worker_id) FROM worker_languages WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)) AS available,
               (SELECT count(*) FROM submissions WHERE status = 'queued') AS queued,
               (SELECT count(*) FROM submissions WHERE status IN ('compiling', 'running')) AS working
        """;

    public async Task<(long Available, long Queued, long Working)> WorkersAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleAsync<(long, long, long)>(new CommandDefinition(WorkersSql,
            new { WorkerTimeoutSeconds = (double)options.Value.WorkerTimeoutSeconds }, cancellationToken: cancellationToken));
    }
}
