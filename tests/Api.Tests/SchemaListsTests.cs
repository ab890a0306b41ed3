using System.Text.RegularExpressions;
using Dapper;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>The lists of allowed values that Judge.Data holds against the CHECK constraints the migrations create: SQL
/// cannot read the C# enums, so a test keeps the two in step.</summary>
public sealed partial class SchemaListsTests
{
    [Fact]
    public async Task The_schema_allows_exactly_the_statuses_and_verdicts_of_the_data_layer_and_no_compile_error_for_a_test()
    {
        await using var database = await JudgeDatabase.CreateAsync();
        await using var connection = await database.DataSource.OpenConnectionAsync();

        async Task<string[]> AllowedAsync(string table, string column)
        {
            var definitions = await connection.QueryAsync<string>("""
                SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_class t ON t.oid = c.conrelid
                WHERE t.relname = @table AND c.contype = 'c'
                """, new { table });
            var definition = Assert.Single(definitions, d => d.StartsWith($"CHECK (({column} = ANY", StringComparison.Ordinal));
            return Quoted().Matches(definition).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToArray();
        }

        static string[] Sorted(IEnumerable<string> names) => names.Order(StringComparer.Ordinal).ToArray();
        Assert.Equal(Sorted(StoredNames<SubmissionStatus>.All), await AllowedAsync("submissions", "status"));
        Assert.Equal(Sorted(StoredNames<Verdict>.All), await AllowedAsync("submissions", "verdict"));
        Assert.Equal(Sorted(StoredNames<Verdict>.All.Where(v => v != nameof(Verdict.CE))), await AllowedAsync("test_results", "verdict"));
    }

    [GeneratedRegex("'([^']*)'")]
    private static partial Regex Quoted();
}
