using System.Text;

namespace Judge.Api.Validation;

/// <summary>Checks every text that ends up in a PostgreSQL <c>text</c> column.</summary>
public static class TextRules
{
    /// <summary>PostgreSQL cannot store NUL in text, so such a value would fail at insert time instead of here.</summary>
    public static bool CheckStorable(string value, string field, ValidationErrors errors)
    {
        if (!value.Contains('\0'))
            return true;
        errors.Add(field, "Must not contain NUL characters.");
        return false;
    }

    public static void CheckSize(string value, int maxBytes, string field, ValidationErrors errors)
    {
        var bytes = Encoding.UTF8.GetByteCount(value);
        if (bytes > maxBytes)
            errors.Add(field, $"Is {bytes} bytes; at most {maxBytes} are accepted.");
    }
}
