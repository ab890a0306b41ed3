using Dapper;
using Judge.Data;
using Npgsql;

namespace Judge.Api.Submissions;

/// <summary>An earlier judgement of a submission, replaced by a rejudge (<c>submission_judgements</c>, migration 007).</summary>
public sealed record JudgementView(
    int Judgement,
    Verdict Verdict,
    double? Score,
    IReadOnlyList<GroupResult>? Groups,
    string? CompileOutput,
    string? Message,
    DateTime? StartedAt,
    DateTime? FinishedAt,
    DateTime RejudgedAt,
    IReadOnlyList<TestResult> Tests);

/// <summary>Rejudging: a finished submission's judgement moves into its history and the submission is queued again.</summary>
public sealed class JudgementStore(NpgsqlDataSource dataSource)
{
    /// <summary>The submission's status; null when there is no such submission, or it is another key's.</summary>
    /// <param name="owner">Only a submission of this key; null for any (an admin).</param>
    public async Task<SubmissionStatus?> StatusAsync(Guid id, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var status = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(StatusSql, new { id, owner }, cancellationToken: cancellationToken));
        return status is null ? null : StoredNames<SubmissionStatus>.Parse(status);
    }

    private const string StatusSql = "SELECT status FROM submissions WHERE id = @id AND (@owner::uuid IS NULL OR owner_key_id = @owner)";

    /// <summary>Whether the problem exists for the key (another key's is as good as none).</summary>
    public async Task<bool> ProblemExistsAsync(Guid id, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(ProblemExistsSql, new { id, owner }, cancellationToken: cancellationToken));
    }

    private const string ProblemExistsSql =
        "SELECT EXISTS (SELECT 1 FROM problems WHERE id = @id AND (@owner::uuid IS NULL OR owner_key_id = @owner))";

    // One statement, so atomic: the finished submissions are locked, their judgement (with its test results, as they
    // were) is copied into the history, the results and kept output are removed, and the submission is queued again.
    // Every CTE sees the rows as they were before the statement. published_at is set: the caller publishes right after,
    // and if the broker is away the sweeper publishes again after its usual wait.
    private const string RejudgeSubmissionSql = $"""
        WITH target AS (SELECT id FROM submissions WHERE id = @id AND status = 'done' FOR UPDATE),
        {RejudgeTargetSql}
        """;

    private const string RejudgeProblemSql = $"""
        WITH target AS (SELECT id FROM submissions WHERE problem_id = @problemId AND status = 'done' FOR UPDATE),
        {RejudgeTargetSql}
        """;

    private const string RejudgeTargetSql = """
        history AS (
            INSERT INTO submission_judgements (submission_id, judgement, verdict, score, groups, compile_output, message, tests,
                                               started_at, finished_at, rejudged_by)
            SELECT s.id, coalesce((SELECT max(j.judgement) FROM submission_judgements j WHERE j.submission_id = s.id), 0) + 1,
                   s.verdict, s.score, s.groups, s.compile_output, s.message,
                   coalesce((SELECT jsonb_agg(jsonb_build_object(
                                 'index', r.index, 'verdict', r.verdict, 'cpuTimeMs', r.cpu_time_ms, 'wallTimeMs', r.wall_time_ms,
                                 'memoryKb', r.memory_kb, 'exitCode', r.exit_code, 'signal', r.signal,
                                 'stdout', r.stdout, 'stdoutTruncated', r.stdout_truncated, 'stderr', r.stderr,
                                 'stderrTruncated', r.stderr_truncated, 'message', r.message) ORDER BY r.index)
                             FROM test_results r WHERE r.submission_id = s.id), '[]'::jsonb),
                   s.started_at, s.finished_at, @by
            FROM submissions s JOIN target USING (id)),
        results AS (
            DELETE FROM test_results WHERE submission_id IN (SELECT id FROM target)),
        outputs AS (
            DELETE FROM run_outputs WHERE submission_id IN (SELECT id FROM target))
        UPDATE submissions s
        SET status = 'queued', verdict = NULL, score = NULL, groups = NULL, compile_output = NULL, message = NULL,
            started_at = NULL, finished_at = NULL, published_at = now()
        FROM target WHERE s.id = target.id
        RETURNING s.id
        """;

    /// <summary>Queues a finished submission again, keeping its judgement in the history. False when it is not finished
    /// (or no longer is: another rejudge came first).</summary>
    /// <param name="by">The admin key that asked.</param>
    public async Task<bool> RejudgeSubmissionAsync(Guid id, Guid by, CancellationToken cancellationToken) =>
        (await RejudgeAsync(RejudgeSubmissionSql, new { id, by }, cancellationToken)).Count > 0;

    /// <summary>Queues every finished submission of the problem again; returns their ids. Those not finished yet are left
    /// alone: the verdict they are about to get is already the problem's as it is now.</summary>
    public Task<IReadOnlyList<Guid>> RejudgeProblemAsync(Guid problemId, Guid by, CancellationToken cancellationToken) =>
        RejudgeAsync(RejudgeProblemSql, new { problemId, by }, cancellationToken);

    private async Task<IReadOnlyList<Guid>> RejudgeAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return (await connection.QueryAsync<Guid>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))).AsList();
    }

    /// <summary>The submission's earlier judgements, oldest first, outputs cut to <paramref name="previewBytes"/>; null when
    /// there is no such submission, or it is another key's.</summary>
    /// <param name="owner">Only a submission of this key; null for any (an admin).</param>
    public async Task<IReadOnlyList<JudgementView>?> HistoryAsync(Guid id, Guid? owner, int previewBytes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        if (await StatusAsync(id, owner, cancellationToken) is null)
            return null;
        var rows = await connection.QueryAsync<JudgementRow>(new CommandDefinition(HistorySql, new { id }, cancellationToken: cancellationToken));
        return rows.Select(row => new JudgementView(row.Judgement, StoredNames<Verdict>.Parse(row.Verdict) ?? Verdict.IE, row.Score,
                row.Groups is null ? null : DbJson.Deserialize<List<GroupResult>>(row.Groups), row.CompileOutput, row.Message,
                row.StartedAt, row.FinishedAt, row.RejudgedAt,
                DbJson.Deserialize<List<TestResult>>(row.Tests).Select(t => Preview(t, previewBytes)).ToList()))
            .ToList();
    }

    private const string HistorySql = """
        SELECT judgement, verdict, score, groups::text AS groups, compile_output AS compileOutput, message, tests::text AS tests,
               started_at AS startedAt, finished_at AS finishedAt, rejudged_at AS rejudgedAt
        FROM submission_judgements WHERE submission_id = @id ORDER BY judgement
        """;

    private sealed record JudgementRow(int Judgement, string Verdict, double? Score, string? Groups, string? CompileOutput, string? Message,
        string Tests, DateTime? StartedAt, DateTime? FinishedAt, DateTime RejudgedAt);

    private static TestResult Preview(TestResult test, int previewBytes)
    {
        var (stdout, stdoutCut) = OutputPreview.Cut(test.Stdout, previewBytes);
        var (stderr, stderrCut) = OutputPreview.Cut(test.Stderr, previewBytes);
        return test with { Stdout = stdout, StdoutTruncated = test.StdoutTruncated || stdoutCut, Stderr = stderr, StderrTruncated = test.StderrTruncated || stderrCut };
    }
}
