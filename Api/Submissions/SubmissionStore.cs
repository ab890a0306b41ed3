using Dapper;
using Judge.Api.Data;
using Judge.Data;
using Npgsql;

namespace Judge.Api.Submissions;

public sealed class SubmissionStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores the submission, its files, its inline tests and its callback together, in one statement: a worker never
    /// sees one without the other, and the request pays one round trip.</summary>
    /// <param name="ownerKeyId">The key that submits it, its tenant.</param>
    public async Task InsertAsync(NewSubmission submission, Guid ownerKeyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertSql, new
        {
            submission.Id,
            ownerKeyId,
            CallbackUrl = submission.CallbackUrl?.AbsoluteUri,
            submission.Language,
            submission.Source,
            submission.ProblemId,
            submission.Stdin,
            Limits = DbJson.Serialize(submission.Limits),
            Checker = submission.Checker is null ? null : DbJson.Serialize(submission.Checker),
            RunOptions = submission.RunOptions is null ? null : DbJson.Serialize(submission.RunOptions),
            submission.Judge0,
            submission.Entry,
            FileNames = submission.Files?.Select(f => f.Name).ToArray() ?? [],
            FileContents = submission.Files?.Select(f => f.Content).ToArray() ?? [],
            Indexes = submission.Tests.Select(t => t.Index).ToArray(),
            Inputs = submission.Tests.Select(t => t.Input).ToArray(),
            ExpectedOutputs = submission.Tests.Select(t => t.ExpectedOutput).ToArray(),
            Points = submission.Tests.Select(t => t.Points).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    private const string InsertSql = """
        WITH submission AS (
            INSERT INTO submissions (id, language, source, entry, problem_id, stdin, limits, checker, run_options, judge0, owner_key_id)
            VALUES (@Id, @Language, @Source, @Entry, @ProblemId, @Stdin, @Limits::jsonb, @Checker::jsonb, @RunOptions::jsonb, @Judge0::jsonb, @ownerKeyId)
            RETURNING id),
        files AS (
            INSERT INTO submission_files (submission_id, name, content)
            SELECT submission.id, f.name, f.content FROM submission, unnest(@FileNames::text[], @FileContents::text[]) AS f(name, content)),
        callback AS (
            INSERT INTO submission_callbacks (submission_id, url)
            SELECT id, @CallbackUrl::text FROM submission WHERE @CallbackUrl::text IS NOT NULL)
        INSERT INTO submission_tests (submission_id, index, input, expected_output, points)
        SELECT submission.id, t.index, t.input, t.expected_output, t.points
        FROM submission,
             unnest(@Indexes::int[], @Inputs::text[], @ExpectedOutputs::text[], @Points::int[]) AS t(index, input, expected_output, points)
        """;

    /// <summary>Records a publish by the sweeper. The first publish is not recorded: until the sweeper's
    /// first republish, <c>created_at</c> stands in for it.</summary>
    public async Task MarkPublishedAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(MarkPublishedSql, new { id }, cancellationToken: cancellationToken));
    }

    private const string MarkPublishedSql = "UPDATE submissions SET published_at = now() WHERE id = @id";

    /// <summary>Submissions still queued <paramref name="age"/> after their last publish (or creation, if never published).</summary>
    /// <param name="age">How long a queued submission waits after its last publish.</param>
    /// <param name="stuckAge">How long a submission may stay compiling or running (its worker may have lost
    /// the database for longer than its retries) before it is published again.</param>
    public async Task<IReadOnlyList<Guid>> DueForRepublishAsync(TimeSpan age, TimeSpan stuckAge, int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<Guid>(new CommandDefinition(DueForRepublishSql,
            new { AgeSeconds = age.TotalSeconds, StuckSeconds = stuckAge.TotalSeconds, batchSize }, cancellationToken: cancellationToken));
        return ids.AsList();
    }

    private const string DueForRepublishSql = """
        SELECT id FROM submissions
        WHERE (status = 'queued' AND coalesce(published_at, created_at) < now() - make_interval(secs => @AgeSeconds))
           OR (status IN ('compiling', 'running')
               AND greatest(published_at, started_at, created_at) < now() - make_interval(secs => @StuckSeconds))
        ORDER BY created_at
        LIMIT @batchSize
        """;

    public async Task<bool> IsDoneAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(IsDoneSql, new { id }, cancellationToken: cancellationToken));
    }

    private const string IsDoneSql = "SELECT coalesce((SELECT status = 'done' FROM submissions WHERE id = @id), false)";

    /// <summary>How many submissions of the key have no verdict yet.</summary>
    public async Task<long> CountUnfinishedAsync(Guid ownerKeyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountUnfinishedSql, new { ownerKeyId }, cancellationToken: cancellationToken));
    }

    private const string CountUnfinishedSql = "SELECT count(*) FROM submissions WHERE owner_key_id = @ownerKeyId AND status <> 'done'";

    /// <summary>The submission with its test results, each output cut to <paramref name="previewBytes"/> UTF-8 bytes.</summary>
    /// <param name="owner">Only a submission of this key; null for any (an admin).</param>
    public async Task<SubmissionView?> GetAsync(Guid id, Guid? owner, int previewBytes, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A character is at least one byte, so the first previewBytes characters hold the preview:
        // the database never ships a whole flood of output only for it to be dropped here.
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(GetSql, new { id, owner, PreviewChars = previewBytes }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<SubmissionRow>();
        if (row is null)
            return null;
        var tests = (await results.ReadAsync<TestResult>()).Select(t => Cut(t, previewBytes)).ToList();
        return new SubmissionView(row.Id, row.Language, row.ProblemId, row.Status, row.Verdict, row.Score, row.CompileOutput, row.Message,
            DbJson.Deserialize<Limits>(row.Limits), row.CreatedAt, row.StartedAt, row.FinishedAt, tests,
            row.Groups is null ? null : DbJson.Deserialize<List<GroupResult>>(row.Groups));
    }

    private const string GetSql = """
        SELECT id, language, problem_id AS problemId, status, verdict, score, compile_output AS compileOutput, message,
               limits::text AS limits, created_at AS createdAt, started_at AS startedAt, finished_at AS finishedAt, groups::text AS groups
        FROM submissions WHERE id = @id AND (@owner::uuid IS NULL OR owner_key_id = @owner);

        SELECT r.index, r.verdict, r.cpu_time_ms AS cpuTimeMs, r.wall_time_ms AS wallTimeMs, r.memory_kb AS memoryKb, r.exit_code AS exitCode, r.signal,
               left(r.stdout, @PreviewChars) AS stdout, r.stdout_truncated OR length(r.stdout) > @PreviewChars AS stdoutTruncated,
               left(r.stderr, @PreviewChars) AS stderr, r.stderr_truncated OR length(r.stderr) > @PreviewChars AS stderrTruncated,
               r.message, t.test_group AS "group", r.name, r.score, r.max_score AS maxScore
        FROM test_results r
        JOIN submissions s ON s.id = r.submission_id
        LEFT JOIN problem_tests t ON t.problem_id = s.problem_id AND t.index = r.index
        WHERE r.submission_id = @id AND (@owner::uuid IS NULL OR s.owner_key_id = @owner)
        ORDER BY r.index;
        """;

    private sealed record SubmissionRow(
        Guid Id, string Language, Guid? ProblemId, SubmissionStatus Status, Verdict? Verdict, double? Score, string? CompileOutput, string? Message,
        string Limits, DateTime CreatedAt, DateTime? StartedAt, DateTime? FinishedAt, string? Groups);

    private static TestResult Cut(TestResult test, int previewBytes)
    {
        var (stdout, stdoutCut) = OutputPreview.Cut(test.Stdout, previewBytes);
        var (stderr, stderrCut) = OutputPreview.Cut(test.Stderr, previewBytes);
        return test with
        {
            Stdout = stdout,
            StdoutTruncated = test.StdoutTruncated || stdoutCut,
            Stderr = stderr,
            StderrTruncated = test.StderrTruncated || stderrCut,
        };
    }

    /// <param name="owner">Only submissions of this key; null for all (an admin).</param>
    public async Task<PagedList<SubmissionSummary>> ListAsync(Guid? owner, string? status, string? verdict, Guid? problemId, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var filter = new { owner, status, verdict, problemId, Limit = pageSize, Offset = (long)(page - 1) * pageSize };
        var items = await connection.QueryAsync<SubmissionSummary>(new CommandDefinition(ListSql, filter, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(CountSql, filter, cancellationToken: cancellationToken));
        return new PagedList<SubmissionSummary>(items.AsList(), page, pageSize, total);
    }

    private const string Filter = """
        WHERE (@owner::uuid IS NULL OR owner_key_id = @owner)
          AND (@status::text IS NULL OR status = @status)
          AND (@verdict::text IS NULL OR verdict = @verdict)
          AND (@problemId::uuid IS NULL OR problem_id = @problemId)
        """;

    private const string ListSql = $"""
        SELECT id, language, problem_id AS problemId, status, verdict, score, created_at AS createdAt, finished_at AS finishedAt
        FROM submissions
        {Filter}
        ORDER BY created_at DESC, id DESC
        LIMIT @Limit OFFSET @Offset
        """;

    private const string CountSql = $"SELECT count(*) FROM submissions {Filter}";
}
