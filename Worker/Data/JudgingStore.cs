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
    string? Source,
    string? Stdin,
    string? Limits,
    string? Checker,
    string? ProblemLimits,
    string? ProblemChecker,
    IReadOnlyList<TestCase> Tests,
    string? RunOptions = null,
    IReadOnlyList<SubmissionFile>? Files = null,
    string? Entry = null,
    string? Grader = null,
    IReadOnlyList<SubmissionFile>? GraderFiles = null,
    string? Grading = null,
    string? Validator = null)
{
    /// <summary>Limits: the submission's (complete, as the Api stores them), else the problem's, else the worker's defaults.
    /// Checker: the problem's, else the submission's own (inline tests), else <c>lines</c>. With no tests at all, the
    /// submission is a plain run of its stdin. Both columns are read with the Api's own <see cref="DbJson"/> and records.</summary>
    public SubmissionToJudge ToJudge(TestLimits defaultLimits) => new(
        Id,
        Language,
        Source ?? "",
        TestLimits.Resolve(Read<Limits>(Limits), Read<Limits>(ProblemLimits), defaultLimits),
        Read<CheckerSpec>(ProblemChecker ?? Checker) ?? CheckerSpec.Default,
        Tests.Count > 0 ? Tests : [new TestCase(1, Stdin ?? "", ExpectedOutput: null, Points: 1)],
        Read<RunOptions>(RunOptions) ?? Judge.Data.RunOptions.Default,
        Files is { Count: > 0 } ? Files : null,
        Entry,
        Read<GraderSpec>(Grader) is { } grader ? new GraderToRun(grader, GraderFiles ?? []) : null,
        Read<ProblemGrading>(Grading),
        Read<KattisValidator>(Validator));

    private static T? Read<T>(string? json) where T : class => json is null ? null : DbJson.Deserialize<T>(json);
}

/// <summary>Everything the worker reads and writes in PostgreSQL. Judging a submission costs two round trips
/// (claim, finish), three when it compiles: the database is shared by every worker and the API.</summary>
public sealed class JudgingStore(NpgsqlDataSource dataSource)
{
    private sealed record SubmissionRow(Guid Id, string Language, string? Source, string? Stdin, string? Limits, string? Checker,
        string? ProblemLimits, string? ProblemChecker, string? RunOptions, string? Entry, string? Grader, string? Grading, string? Validator);

    private sealed record FileRow(bool Grader, string Name, string Content);

