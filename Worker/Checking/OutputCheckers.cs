using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Runtime.Intrinsics;
using System.Text;
using Judge.Data;
using Judge.Worker.Judging;

namespace Judge.Worker.Checking;

/// <summary>
/// The built-in checkers: compare a program's output with the expected answer, as bytes. The output is read forward
/// through an <see cref="OutputReader"/> and compared as it comes, stopping at the first difference; only the answer,
/// which is the jury's, is held whole. No line or token of the output is ever held whole: a gibibyte-long line costs the
/// reader's buffer and the time to scan it, and a token is read only as far as it can still match.
/// Whitespace is ASCII whitespace (space, \t, \n, \v, \f, \r): no byte of a multi-byte character is whitespace, so
/// scanning needs no decoding (the string checkers before also took U+00A0 and the other Unicode spaces for it).
/// </summary>
public static partial class OutputCheckers
{
    private const int ShownChars = 60;

    /// <summary>Bytes of an item a message looks at: enough for one character more than it shows, at 4 bytes each.</summary>
    private const int ShownBytes = 4 * (ShownChars + 1);

    /// <summary>A longer token is not a number for the float checker: no number needs that many digits.</summary>
    internal const int MaxNumberBytes = 512;

    private static readonly SearchValues<byte> Whitespace = SearchValues.Create(" \t\n\v\f\r"u8);
    private static readonly SearchValues<byte> LineSpace = SearchValues.Create(" \t\v\f\r"u8);
    private static readonly SearchValues<byte> Newline = SearchValues.Create("\n"u8);
    private static ReadOnlySpan<byte> LineSpaceBytes => " \t\v\f\r"u8;

    public static CheckResult Check(CheckerSpec spec, Stream output, ReadOnlySpan<byte> expected) => spec.Kind switch
    {
        CheckerKind.Exact => Exact(output, expected),
        CheckerKind.Lines => Lines(output, expected),
        CheckerKind.Tokens => Tokens(output, expected),
        CheckerKind.Float => Float(output, expected, spec.Epsilon ?? CheckerSpec.DefaultEpsilon),
        CheckerKind.Kattis => Kattis(output, expected, spec.Kattis ?? KattisFlags.Default),
        _ => throw new ArgumentException($"checker '{spec.Kind}' is not a built-in one", nameof(spec)),
    };

    /// <summary>Byte-for-byte equality.</summary>
    public static CheckResult Exact(Stream output, ReadOnlySpan<byte> expected)
    {
        var reader = new OutputReader(output);
        var at = 0;
        for (var chunk = reader.Peek(); !chunk.IsEmpty; chunk = reader.Peek())
        {
            var same = chunk.CommonPrefixLength(expected[at..]);
            reader.Skip(same);
            at += same;
            if (same < chunk.Length)
                break;
        }
        // One byte more than a message shows tells whether the output goes on after it.
        var rest = reader.Peek(ShownBytes + 1);
        if (rest.IsEmpty && at == expected.Length)
            return CheckResult.Accepted;

        // The output equals expected[..at]: show both from the start of the character the difference falls in.
        var from = at;
        while (from > 0 && at - from < 3 && from < expected.Length && IsContinuation(expected[from]))
            from--;
        byte[] got = [.. expected[from..at], .. rest[..Math.Min(rest.Length, ShownBytes + 1)]];
        return CheckResult.Wrong(
            $"outputs differ at character {Characters(expected[..from]) + 1}: expected {Show(expected[from..])}, got {Show(got)}");
    }

    /// <summary>Line by line, ignoring trailing whitespace on each line (a '\r' included) and trailing blank lines.</summary>
    public static CheckResult Lines(Stream output, ReadOnlySpan<byte> expected)
    {
        var want = SignificantLines(expected);
        var reader = new OutputReader(output);
        var buffer = new byte[Math.Max(Longest(want), ShownBytes)];
        long got = 0; // the output's lines up to its last non-blank one, so far
        for (var i = 0; i < want.Count; i++)
        {
            var wanted = expected.Slice(want[i].Start, want[i].Length);
            var (count, more) = ReadUntil(reader, buffer, Newline);
            // A line longer than the buffer matches only if the rest of it is blank.
            var restBlank = !more || SkipWhile(reader, LineSpace) is -1 or '\n';
            var line = restBlank ? buffer.AsSpan(0, count).TrimEnd(LineSpaceBytes) : buffer.AsSpan(0, count);
            if (restBlank && line.SequenceEqual(wanted))
            {
                if (!reader.Peek().IsEmpty)
                    reader.Skip(1); // the newline
                if (!line.IsEmpty)
                    got = i + 1;
                continue;
            }
            // A blank line followed by nothing but blank lines is where the output ran out of lines.
            if (restBlank && line.IsEmpty && SkipWhile(reader, Whitespace) == -1)
                return LineCount(want.Count, got);
            return CheckResult.Wrong($"line {i + 1}: expected {Quote(wanted)}, got {Quote(line, more: !restBlank)}");
        }

        // Every expected line is there: what follows counts only up to its last non-blank line.
        long lines = want.Count;
        for (var chunk = reader.Peek(); !chunk.IsEmpty; chunk = reader.Peek())
        {
            var last = chunk.LastIndexOfAnyExcept(Whitespace);
            if (last >= 0)
                got = lines + chunk[..last].Count((byte)'\n') + 1;
            lines += chunk.Count((byte)'\n');
            reader.Skip(chunk.Length);
        }
        return got == want.Count ? CheckResult.Accepted : LineCount(want.Count, got);
    }

