using Dapper;
using Judge.Data;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Npgsql;

namespace Judge.Worker.Data;

/// <summary>A submission as claimed from the database, before limits and checker are resolved.</summary>
public sealed record ClaimedSubmission(
    Guid Id,
    string Language,
    string Source,
    string? Stdin,
    string? Limits,
    string? Checker,
    string? ProblemLimits,
    string? ProblemChecker,
    IReadOnlyList<TestCase> Tests,
    string? RunOptions = null,
    string? Validator = null)
{
    /// <summary>Limits: the submission's (complete, as the Api stores them), else the problem's, else the worker's defaults.
    /// Checker: the problem's, else the submission's own (inline tests), else <c>lines</c>. With no tests at all, the
    /// submission is a plain run of its stdin. Both columns are read with the Api's own <see cref="DbJson"/> and records.</summary>
    public SubmissionToJudge ToJudge(TestLimits defaultLimits) => new(
        Id,
        Language,
        Source,
        TestLimits.Resolve(Read<Limits>(Limits), Read<Limits>(ProblemLimits), defaultLimits),
        Read<CheckerSpec>(ProblemChecker ?? Checker) ?? CheckerSpec.Default,
        Tests.Count > 0 ? Tests : [new TestCase(1, Stdin ?? "", ExpectedOutput: null, Points: 1)],
        Read<RunOptions>(RunOptions) ?? Judge.Data.RunOptions.Default,
        Read<KattisValidator>(Validator));

    private static T? Read<T>(string? json) where T : class => json is null ? null : DbJson.Deserialize<T>(json);
}

/// <summary>Everything the worker reads and writes in PostgreSQL. Judging a submission costs two round trips
/// (claim, finish), three when it compiles: the database is shared by every worker and the API.</summary>
public sealed class JudgingStore(NpgsqlDataSource dataSource)
{
    private sealed record SubmissionRow(Guid Id, string Language, string Source, string? Stdin, string? Limits, string? Checker,
        string? ProblemLimits, string? ProblemChecker, string? RunOptions, string? Validator);

    // One batch: the claim, then the tests (the problem's, or the submission's own).
    private const string ClaimSql = """
        WITH claimed AS (
            UPDATE submissions
            SET status = CASE WHEN language = ANY(@uncompiledLanguages) THEN 'running' ELSE 'compiling' END, started_at = now()
            WHERE id = @id AND status <> 'done'
            RETURNING id, language, source, problem_id, stdin, limits, checker, run_options)
        SELECT c.id, c.language, c.source, c.stdin, c.limits::text AS Limits, c.checker::text AS Checker,
               p.limits::text AS ProblemLimits, p.checker::text AS ProblemChecker, c.run_options::text AS RunOptions,
               v.validator::text AS Validator
        FROM claimed c LEFT JOIN problems p ON p.id = c.problem_id LEFT JOIN problem_validators v ON v.problem_id = c.problem_id;

        SELECT index, input, expected_output AS ExpectedOutput, points, NULL::text AS "group" FROM submission_tests WHERE submission_id = @id
        UNION ALL
        SELECT t.index, t.input, t.expected_output, t.points, t.test_group
        FROM problem_tests t JOIN submissions s ON s.problem_id = t.problem_id WHERE s.id = @id
        ORDER BY index;
        """;

