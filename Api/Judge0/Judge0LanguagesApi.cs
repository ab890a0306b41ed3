using System.Text.Json.Nodes;

namespace Judge.Api.Judge0;

/// <summary>Judge0's <c>/languages</c>: its ids, each usable while a live worker runs our language for it.</summary>
public static class Judge0LanguagesApi
{
    public static IEndpointRouteBuilder MapJudge0LanguagesApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/languages", GetLanguages);
        api.MapGet("/languages/all", GetAllLanguages);
        api.MapGet("/languages/{id}", GetLanguage);
        return api;
    }

    /// <summary>The active languages, <c>[{id, name}]</c> by name: one id per language (not the aliases).</summary>
    public static async Task<IResult> GetLanguages(Judge0Store store, CancellationToken cancellationToken)
    {
        var names = new Judge0Languages.Names(await store.LiveLanguagesAsync(cancellationToken));
        var active = Judge0Languages.All.Where(l => !l.Alias && names.IsLive(l))
            .Select(l => new { l.Id, Name = names.Of(l.Id) })
            .OrderBy(l => l.Name, StringComparer.Ordinal);
        return Judge0Json.Ok(new JsonArray(active.Select(l => (JsonNode?)new JsonObject { ["id"] = l.Id, ["name"] = l.Name }).ToArray()));
    }

    /// <summary>Every Judge0 id, <c>[{id, name, is_archived}]</c>; archived: no live worker runs it.</summary>
    public static async Task<IResult> GetAllLanguages(Judge0Store store, CancellationToken cancellationToken)
    {
        var names = new Judge0Languages.Names(await store.LiveLanguagesAsync(cancellationToken));
        return Judge0Json.Ok(new JsonArray(Judge0Languages.All
            .Select(l => (JsonNode?)new JsonObject { ["id"] = l.Id, ["name"] = names.Of(l.Id), ["is_archived"] = !names.IsLive(l) })
            .ToArray()));
    }

    public static async Task<IResult> GetLanguage(string id, Judge0Store store, CancellationToken cancellationToken)
    {
        if (!int.TryParse(id, out var number) || Judge0Languages.Find(number) is not { } language)
            return Judge0Json.NotFound();
        var names = new Judge0Languages.Names(await store.LiveLanguagesAsync(cancellationToken));
        var live = language.Key is not null ? names.Live.GetValueOrDefault(language.Key) : null;
        return Judge0Json.Ok(new JsonObject
        {
            ["id"] = language.Id,
            ["name"] = names.Of(language.Id),
            ["is_archived"] = live is null,
            ["source_file"] = live?.SourceFile,
            ["compile_cmd"] = live?.CompileCmd,
            ["run_cmd"] = live?.RunCmd,
        });
    }
}