    /// <summary>Whitespace-separated tokens compared exactly; how they are spaced does not matter.</summary>
    public static CheckResult Tokens(Stream output, ReadOnlySpan<byte> expected) => CompareTokens(output, expected, epsilon: null);

    /// <summary>Tokens where numbers match within an absolute or relative epsilon; other tokens compare exactly.</summary>
    public static CheckResult Float(Stream output, ReadOnlySpan<byte> expected, double epsilon) => CompareTokens(output, expected, epsilon);

    internal static bool NumbersMatch(double got, double expected, double epsilon)
    {
        if (double.IsNaN(expected) || double.IsNaN(got))
            return double.IsNaN(expected) && double.IsNaN(got);
        if (double.IsInfinity(expected) || double.IsInfinity(got))
            return got == expected;
        var difference = Math.Abs(got - expected);
        return difference <= epsilon || difference <= epsilon * Math.Abs(expected);
    }

    /// <summary>Decimal and exponent notation as programs print it, plus the usual spellings of infinity and NaN.</summary>
    internal static bool TryParseNumber(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        if (token.Length > MaxNumberBytes)
            return false;
        var unsigned = token is [(byte)'+' or (byte)'-', .. var digits] ? digits : token;
        if (Ascii.EqualsIgnoreCase(unsigned, "nan"u8))
        {
            value = double.NaN;
            return true;
        }
        if (Ascii.EqualsIgnoreCase(unsigned, "inf"u8) || Ascii.EqualsIgnoreCase(unsigned, "infinity"u8))
        {
            value = token[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }
        // Float style: sign, digits, point, exponent; no thousands separators, no hex, no whitespace.
        return double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                   CultureInfo.InvariantCulture, out value)
               && token.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0;
    }

    private static CheckResult CompareTokens(Stream output, ReadOnlySpan<byte> expected, double? epsilon)
    {
        var want = SplitTokens(expected);
        var reader = new OutputReader(output);
        var buffer = new byte[Math.Max(Longest(want), MaxNumberBytes) + 1];
        for (var i = 0; i < want.Count; i++)
        {
            if (SkipWhile(reader, Whitespace) == -1)
                return TokenCount(want.Count, i);
            var wanted = expected.Slice(want[i].Start, want[i].Length);
            double number = 0;
            var isNumber = epsilon is not null && TryParseNumber(wanted, out number);
            // Enough of the token to tell whether it is longer than the expected one or than any number, and to show it.
            var (count, more) = ReadUntil(reader, buffer.AsSpan(0, Math.Max(isNumber ? MaxNumberBytes + 1 : wanted.Length + 1, ShownBytes)), Whitespace);
            var token = buffer.AsSpan(0, count);
            var matches = !more && (isNumber
                ? TryParseNumber(token, out var gotNumber) && NumbersMatch(gotNumber, number, epsilon!.Value)
                : token.SequenceEqual(wanted));
            if (!matches)
                return CheckResult.Wrong($"token {i + 1}: expected {Quote(wanted)}, got {Quote(token, more)}");
        }

        // Every expected token is there: count what follows (from the start of the output, or from the whitespace or end after a token).
        long got = want.Count;
        var afterWhitespace = true;
        for (var chunk = reader.Peek(); !chunk.IsEmpty; chunk = reader.Peek())
        {
            got += TokenStarts(chunk, ref afterWhitespace);
            reader.Skip(chunk.Length);
        }
        return got == want.Count ? CheckResult.Accepted : TokenCount(want.Count, got);
    }

    private static CheckResult LineCount(int expected, long got) => CheckResult.Wrong($"expected {expected} lines, got {got}");

    private static CheckResult TokenCount(int expected, long got) => CheckResult.Wrong($"expected {expected} tokens, got {got}");

