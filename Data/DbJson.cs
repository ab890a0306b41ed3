using System.Text.Json;
using System.Text.Json.Serialization;

namespace Judge.Data;

/// <summary>The one JSON shape of the jsonb columns (<see cref="Limits"/>, <see cref="CheckerSpec"/>): camelCase, nulls
/// left out. The Api writes with it and the Worker reads with it, so the two cannot disagree on a name.</summary>
public static class DbJson
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A stored document without a field its record needs is a bug to hear about, not a zero: a limits
        // document without its wall time would otherwise run the program with a wall time of 0 ms.
        RespectRequiredConstructorParameters = true,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static T Deserialize<T>(string json) =>
        JsonSerializer.Deserialize<T>(json, Options) ?? throw new InvalidOperationException($"Stored JSON is null where a {typeof(T).Name} was expected.");
}
