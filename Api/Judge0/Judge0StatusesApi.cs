using System.Text.Json.Nodes;

namespace Judge.Api.Judge0;

public static class Judge0StatusesApi
{
    public static IEndpointRouteBuilder MapJudge0StatusesApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/statuses", GetStatuses);
        return api;
    }

    public static IResult GetStatuses() => Judge0Json.Ok(new JsonArray(Judge0Statuses.All
        .Select(s => (JsonNode?)new JsonObject { ["id"] = s.Id, ["description"] = s.Description }).ToArray()));
}
