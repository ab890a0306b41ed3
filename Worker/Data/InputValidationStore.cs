using Dapper;
using Judge.Data;
using Npgsql;

namespace Judge.Worker.Data;

/// <summary>What a worker reads to validate a problem's tests at upload: its input validators (migration 009) and its tests.</summary>
public sealed class InputValidationStore(NpgsqlDataSource dataSource)
{
    private sealed record ValidatorsRow(string Validators, string Arguments);

    private const string LoadSql = $"""
        SELECT validators::text AS validators, arguments::text AS arguments FROM problem_input_validators WHERE problem_id = @problemId;
        SELECT t.index, {TestRow.ProblemColumns} FROM problem_tests t WHERE t.problem_id = @problemId ORDER BY t.index;
        """;

    /// <summary>The problem's input validators and tests; null when it has no input validators (or no longer exists).</summary>
    public async Task<(InputValidators Validators, IReadOnlyList<TestCase> Tests)?> LoadAsync(Guid problemId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var results = await connection.QueryMultipleAsync(new CommandDefinition(LoadSql, new { problemId }, cancellationToken: cancellationToken));
        var row = await results.ReadSingleOrDefaultAsync<ValidatorsRow>();
        var tests = (await results.ReadAsync<TestRow>()).Select(t => t.ToTestCase()).ToList();
        if (row is null)
            return null;
        var validators = new InputValidators(DbJson.Deserialize<List<KattisValidator>>(row.Validators),
            DbJson.Deserialize<Dictionary<string, IReadOnlyList<string>>>(row.Arguments));
        return (validators, tests);
    }
}
