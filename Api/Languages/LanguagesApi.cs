using Microsoft.AspNetCore.Http.HttpResults;

namespace Judge.Api.Languages;

public static class LanguagesApi
{
    public static IEndpointRouteBuilder MapLanguagesApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/languages", GetLanguages).WithTags("Languages");
        return api;
    }

    public static async Task<Ok<IReadOnlyList<LanguageView>>> GetLanguages(LanguageStore languages, CancellationToken cancellationToken) =>
        TypedResults.Ok(await languages.LiveAsync(cancellationToken));
}
