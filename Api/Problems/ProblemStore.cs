using Dapper;
using Judge.Api.Data;
using Judge.Data;
using Npgsql;

namespace Judge.Api.Problems;

public sealed class ProblemStore(NpgsqlDataSource dataSource)
{
    /// <param name="staging">Where the tests' files wait (<see cref="TestDataStaging"/>): each is stored unless it is already,
    /// in the same transaction as the problem, so that a failure leaves neither.</param>
    /// <param name="ownerKeyId">The key that creates it, its tenant.</param>
    public async Task InsertAsync(NewProblem problem, TestDataStaging staging, Guid ownerKeyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(InsertProblemSql, new
        {
            problem.Id,
            ownerKeyId,
            problem.Name,
            Limits = DbJson.Serialize(problem.Limits),
            Checker = DbJson.Serialize(problem.Checker),
            Grader = problem.Grader is null ? null : DbJson.Serialize(problem.Grader),
            Grading = problem.Grading is null ? null : DbJson.Serialize(problem.Grading),
        }, transaction, cancellationToken: cancellationToken));
        if (problem.Files is { Count: > 0 } files)
            await connection.ExecuteAsync(new CommandDefinition(InsertFilesSql, new
            {
                problem.Id,
                Names = files.Select(f => f.Name).ToArray(),
                Contents = files.Select(f => f.Content).ToArray(),
            }, transaction, cancellationToken: cancellationToken));
        var testFiles = problem.Tests.SelectMany(t => new[] { t.InputFile!, t.AnswerFile! }).Distinct();
        // In digest order, so that two uploads sharing files take their rows' locks in the same order and never deadlock.
        foreach (var file in testFiles.OrderBy(f => f.Sha256, StringComparer.Ordinal))
        {
            await using var content = staging.OpenRead(file);
            await TestData.WriteAsync(connection, transaction, file, content, cancellationToken);
        }
        await connection.ExecuteAsync(new CommandDefinition(InsertTestsSql, new
        {
            problem.Id,
            Indexes = problem.Tests.Select(t => t.Index).ToArray(),
            Inputs = problem.Tests.Select(t => t.InputFile!.Sha256).ToArray(),
            Answers = problem.Tests.Select(t => t.AnswerFile!.Sha256).ToArray(),
            Points = problem.Tests.Select(t => t.Points).ToArray(),
            Groups = problem.Tests.Select(t => t.Group).ToArray(),
        }, transaction, cancellationToken: cancellationToken));
        if (problem.Validator is { } validator)
            await connection.ExecuteAsync(new CommandDefinition(InsertValidatorSql,
                new { problem.Id, Digest = validator.Digest(), Validator = DbJson.Serialize(validator) }, transaction, cancellationToken: cancellationToken));
        await VerificationStore.InsertSelfChecksAsync(connection, transaction, problem, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private const string InsertProblemSql = """
        INSERT INTO problems (id, owner_key_id, name, limits, checker, grader, grading)
        VALUES (@Id, @ownerKeyId, @Name, @Limits::jsonb, @Checker::jsonb, @Grader::jsonb, @Grading::jsonb)
        """;

    private const string InsertFilesSql = """
        INSERT INTO problem_files (problem_id, name, content)
        SELECT @Id, f.name, f.content FROM unnest(@Names::text[], @Contents::text[]) AS f(name, content)
        """;

    private const string InsertTestsSql = """
        INSERT INTO problem_tests (problem_id, index, input_digest, answer_digest, points, test_group)
        SELECT @Id, t.index, decode(t.input, 'hex'), decode(t.answer, 'hex'), t.points, t.test_group
        FROM unnest(@Indexes::int[], @Inputs::text[], @Answers::text[], @Points::int[], @Groups::text[])
             AS t(index, input, answer, points, test_group)
        """;

    private const string InsertValidatorSql = """
        INSERT INTO problem_validators (problem_id, digest, validator) VALUES (@Id, @Digest, @Validator::jsonb)
        """;

    /// <summary>The problem's limits; null when there is no such problem, or it is another key's.</summary>
    /// <param name="owner">Only a problem of this key; null for any (an admin).</param>
    public async Task<Limits?> GetLimitsAsync(Guid id, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var json = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(GetLimitsSql, new { id, owner }, cancellationToken: cancellationToken));
        return json is null ? null : DbJson.Deserialize<Limits>(json);
    }

    private const string GetLimitsSql = "SELECT limits::text FROM problems WHERE id = @id AND (@owner::uuid IS NULL OR owner_key_id = @owner)";

    /// <param name="owner">Only a problem of this key; null for any (an admin).</param>
    public async Task<ProblemView?> GetAsync(Guid id, Guid? owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var row = await connection.QuerySingleOrDefaultAsync<ProblemRow>(new CommandDefinition(GetSql, new { id, owner }, cancellationToken: cancellationToken));
        return row is null
            ? null
            : new ProblemView(row.Id, row.Name, DbJson.Deserialize<Limits>(row.Limits), DbJson.Deserialize<CheckerSpec>(row.Checker), row.TestCount, row.TotalPoints, row.CreatedAt,
                row.Grader is null ? null : DbJson.Deserialize<GraderSpec>(row.Grader));
    }

    private const string GetSql = """
        SELECT p.id, p.name, p.limits::text AS limits, p.checker::text AS checker,
               count(t.index)::int AS testCount, coalesce(sum(t.points), 0)::int AS totalPoints, p.created_at AS createdAt, p.grader::text AS grader
        FROM problems p LEFT JOIN problem_tests t ON t.problem_id = p.id
        WHERE p.id = @id AND (@owner::uuid IS NULL OR p.owner_key_id = @owner)
        GROUP BY p.id
        """;

    private sealed record ProblemRow(Guid Id, string Name, string Limits, string Checker, int TestCount, int TotalPoints, DateTime CreatedAt, string? Grader);

    /// <param name="owner">Only problems of this key; null for all (an admin).</param>
    public async Task<PagedList<ProblemSummary>> ListAsync(Guid? owner, int page, int pageSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var filter = new { owner, Limit = pageSize, Offset = (long)(page - 1) * pageSize };
        var items = await connection.QueryAsync<ProblemSummary>(new CommandDefinition(ListSql, filter, cancellationToken: cancellationToken));
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM problems WHERE @owner::uuid IS NULL OR owner_key_id = @owner", filter, cancellationToken: cancellationToken));
        return new PagedList<ProblemSummary>(items.AsList(), page, pageSize, total);
    }

    private const string ListSql = """
        SELECT p.id, p.name, (SELECT count(*)::int FROM problem_tests t WHERE t.problem_id = p.id) AS testCount, p.created_at AS createdAt
        FROM problems p
        WHERE @owner::uuid IS NULL OR p.owner_key_id = @owner
        ORDER BY p.created_at DESC, p.id DESC
        LIMIT @Limit OFFSET @Offset
        """;
}
