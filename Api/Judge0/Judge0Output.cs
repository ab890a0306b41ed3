using System.Globalization;
using System.Text;

namespace Judge.Api.Judge0;

/// <summary>A text attribute that is not valid UTF-8 while the client did not ask for base64 (Judge0 answers 400, or 201
/// with the token on create).</summary>
public sealed class Judge0ConversionException(string field) : Exception($"{field} is not valid UTF-8")
{
    public const string OneSubmission = "some attributes for this submission cannot be converted to UTF-8, use base64_encoded=true query parameter";
    public const string SeveralSubmissions = "some attributes for one or more submissions cannot be converted to UTF-8, use base64_encoded=true query parameter";
}

/// <summary>How Judge0 writes values and compares outputs, byte for byte where clients depend on it.</summary>
public static class Judge0Output
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Ruby's <c>Base64.encode64</c>, which Judge0 uses: lines of 60 characters, each ending in a newline.</summary>
    public static string Base64(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
            return "";
        var plain = Convert.ToBase64String(bytes);
        var text = new StringBuilder(plain.Length + plain.Length / 60 + 1);
        for (var i = 0; i < plain.Length; i += 60)
            text.Append(plain, i, Math.Min(60, plain.Length - i)).Append('\n');
        return text.ToString();
    }

    /// <summary>Decodes base64 as leniently as Ruby's <c>Base64.decode64</c> about line breaks and spaces; null when it is
    /// not base64 at all.</summary>
    public static byte[]? FromBase64(string text)
    {
        var compact = new string(text.Where(c => !char.IsWhiteSpace(c)).ToArray());
        var buffer = new byte[compact.Length * 3 / 4 + 3];
        return Convert.TryFromBase64String(compact, buffer, out var written) ? buffer[..written] : null;
    }

    /// <summary>The bytes as text, or <see cref="Judge0ConversionException"/> when they are not valid UTF-8.</summary>
    public static string Utf8(byte[] bytes, string field)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new Judge0ConversionException(field);
        }
    }

    /// <summary>A decimal column as Rails renders it: a string with at least one decimal ("2.0", "0.004").</summary>
    public static string Decimal(decimal value) => value.ToString("0.0###########", CultureInfo.InvariantCulture);

    public static string Seconds(long milliseconds) => Decimal(milliseconds / 1000m);

    /// <summary>Rails' JSON timestamps: ISO 8601 in UTC with milliseconds and Z.</summary>
    public static string Timestamp(DateTime time) =>
        DateTime.SpecifyKind(time, DateTimeKind.Utc).ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    /// <summary>Judge0's comparison: every line right-trimmed, then the whole right-trimmed
    /// (<c>text.split("\n").map(&amp;:rstrip).join("\n").rstrip</c>), compared byte for byte.</summary>
    public static bool SameAfterTrimming(byte[] actual, byte[] expected) => Trimmed(actual).SequenceEqual(Trimmed(expected));

    private static byte[] Trimmed(byte[] text)
    {
        var lines = new List<byte[]>();
        var start = 0;
        for (var i = 0; i <= text.Length; i++)
        {
            if (i < text.Length && text[i] != '\n')
                continue;
            lines.Add(RightTrim(text.AsSpan(start, i - start)).ToArray());
            start = i + 1;
        }
        var joined = new List<byte>();
        for (var i = 0; i < lines.Count; i++)
        {
            if (i > 0)
                joined.Add((byte)'\n');
            joined.AddRange(lines[i]);
        }
        return RightTrim(joined.ToArray().AsSpan()).ToArray();
    }

    // Ruby's rstrip: NUL and ASCII whitespace.
    private static ReadOnlySpan<byte> RightTrim(ReadOnlySpan<byte> text) => text.TrimEnd(" \t\n\v\f\r\0"u8);
}
