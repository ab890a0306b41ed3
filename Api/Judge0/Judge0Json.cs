using System.Text.Json;
using System.Text.Json.Nodes;

namespace Judge.Api.Judge0;

/// <summary>Judge0's answers: JSON as Rails writes it, and its <c>{"error": ...}</c>.</summary>
public static class Judge0Json
{
    public static IResult Ok(JsonNode? body, int status = StatusCodes.Status200OK) => Results.Text(body?.ToJsonString() ?? "null", "application/json", statusCode: status);

    public static IResult Error(string message, int status = StatusCodes.Status400BadRequest) =>
        Ok(new JsonObject { ["error"] = message }, status);

    public static IResult NotFound() => Error("not found", StatusCodes.Status404NotFound);

    /// <summary>Rails' validation errors, <c>{"field": ["message", ...]}</c>.</summary>
    public static JsonObject Errors(Validation.ValidationErrors errors) =>
        new(errors.ToDictionary().Select(e => KeyValuePair.Create(e.Key, (JsonNode?)new JsonArray(e.Value.Select(m => (JsonNode?)m).ToArray()))));

    /// <summary>The request body as Rails takes it: JSON, or a form whose values are strings. Null when it is neither.</summary>
    public static async Task<JsonNode?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (request.HasFormContentType)
        {
            var form = await request.ReadFormAsync(cancellationToken);
            return new JsonObject(form.Select(f => KeyValuePair.Create(f.Key, (JsonNode?)f.Value.ToString())));
        }
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: cancellationToken);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static bool Flag(HttpRequest request, string name) => request.Query[name].ToString() == "true";
}
