using Dapper;
using Judge.Worker.Checking;
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
    IReadOnlyList<TestCase> Tests)
{
    /// <summary>Limits: the submission's overrides, then the problem's, then the worker's defaults. Checker: the problem's,
    /// else the submission's own (inline tests), else <c>lines</c>. With no tests at all, the submission is a plain run of its stdin.</summary>
    public SubmissionToJudge ToJudge(TestLimits defaultLimits) => new(
        Id,
        Language,
        Source,
        TestLimits.Resolve(LimitsJson.Parse(Limits), LimitsJson.Parse(ProblemLimits), defaultLimits),
        CheckerSpec.Parse(ProblemChecker ?? Checker),
        Tests.Count > 0 ? Tests : [new TestCase(1, Stdin ?? "", ExpectedOutput: null, Points: 1)]);
}

/// <summary>Everything the worker reads and writes in PostgreSQL.</summary>
public sealed class JudgingStore(NpgsqlDataSource dataSource)
{
    private sealed record SubmissionRow(Guid Id, string Language, string Source, Guid? ProblemId, string? Stdin, string? Limits, string? Checker);
    private sealed record ProblemRow(string Limits, string Checker);

    private const string ClaimSql = """
        UPDATE submissions SET status = 'compiling', started_at = now()
        WHERE id = @id AND status <> 'done'
        RETURNING id, language, source, problem_id AS ProblemId, stdin, limits::text AS Limits, checker::text AS Checker
        """;
    private const string ProblemSql = "SELECT limits::text AS Limits, checker::text AS Checker FROM problems WHERE id = @problemId";
    private const string ProblemTestsSql = """
        SELECT index, input, expected_output AS ExpectedOutput, points
        FROM problem_tests WHERE problem_id = @problemId ORDER BY index
        """;
    private const string SubmissionTestsSql = """
        SELECT index, input, expected_output AS ExpectedOutput, points
        FROM submission_tests WHERE submission_id = @id ORDER BY index
        """;

    /// <summary>Marks the submission as being compiled and loads it. Null when it does not exist or is already done
    /// (a redelivered message): then there is nothing to do.</summary>
    public async Task<ClaimedSubmission?> ClaimAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<SubmissionRow>(new CommandDefinition(ClaimSql, new { id }, cancellationToken: cancellationToken));
        if (row is null)
            return null;

        ProblemRow? problem = null;
        IEnumerable<TestCase> tests;
        if (row.ProblemId is { } problemId)
        {
            problem = await connection.QuerySingleAsync<ProblemRow>(new CommandDefinition(ProblemSql, new { problemId }, cancellationToken: cancellationToken));
            tests = await connection.QueryAsync<TestCase>(new CommandDefinition(ProblemTestsSql, new { problemId }, cancellationToken: cancellationToken));
        }
        else
        {
            tests = await connection.QueryAsync<TestCase>(new CommandDefinition(SubmissionTestsSql, new { id }, cancellationToken: cancellationToken));
        }
        return new ClaimedSubmission(row.Id, row.Language, row.Source, row.Stdin, row.Limits, row.Checker,
            problem?.Limits, problem?.Checker, tests.ToList());
    }

    private const string SetRunningSql = "UPDATE submissions SET status = 'running' WHERE id = @id AND status = 'compiling'";

    public async Task SetRunningAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(SetRunningSql, new { id }, cancellationToken: cancellationToken));
    }

    private const string FinishSql = """
        UPDATE submissions
        SET status = 'done', verdict = @Verdict, score = @Score, compile_output = @CompileOutput, message = @Message, finished_at = now()
        WHERE id = @Id AND status <> 'done'
        """;
    private const string InsertTestResultSql = """
        INSERT INTO test_results (submission_id, index, verdict, cpu_time_ms, wall_time_ms, memory_kb, exit_code, signal,
                                  stdout, stdout_truncated, stderr, stderr_truncated, message)
        VALUES (@SubmissionId, @Index, @Verdict, @CpuTimeMs, @WallTimeMs, @MemoryKb, @ExitCode, @Signal,
                @Stdout, @StdoutTruncated, @Stderr, @StderrTruncated, @Message)
        """;

    /// <summary>Writes the verdict and every test result in one transaction (the schema's trigger announces it on
    /// <c>submission_done</c> when it commits).
    /// Returns false, writing nothing, when the submission was already done (another worker finished it first).</summary>
    public async Task<bool> FinishAsync(Guid id, JudgeOutcome outcome, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);

        // The UPDATE goes first: it locks the row, so a concurrent finisher waits here and then finds the submission done.
        var updated = await connection.ExecuteAsync(new CommandDefinition(FinishSql, new
        {
            Id = id,
            Verdict = outcome.Verdict.ToString(),
            outcome.Score,
            CompileOutput = outcome.CompileOutput?.Replace('\0', '\uFFFD'),
            Message = outcome.Message?.Replace('\0', '\uFFFD'),
        }, transaction, cancellationToken: cancellationToken));
        if (updated == 0)
            return false;

        var rows = outcome.Tests.Select(t => new
        {
            SubmissionId = id,
            t.Index,
            Verdict = t.Verdict.ToString(),
            t.CpuTimeMs,
            t.WallTimeMs,
            t.MemoryKb,
            t.ExitCode,
            t.Signal,
            t.Stdout,
            t.StdoutTruncated,
            t.Stderr,
            t.StderrTruncated,
            Message = t.Message?.Replace('\0', '\uFFFD'),
        });
        await connection.ExecuteAsync(new CommandDefinition(InsertTestResultSql, rows, transaction, cancellationToken: cancellationToken));
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>Gives up on a submission: IE with the reason, unless it is already done.</summary>
    public Task<bool> MarkInternalErrorAsync(Guid id, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, JudgeOutcome.InternalError(reason), cancellationToken);

    private const string UpsertLanguageSql = """
        INSERT INTO worker_languages (worker_id, language_id, name, version, last_seen)
        VALUES (@WorkerId, @LanguageId, @Name, @Version, now())
        ON CONFLICT (worker_id, language_id) DO UPDATE SET name = excluded.name, version = excluded.version, last_seen = now()
        """;

    /// <summary>Advertises (or re-advertises, refreshing <c>last_seen</c>) the languages this worker runs.</summary>
    public async Task AdvertiseLanguagesAsync(string workerId, IEnumerable<DetectedLanguage> languages, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = languages.Select(l => new { WorkerId = workerId, LanguageId = l.Language.Id, l.Language.Name, l.Version });
        await connection.ExecuteAsync(new CommandDefinition(UpsertLanguageSql, rows, cancellationToken: cancellationToken));
    }

    private const string WithdrawLanguagesSql = "DELETE FROM worker_languages WHERE worker_id = @workerId";

    public async Task WithdrawLanguagesAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(WithdrawLanguagesSql, new { workerId }, cancellationToken: cancellationToken));
    }
}
