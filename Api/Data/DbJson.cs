using System.Text.Json;
using System.Text.Json.Serialization;

namespace Judge.Api.Data;

/// <summary>The one JSON shape for jsonb columns (limits, checker): camelCase, nulls left out. The Worker reads the same.</summary>
public static class DbJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"Stored JSON is null where a {typeof(T).Name} was expected.");
}
