using Dapper;
using Judge.Data;
using Npgsql;

namespace Judge.Api.Problems;

/// <summary>One example's run in a verification: the submission made for it, or why none was.</summary>
public sealed record VerificationRun(string Path, Guid? SubmissionId, string? Skipped);

/// <summary>A verification's example as it stands: its submission's status and verdict (null until it is judged).</summary>
public sealed record VerificationRow(string Path, string Expected, Guid? SubmissionId, string? Skipped, string? Status, string? Verdict);

/// <summary>A package's input validators and example submissions (migrations 009, 011), and the verifications that judge the
/// examples (<see cref="VerifyApi"/>).</summary>
public sealed class VerificationStore(NpgsqlDataSource dataSource)
{
    /// <summary>Stores what a package brings to check itself, in the transaction that stores its problem.</summary>
    public static async Task InsertSelfChecksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, NewProblem problem, CancellationToken cancellationToken)
    {
        if (problem.InputValidators is { } validators)
            await connection.ExecuteAsync(new CommandDefinition(InsertInputValidatorsSql, new
            {
                problem.Id,
                Validators = DbJson.Serialize(validators.Validators),
                Arguments = DbJson.Serialize(validators.Arguments),
            }, transaction, cancellationToken: cancellationToken));
        if (problem.Examples is { Count: > 0 } examples)
            await connection.ExecuteAsync(new CommandDefinition(InsertExamplesSql, new
            {
                problem.Id,
                Paths = examples.Select(e => e.Path).ToArray(),
                Expected = examples.Select(e => e.Expected).ToArray(),
                Languages = examples.Select(e => e.Language).ToArray(),
                FileNames = examples.Select(e => e.FileName).ToArray(),
                Contents = examples.Select(e => e.Content).ToArray(),
                Skipped = examples.Select(e => e.Skipped).ToArray(),
                Files = examples.Select(e => e.Files is null ? null : DbJson.Serialize(e.Files)).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
    }

    private const string InsertInputValidatorsSql = """
        INSERT INTO problem_input_validators (problem_id, validators, arguments) VALUES (@Id, @Validators::jsonb, @Arguments::jsonb)
        """;

    private const string InsertExamplesSql = """
        INSERT INTO problem_examples (problem_id, path, expected, language, file_name, content, skipped, files)
        SELECT @Id, e.path, e.expected, e.language, e.file_name, e.content, e.skipped, e.files::jsonb
        FROM unnest(@Paths::text[], @Expected::text[], @Languages::text[], @FileNames::text[], @Contents::text[], @Skipped::text[], @Files::text[])
             AS e(path, expected, language, file_name, content, skipped, files)
        """;

    /// <summary>Removes a problem whose upload was refused after it was stored (its input validators refused a test, or no
    /// worker answered), with everything stored with it: its test files too, unless another problem's tests have them. A
    /// problem some submission already names is left alone.</summary>
    public async Task<bool> DeleteUnusedProblemAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        byte[][] digests;
        await using (var transaction = await connection.BeginTransactionAsync(cancellationToken))
        {
            digests = (await connection.QueryAsync<byte[]>(new CommandDefinition(TestFilesSql, new { id }, transaction, cancellationToken: cancellationToken))).ToArray();
            if (await connection.ExecuteAsync(new CommandDefinition(DeleteUnusedProblemSql, new { id }, transaction, cancellationToken: cancellationToken)) == 0)
                return false;
            await transaction.CommitAsync(cancellationToken);
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await connection.ExecuteAsync(new CommandDefinition(DeleteUnusedFilesSql, new { digests }, cancellationToken: cancellationToken));
                return true;
            }
            // An upload that reuses a file committed its tests after this statement began: the next statement sees them.
            // Past a few tries the files are left: unused bytes, not a fault of the refused upload.
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ForeignKeyViolation)
            {
                if (attempt == 3)
                    return true;
            }
        }
    }

    private const string TestFilesSql = """
        SELECT input_digest FROM problem_tests WHERE problem_id = @id UNION SELECT answer_digest FROM problem_tests WHERE problem_id = @id
        """;

    private const string DeleteUnusedProblemSql = """
        DELETE FROM problems WHERE id = @id AND NOT EXISTS (SELECT 1 FROM submissions WHERE problem_id = @id)
        """;

    // SKIP LOCKED: a file an upload in progress has found stored (TestData.WriteAsync locks it) is about to be used again.
    private const string DeleteUnusedFilesSql = """
        DELETE FROM test_data WHERE digest IN (
            SELECT d.digest FROM test_data d WHERE d.digest = ANY(@digests)
                AND NOT EXISTS (SELECT 1 FROM problem_tests t WHERE t.input_digest = d.digest OR t.answer_digest = d.digest)
            FOR UPDATE SKIP LOCKED)
        """;

    /// <summary>The problem's examples, in path order; null when there is no such problem, or it is another key's.</summary>
    /// <param name="owner">Only a problem of this key; null for any (an admin).</param>
    public async Task<IReadOnlyList<ProblemExample>?> ExamplesAsync(Guid problemId, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(ExamplesSql, new { problemId, owner }, cancellationToken: cancellationToken));
        if (!await results.ReadSingleAsync<bool>())
            return null;
        return (await results.ReadAsync<ExampleRow>()).Select(r => new ProblemExample(r.Path, r.Expected, r.Language, r.FileName, r.Content,
            r.Skipped, r.Files is null ? null : DbJson.Deserialize<List<SubmissionFile>>(r.Files))).ToList();
    }

    /// <summary>A row of problem_examples, its folder's files still JSON.</summary>
    private sealed record ExampleRow(string Path, string Expected, string? Language, string? FileName, string? Content, string? Skipped, string? Files);

    private const string ExamplesSql = """
        SELECT EXISTS (SELECT 1 FROM problems WHERE id = @problemId AND (@owner::uuid IS NULL OR owner_key_id = @owner));
        SELECT path, expected, language, file_name AS fileName, content, skipped, files::text AS files FROM problem_examples e
        WHERE e.problem_id = @problemId AND EXISTS (SELECT 1 FROM problems WHERE id = @problemId AND (@owner::uuid IS NULL OR owner_key_id = @owner))
        ORDER BY path;
        """;

    public async Task InsertVerificationAsync(Guid id, Guid problemId, Guid ownerKeyId, IReadOnlyList<VerificationRun> runs, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertVerificationSql, new
        {
            id,
            problemId,
            ownerKeyId,
            Paths = runs.Select(r => r.Path).ToArray(),
            SubmissionIds = runs.Select(r => r.SubmissionId).ToArray(),
            Skipped = runs.Select(r => r.Skipped).ToArray(),
        }, cancellationToken: cancellationToken));
    }

    private const string InsertVerificationSql = """
        WITH verification AS (
            INSERT INTO problem_verifications (id, problem_id, owner_key_id) VALUES (@id, @problemId, @ownerKeyId) RETURNING id)
        INSERT INTO problem_verification_runs (verification_id, path, submission_id, skipped)
        SELECT verification.id, r.* FROM verification, unnest(@Paths::text[], @SubmissionIds::uuid[], @Skipped::text[]) AS r(path, submission_id, skipped)
        """;

    /// <summary>The problem's latest verification, each example with its submission's state; null when the problem was never
    /// verified. (Whether the caller may see the problem is asked first: <see cref="ExamplesAsync"/>.)</summary>
    public async Task<(Guid Id, DateTime CreatedAt, IReadOnlyList<VerificationRow> Rows)?> LatestAsync(Guid problemId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(LatestSql, new { problemId }, cancellationToken: cancellationToken));
        var verification = await results.ReadSingleOrDefaultAsync<VerificationHead>();
        var rows = (await results.ReadAsync<VerificationRow>()).AsList();
        return verification is null ? null : (verification.Id, verification.CreatedAt, rows);
    }

    private sealed record VerificationHead(Guid Id, DateTime CreatedAt);

    private const string LatestSql = """
        SELECT id, created_at AS createdAt FROM problem_verifications WHERE problem_id = @problemId ORDER BY created_at DESC, id DESC LIMIT 1;

        SELECT r.path, e.expected, r.submission_id AS submissionId, r.skipped, s.status, s.verdict
        FROM problem_verification_runs r
        JOIN problem_examples e ON e.problem_id = @problemId AND e.path = r.path
        LEFT JOIN submissions s ON s.id = r.submission_id
        WHERE r.verification_id = (SELECT id FROM problem_verifications WHERE problem_id = @problemId ORDER BY created_at DESC, id DESC LIMIT 1)
        ORDER BY r.path;
        """;
}