    /// <summary>The answer's lines without trailing whitespace, trailing blank lines dropped.</summary>
    private static List<(int Start, int Length)> SignificantLines(ReadOnlySpan<byte> text)
    {
        var lines = new List<(int Start, int Length)>();
        for (var start = 0; ; )
        {
            var end = text[start..].IndexOf((byte)'\n');
            var length = end < 0 ? text.Length - start : end;
            lines.Add((start, text.Slice(start, length).TrimEnd(LineSpaceBytes).Length));
            if (end < 0)
                break;
            start += end + 1;
        }
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static List<(int Start, int Length)> SplitTokens(ReadOnlySpan<byte> text)
    {
        var tokens = new List<(int Start, int Length)>();
        for (var start = text.IndexOfAnyExcept(Whitespace); start >= 0; )
        {
            var end = text[start..].IndexOfAny(Whitespace);
            var length = end < 0 ? text.Length - start : end;
            tokens.Add((start, length));
            var next = text[(start + length)..].IndexOfAnyExcept(Whitespace);
            start = next < 0 ? -1 : start + length + next;
        }
        return tokens;
    }

    private static int Longest(List<(int Start, int Length)> items) => items.Count == 0 ? 0 : items.Max(item => item.Length);

    /// <summary>Copies bytes up to the next stop byte (not taken) into <paramref name="into"/> until it is full.
    /// More: the item goes on after what was copied.</summary>
    private static (int Count, bool More) ReadUntil(OutputReader reader, Span<byte> into, SearchValues<byte> stops)
    {
        var count = 0;
        while (true)
        {
            var chunk = reader.Peek();
            var length = chunk.IndexOfAny(stops) is var stop and >= 0 ? stop : chunk.Length;
            if (length == 0)
                return (count, false);
            if (count == into.Length)
                return (count, true);
            var take = Math.Min(length, into.Length - count);
            chunk[..take].CopyTo(into[count..]);
            reader.Skip(take);
            count += take;
        }
    }

    /// <summary>Skips the bytes in <paramref name="skipped"/>; returns the byte it stopped at (not taken), -1 at the end of the output.</summary>
    private static int SkipWhile(OutputReader reader, SearchValues<byte> skipped)
    {
        for (var chunk = reader.Peek(); !chunk.IsEmpty; chunk = reader.Peek())
        {
            var stop = chunk.IndexOfAnyExcept(skipped);
            if (stop >= 0)
            {
                var next = chunk[stop];
                reader.Skip(stop);
                return next;
            }
            reader.Skip(chunk.Length);
        }
        return -1;
    }

    /// <summary>
    /// The tokens that start in <paramref name="chunk"/>: bytes that are not whitespace right after one that is.
    /// <paramref name="afterWhitespace"/> says whether the byte before the chunk was, and then whether its last byte is.
    /// 32 bytes at a time, as bit masks: a token at a time costs tens of nanoseconds, and an output of one-letter tokens
    /// would cost seconds per 64 MiB.
    /// </summary>
    private static long TokenStarts(ReadOnlySpan<byte> chunk, ref bool afterWhitespace)
    {
        long starts = 0;
        var i = 0;
        for (; i + Vector256<byte>.Count <= chunk.Length; i += Vector256<byte>.Count)
        {
            var bytes = Vector256.Create(chunk.Slice(i, Vector256<byte>.Count));
            // Space, or \t \n \v \f \r (9 to 13).
            var white = (Vector256.Equals(bytes, Vector256.Create((byte)' ')) |
                         Vector256.LessThanOrEqual(bytes - Vector256.Create((byte)'\t'), Vector256.Create((byte)4))).ExtractMostSignificantBits();
            var whiteBefore = (white << 1) | (afterWhitespace ? 1u : 0u);
            starts += BitOperations.PopCount(~white & whiteBefore);
            afterWhitespace = white >> 31 != 0;
        }
        for (; i < chunk.Length; i++)
        {
            var white = Whitespace.Contains(chunk[i]);
            if (!white && afterWhitespace)
                starts++;
            afterWhitespace = white;
        }
        return starts;
    }

    private static bool IsContinuation(byte b) => (b & 0xC0) == 0x80;

    /// <summary>Characters in UTF-8 text: every byte that does not continue a sequence starts one.</summary>
    private static int Characters(ReadOnlySpan<byte> text)
    {
        var count = 0;
        foreach (var b in text)
            if (!IsContinuation(b))
                count++;
        return count;
    }

    private static string Show(ReadOnlySpan<byte> from) => from.IsEmpty ? "end of output" : Quote(from);

    /// <summary>The start of an item for a message: at most <see cref="ShownChars"/> characters, cut between characters,
    /// invalid UTF-8 shown as U+FFFD, "…" when the item goes on.</summary>
    private static string Quote(ReadOnlySpan<byte> item, bool more = false)
    {
        if (item.Length > ShownBytes)
        {
            item = item[..ShownBytes];
            more = true;
        }
        var text = StoredText.FromUtf8(item, cut: more);
        var shown = StoredText.Cut(text, ShownChars);
        var ellipsis = more || shown.Length < text.Length ? "…" : "";
        return "\"" + shown.Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t")
            + ellipsis + "\"";
    }
}
