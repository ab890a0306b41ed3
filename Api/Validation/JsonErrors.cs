using System.Text.Json;

namespace Judge.Api.Validation;

/// <summary>Turns System.Text.Json's complaints into a field name and a reason a client can act on.</summary>
public static class JsonErrors
{
    /// <summary><c>$.limits.cpuTimeMs</c> → <c>limits.cpuTimeMs</c>; the whole document → <paramref name="root"/>.</summary>
    public static string FieldOf(string? path, string root = "body")
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return root;
        var inner = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return root == "body" ? inner : $"{root}.{inner}";
    }

    public static string ReasonOf(JsonException exception)
    {
        // The message ends in "Path: ... | LineNumber: ..."; the path is already the field.
        // Its conversion message names our internal .NET types, which mean nothing to a client.
        var message = exception.Message;
        var cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        var reason = message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal)
            ? "Has the wrong type for this field."
            : cut > 0 ? message[..cut] : message;
        return exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $"{reason} (line {line + 1}, byte {position + 1})"
            : reason;
    }
}
