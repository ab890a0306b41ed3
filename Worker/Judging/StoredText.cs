using System.Diagnostics.CodeAnalysis;
using System.Text.Unicode;

namespace Judge.Worker.Judging;

/// <summary>
/// Text bound for PostgreSQL, made from what programs, compilers and checkers wrote. A text column takes only valid
/// text without NUL: Npgsql cannot encode a lone surrogate (EncoderFallbackException) and PostgreSQL refuses NUL. So
/// invalid UTF-8, lone surrogates and NUL become U+FFFD, and text is cut only between characters. Every path that
/// stores text or builds a message from a program's bytes goes through here.
/// </summary>
public readonly record struct StoredText(string Text, bool Truncated)
{
    /// <summary>The first <paramref name="maxBytes"/> of <paramref name="bytes"/> as text.</summary>
    /// <param name="alreadyTruncated">The bytes are themselves the start of something longer (a file read in part).</param>
    public static StoredText Decode(ReadOnlySpan<byte> bytes, int maxBytes, bool alreadyTruncated)
    {
        var cut = alreadyTruncated || bytes.Length > maxBytes;
        return new StoredText(FromUtf8(bytes.Length > maxBytes ? bytes[..maxBytes] : bytes, cut), cut);
    }

    /// <summary>Decodes UTF-8; invalid sequences and NUL become U+FFFD.</summary>
    /// <param name="cut">The bytes are the start of something longer: a character they end in the middle of is
    /// dropped rather than shown as U+FFFD, since the rest of it is only missing, not wrong.</param>
    public static string FromUtf8(ReadOnlySpan<byte> bytes, bool cut)
    {
        // UTF-8 never takes fewer bytes than UTF-16 takes chars.
        var chars = new char[bytes.Length];
        Utf8.ToUtf16(bytes, chars, out _, out var written, replaceInvalidSequences: true, isFinalBlock: !cut);
        return new string(chars, 0, written).Replace('\0', '\uFFFD');
    }

    /// <summary>The text with lone surrogates and NUL replaced by U+FFFD; the same instance when there are none.</summary>
    [return: NotNullIfNotNull(nameof(text))]
    public static string? Clean(string? text)
    {
        if (text is null)
            return null;
        char[]? cleaned = null;
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
                i++;
            else if (text[i] == '\0' || char.IsSurrogate(text[i]))
                (cleaned ??= text.ToCharArray())[i] = '\uFFFD';
        }
        return cleaned is null ? text : new string(cleaned);
    }

    /// <summary>At most <paramref name="maxChars"/> UTF-16 chars of the text, one fewer where the cut would split a surrogate pair.</summary>
    public static string Cut(string text, int maxChars) =>
        text.Length <= maxChars ? text : text[..(maxChars > 0 && char.IsHighSurrogate(text[maxChars - 1]) ? maxChars - 1 : maxChars)];
}