    /// <summary>Marks the submission as being compiled (as running, for a language in <paramref name="uncompiledLanguages"/>:
    /// there is nothing to compile) and loads it with its tests. Null when it does not exist or is already done
    /// (a redelivered message): then there is nothing to do.</summary>
    public async Task<ClaimedSubmission?> ClaimAsync(Guid id, IReadOnlyCollection<string> uncompiledLanguages, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(ClaimSql,
            new { id, uncompiledLanguages = uncompiledLanguages.ToArray() }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<SubmissionRow>();
        if (row is null)
            return null;
        var tests = await results.ReadAsync<TestCase>();
        return new ClaimedSubmission(row.Id, row.Language, row.Source, row.Stdin, row.Limits, row.Checker,
            row.ProblemLimits, row.ProblemChecker, tests.ToList(), row.RunOptions, row.Validator);
    }

    private const string SetRunningSql = "UPDATE submissions SET status = 'running' WHERE id = @id AND status = 'compiling'";

    public async Task SetRunningAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetRunningSql, new { id }, cancellationToken: cancellationToken));
    }

    // One statement, so one round trip and atomic. The UPDATE locks the row: a concurrent finisher waits,
    // then finds the submission done, so it updates nothing and inserts nothing.
    private const string FinishSql = """
        WITH finished AS (
            UPDATE submissions
            SET status = 'done', verdict = @Verdict, score = @Score, compile_output = @CompileOutput, message = @Message, finished_at = now()
            WHERE id = @Id AND status <> 'done'
            RETURNING id),
        results AS (
            INSERT INTO test_results (submission_id, index, verdict, cpu_time_ms, wall_time_ms, memory_kb, exit_code, signal,
                                      stdout, stdout_truncated, stderr, stderr_truncated, message)
            SELECT finished.id, t.*
            FROM finished,
                 unnest(@Indexes::int[], @Verdicts::text[], @CpuTimesMs::bigint[], @WallTimesMs::bigint[], @MemoriesKb::bigint[],
                        @ExitCodes::int[], @Signals::int[], @Stdouts::text[], @StdoutsTruncated::boolean[],
                        @Stderrs::text[], @StderrsTruncated::boolean[], @Messages::text[]) AS t
            RETURNING 1),
        outputs AS (
            INSERT INTO run_outputs (submission_id, stdout, stderr)
            SELECT finished.id, @Stdout, @Stderr FROM finished WHERE @Stdout::bytea IS NOT NULL
            RETURNING 1)
        SELECT count(*) FROM finished
        """;

    /// <summary>Writes the verdict and every test result in one statement (the schema's trigger announces it on
    /// <c>submission_done</c> when it commits). Every text goes through <see cref="StoredText.Clean"/> whoever wrote it:
    /// one lone surrogate or NUL would fail the whole statement, and the submission would end IE.
    /// Returns false, writing nothing, when the submission was already done (another worker finished it first).</summary>
    public async Task<bool> FinishAsync(Guid id, JudgeOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var tests = outcome.Tests;
        var finished = await connection.ExecuteScalarAsync<long>(new CommandDefinition(FinishSql, new
        {
            Id = id,
            Verdict = outcome.Verdict.ToString(),
            outcome.Score,
            CompileOutput = StoredText.Clean(outcome.CompileOutput),
            Message = StoredText.Clean(outcome.Message),
            Indexes = tests.Select(t => t.Index).ToArray(),
            Verdicts = tests.Select(t => t.Verdict.ToString()).ToArray(),
            CpuTimesMs = tests.Select(t => t.CpuTimeMs).ToArray(),
            WallTimesMs = tests.Select(t => t.WallTimeMs).ToArray(),
            MemoriesKb = tests.Select(t => t.MemoryKb).ToArray(),
            ExitCodes = tests.Select(t => t.ExitCode).ToArray(),
            Signals = tests.Select(t => t.Signal).ToArray(),
            Stdouts = tests.Select(t => StoredText.Clean(t.Stdout)).ToArray(),
            StdoutsTruncated = tests.Select(t => t.StdoutTruncated).ToArray(),
            Stderrs = tests.Select(t => StoredText.Clean(t.Stderr)).ToArray(),
            StderrsTruncated = tests.Select(t => t.StderrTruncated).ToArray(),
            Messages = tests.Select(t => StoredText.Clean(t.Message)).ToArray(),
            Stdout = outcome.Output?.Stdout,
            Stderr = outcome.Output?.Stderr,
        }, cancellationToken: cancellationToken));
        return finished > 0;
    }

    /// <summary>Gives up on a submission: IE with the reason, unless it is already done.</summary>
    public Task<bool> MarkInternalErrorAsync(Guid id, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, JudgeOutcome.InternalError(reason), cancellationToken);

    private const string UpsertLanguagesSql = """
        INSERT INTO worker_languages (worker_id, language_id, name, version, source_file, compile_cmd, run_cmd, last_seen)
        SELECT @workerId, l.id, l.name, l.version, l.source_file, l.compile_cmd, l.run_cmd, now()
        FROM unnest(@Ids::text[], @Names::text[], @Versions::text[], @SourceFiles::text[], @CompileCommands::text[], @RunCommands::text[])
             AS l(id, name, version, source_file, compile_cmd, run_cmd)
        ON CONFLICT (worker_id, language_id) DO UPDATE SET name = excluded.name, version = excluded.version, source_file = excluded.source_file,
            compile_cmd = excluded.compile_cmd, run_cmd = excluded.run_cmd, last_seen = now()
        """;

    /// <summary>Advertises (or re-advertises, refreshing <c>last_seen</c>) the languages this worker runs, all in one
    /// statement: the Api never lists only some of them.</summary>
    public async Task AdvertiseLanguagesAsync(string workerId, IReadOnlyList<DetectedLanguage> languages, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(UpsertLanguagesSql, new
        {
            workerId,
            Ids = languages.Select(l => l.Language.Id).ToArray(),
            Names = languages.Select(l => l.Language.Name).ToArray(),
            Versions = languages.Select(l => l.Version).ToArray(),
            // Shown by the Judge0 surface's GET /languages/{id}; the commands are argv joined for reading, never run as a string.
            SourceFiles = languages.Select(l => l.Language.SourceFile).ToArray(),
            CompileCommands = languages.Select(l => l.Language.Compile is null ? null : string.Join(' ', l.Language.Compile)).ToArray(),
            RunCommands = languages.Select(l => string.Join(' ', l.Language.Run)).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    private const string WithdrawLanguagesSql = "DELETE FROM worker_languages WHERE worker_id = @workerId";

    public async Task WithdrawLanguagesAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(WithdrawLanguagesSql, new { workerId }, cancellationToken: cancellationToken));
    }
}
