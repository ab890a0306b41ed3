using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Judge.Api.Languages;

/// <param name="MultiFile">Whether a submission may give several <c>files</c> in this language (docs/languages.md).</param>
/// <param name="RunsGraders">Whether a grader problem's grader may be written in this language.</param>
public sealed record LanguageView(string Id, string Name, string Version, bool MultiFile, bool RunsGraders);

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
        SELECT DISTINCT ON (language_id) language_id AS id, name, version, multi_file AS multiFile, runs_graders AS runsGraders
        FROM worker_languages
        WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)
        ORDER BY language_id, last_seen DESC
        """;

    /// <summary>
    /// The ids live workers offer, for validating a submission. Read at most every second while the
    /// answer includes every <paramref name="requested"/> id: every submission asks, and a language appears or
    /// disappears only when a worker starts or stops. A language not in the last answer is always
    /// looked up again, so a worker that just started is seen at once.
    /// </summary>
    public async Task<IReadOnlySet<string>> LiveIdsAsync(IEnumerable<string?> requested, CancellationToken cancellationToken)
    {
        var cached = _liveIds;
        if (cached is not null && Environment.TickCount64 - cached.ReadAtMs < LiveIdsMaxAgeMs
            && requested.All(id => id is null || cached.Ids.Contains(id)))
            return cached.Ids;

        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var ids = (await connection.QueryAsync<string>(new CommandDefinition(LiveIdsSql, new { WorkerTimeoutSeconds }, cancellationToken: cancellationToken)))
            .ToHashSet(StringComparer.Ordinal);
        _liveIds = new LiveIds(ids, Environment.TickCount64);
        return ids;
    }

    /// <summary>The live languages that some live worker builds from several files, and those it runs graders in. Asked only
    /// for a submission that gives files or a problem with a grader, so not cached.</summary>
    public async Task<FileLanguages> FileLanguagesAsync(CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var rows = (await connection.QueryAsync<(string Id, bool MultiFile, bool RunsGraders)>(new CommandDefinition(FileLanguagesSql,
            new { WorkerTimeoutSeconds }, cancellationToken: cancellationToken))).AsList();
        return new FileLanguages(rows.Where(r => r.MultiFile).Select(r => r.Id).ToHashSet(StringComparer.Ordinal),
            rows.Where(r => r.RunsGraders).Select(r => r.Id).ToHashSet(StringComparer.Ordinal));
    }

    private const string FileLanguagesSql = """
        SELECT language_id, bool_or(multi_file), bool_or(runs_graders) FROM worker_languages
        WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)
        GROUP BY language_id
        """;

    private const long LiveIdsMaxAgeMs = 1000;
    private sealed record LiveIds(IReadOnlySet<string> Ids, long ReadAtMs);
    private volatile LiveIds? _liveIds;

    private const string LiveIdsSql = """
        SELECT DISTINCT language_id FROM worker_languages
        WHERE last_seen > now() - make_interval(secs => @WorkerTimeoutSeconds)
        """;
}

/// <param name="MultiFile">Languages a submission may give several files in.</param>
/// <param name="Graders">Languages a grader problem's grader may be written in.</param>
public sealed record FileLanguages(IReadOnlySet<string> MultiFile, IReadOnlySet<string> Graders);
