using System.Reflection;
using System.Text.Json.Serialization;

namespace Judge.Data;

/// <summary>The names an enum's values have in the database and in JSON: its <see cref="JsonStringEnumMemberNameAttribute"/>
/// where it has one, else the member's own name. Read from the enum, so a list of allowed values is never written again.</summary>
public static class StoredNames<T> where T : struct, Enum
{
    public static IReadOnlyList<string> All { get; } = Enum.GetValues<T>().Select(Of).ToArray();

    public static string Of(T value) =>
        typeof(T).GetField(value.ToString())?.GetCustomAttribute<JsonStringEnumMemberNameAttribute>()?.Name ?? value.ToString();

    /// <summary>The value stored as <paramref name="name"/> (exactly, case included); null for a name the enum does not have.</summary>
    public static T? Parse(string name)
    {
        foreach (var value in Enum.GetValues<T>())
            if (Of(value) == name)
                return value;
        return null;
    }
}
