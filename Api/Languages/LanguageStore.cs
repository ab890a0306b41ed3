using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Judge.Api.Languages;

public sealed record LanguageView(string Id, string Name, string Version);

/// <summary>Reads what live workers offer. Workers write <c>worker_languages</c>; the API only reads it.</summary>
public sealed class LanguageStore(NpgsqlDataSource dataSource, IOptions<JudgeOptions> options)
{
    private double WorkerTimeoutSeconds => options.Value.WorkerTimeoutSeconds;

    /// <summary>One row per language; where workers disagree on the version, the most recently seen one wins.</summary>
    public async Task<IReadOnlyList<LanguageView>> LiveAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var languages = await connection.QueryAsync<LanguageView>(new CommandDefinition(LiveSql, new { WorkerTimeoutSeconds }, cancellationToken: cancellationToken));
        return languages.AsList();
    }

    private const string LiveSql = """
        SELECT DISTINCT ON (language_id) language_id AS id, name, version
        FROM worker_languages
        WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)
        ORDER BY language_id, last_seen DESC
        """;

    public async Task<IReadOnlySet<string>> LiveIdsAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = await connection.QueryAsync<string>(new CommandDefinition(LiveIdsSql, new { WorkerTimeoutSeconds }, cancellationToken: cancellationToken));
        return ids.ToHashSet(StringComparer.Ordinal);
    }

    private const string LiveIdsSql = """
        SELECT DISTINCT language_id FROM worker_languages
        WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)
        """;
}