    // One batch: the claim, then the tests (the problem's, or the submission's own), then the files (the submission's, and
    // a grader problem's own).
    private const string ClaimSql = $"""
        WITH claimed AS (
            UPDATE submissions
            SET status = CASE WHEN language = ANY(@uncompiledLanguages) THEN 'running' ELSE 'compiling' END, started_at = now()
            WHERE id = @id AND status <> 'done'
            RETURNING id, language, source, problem_id, stdin, limits, checker, run_options, entry)
        SELECT c.id, c.language, c.source, c.stdin, c.limits::text AS Limits, c.checker::text AS Checker,
               p.limits::text AS ProblemLimits, p.checker::text AS ProblemChecker, c.run_options::text AS RunOptions,
               c.entry, p.grader::text AS Grader, p.grading::text AS Grading, v.validator::text AS Validator
        FROM claimed c LEFT JOIN problems p ON p.id = c.problem_id LEFT JOIN problem_validators v ON v.problem_id = c.problem_id;

        SELECT index, input, expected_output AS expectedOutput, points, NULL::text AS "group",
               NULL::text AS inputSha256, NULL::bigint AS inputSize, NULL::text AS answerSha256, NULL::bigint AS answerSize
        FROM submission_tests WHERE submission_id = @id
        UNION ALL
        SELECT t.index, {TestRow.ProblemColumns}
        FROM problem_tests t JOIN submissions s ON s.problem_id = t.problem_id WHERE s.id = @id
        ORDER BY index;

        SELECT false AS Grader, name, content FROM submission_files WHERE submission_id = @id
        UNION ALL
        SELECT true, f.name, f.content FROM problem_files f JOIN submissions s ON s.problem_id = f.problem_id WHERE s.id = @id
        ORDER BY 1, 2;
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
        var tests = (await results.ReadAsync<TestRow>()).Select(t => t.ToTestCase());
        var files = (await results.ReadAsync<FileRow>()).ToLookup(f => f.Grader, f => new SubmissionFile(f.Name, f.Content));
        return new ClaimedSubmission(row.Id, row.Language, row.Source, row.Stdin, row.Limits, row.Checker,
            row.ProblemLimits, row.ProblemChecker, tests.ToList(), row.RunOptions, files[false].ToList(), row.Entry, row.Grader, files[true].ToList(),
            row.Grading, row.Validator);
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
            SET status = 'done', verdict = @Verdict, score = @Score, groups = @Groups::jsonb, compile_output = @CompileOutput, message = @Message,
                finished_at = now()
            WHERE id = @Id AND status <> 'done'
            RETURNING id),
        results AS (
            INSERT INTO test_results (submission_id, index, verdict, cpu_time_ms, wall_time_ms, memory_kb, exit_code, signal,
                                      stdout, stdout_truncated, stderr, stderr_truncated, message, name, score, max_score)
            SELECT finished.id, t.*
            FROM finished,
                 unnest(@Indexes::int[], @Verdicts::text[], @CpuTimesMs::bigint[], @WallTimesMs::bigint[], @MemoriesKb::bigint[],
                        @ExitCodes::int[], @Signals::int[], @Stdouts::text[], @StdoutsTruncated::boolean[],
                        @Stderrs::text[], @StderrsTruncated::boolean[], @Messages::text[],
                        @Names::text[], @Scores::float8[], @MaxScores::float8[]) AS t
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
            Groups = outcome.Groups is null ? null : DbJson.Serialize(outcome.Groups),
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
            Names = tests.Select(t => StoredText.Clean(t.Name)).ToArray(),
            Scores = tests.Select(t => t.Score).ToArray(),
            MaxScores = tests.Select(t => t.MaxScore).ToArray(),
            Stdout = outcome.Output?.Stdout,
            Stderr = outcome.Output?.Stderr,
        }, cancellationToken: cancellationToken));
        return finished > 0;
    }

    /// <summary>Gives up on a submission: IE with the reason, unless it is already done.</summary>
    public Task<bool> MarkInternalErrorAsync(Guid id, string reason, CancellationToken cancellationToken) =>
        FinishAsync(id, JudgeOutcome.InternalError(reason), cancellationToken);

    private const string UpsertLanguagesSql = """
        INSERT INTO worker_languages (worker_id, language_id, name, version, source_file, compile_cmd, run_cmd, multi_file, runs_graders, last_seen)
        SELECT @workerId, l.id, l.name, l.version, l.source_file, l.compile_cmd, l.run_cmd, l.multi_file, l.runs_graders, now()
        FROM unnest(@Ids::text[], @Names::text[], @Versions::text[], @SourceFiles::text[], @CompileCommands::text[], @RunCommands::text[],
                    @MultiFile::boolean[], @RunsGraders::boolean[])
             AS l(id, name, version, source_file, compile_cmd, run_cmd, multi_file, runs_graders)
        ON CONFLICT (worker_id, language_id) DO UPDATE SET name = excluded.name, version = excluded.version, source_file = excluded.source_file,
            compile_cmd = excluded.compile_cmd, run_cmd = excluded.run_cmd, multi_file = excluded.multi_file,
            runs_graders = excluded.runs_graders, last_seen = now()
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
            CompileCommands = languages.Select(l => l.Language.Compile is null ? null
                : string.Join(" && ", new[] { l.Language.Compile }.Concat(l.Language.ThenCompile).Select(step => string.Join(' ', step)))).ToArray(),
            RunCommands = languages.Select(l => string.Join(' ', l.Language.Run)).ToArray(),
            MultiFile = languages.Select(l => l.Language.SourceExtensions.Count > 0).ToArray(),
            RunsGraders = languages.Select(l => l.Language.RunsGraders).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    private const string WithdrawLanguagesSql = "DELETE FROM worker_languages WHERE worker_id = @workerId";

    public async Task WithdrawLanguagesAsync(string workerId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(WithdrawLanguagesSql, new { workerId }, cancellationToken: cancellationToken));
    }
}
