using System.Globalization;
using System.Text;
using Judge.Data;

namespace Judge.Worker.Checking;

public static partial class OutputCheckers
{
    /// <summary>
    /// The Kattis problem package format's default output validator, as problemtools' <c>default_validator.cc</c> defines
    /// it: tokens separated by whitespace; letters compared without regard to ASCII case unless <c>case_sensitive</c>;
    /// with <c>space_change_sensitive</c> every whitespace byte of the answer must be the same byte in the output, and the
    /// output may have none more (trailing whitespace included). With a tolerance set, an answer token that is a finite
    /// number asks for a finite number within the absolute or the relative tolerance (either suffices); any other token
    /// (the answer's <c>inf</c> and <c>nan</c> too) compares as text. Read forward through the output like the other checkers.
    /// </summary>
    public static CheckResult Kattis(Stream output, ReadOnlySpan<byte> expected, KattisFlags flags)
    {
        var reader = new OutputReader(output);
        var buffer = new byte[Math.Max(MaxNumberBytes, ShownBytes) + 1];
        var at = 0;
        var line = 1; // of the answer, for messages
        for (var token = 1; ; token++)
        {
            for (; at < expected.Length && Whitespace.Contains(expected[at]); at++)
            {
                if (flags.SpaceChangeSensitive)
                {
                    var got = reader.Peek();
                    if (got.IsEmpty || got[0] != expected[at])
                        return CheckResult.Wrong($"line {line}: space change: expected {Byte(expected[at])}, got {(got.IsEmpty ? "end of output" : Byte(got[0]))}");
                    reader.Skip(1);
                }
                if (expected[at] == '\n')
                    line++;
            }
            if (flags.SpaceChangeSensitive)
            {
                if (reader.Peek() is [var extra, ..] && Whitespace.Contains(extra))
                    return CheckResult.Wrong($"line {line}: space change: expected {(at == expected.Length ? "end of output" : "no more whitespace")}, got {Byte(extra)}");
            }
            else
                SkipWhile(reader, Whitespace);

            if (at == expected.Length)
                break;
            var length = expected[at..].IndexOfAny(Whitespace) is var end and >= 0 ? end : expected.Length - at;
            var wanted = expected.Slice(at, length);
            at += length;

            // Enough of the token to tell whether it is longer than the answer's or than any number, and to show it.
            if (buffer.Length <= wanted.Length)
                buffer = new byte[wanted.Length + 1];
            var (count, more) = ReadUntil(reader, buffer, Whitespace);
            var gotToken = buffer.AsSpan(0, count);
            if (count == 0)
                return CheckResult.Wrong($"line {line}: output ended where the answer has more: next expected token {Quote(wanted)}");

            if (flags.UsesFloats && TryParseKattisFloat(wanted, out var judge))
            {
                if (more || !TryParseKattisFloat(gotToken, out var team))
                    return CheckResult.Wrong($"line {line}, token {token}: expected a number like {Quote(wanted)}, got {Quote(gotToken, more)}");
                var difference = Math.Abs(judge - team);
                // As problemtools writes it: an unset tolerance is -1, which no difference is within.
                if (!(difference <= (flags.FloatAbsoluteTolerance ?? -1)) && !(difference <= (flags.FloatRelativeTolerance ?? -1) * Math.Abs(judge)))
                    return CheckResult.Wrong($"line {line}, token {token}: expected {Quote(wanted)}, got {Quote(gotToken)}: " +
                        $"absolute error {difference.ToString("G6", CultureInfo.InvariantCulture)}, " +
                        $"relative error {(difference / Math.Abs(judge)).ToString("G6", CultureInfo.InvariantCulture)}");
                continue;
            }
            var same = !more && (flags.CaseSensitive ? gotToken.SequenceEqual(wanted) : Ascii.EqualsIgnoreCase(gotToken, wanted));
            if (!same)
                return CheckResult.Wrong($"line {line}, token {token}: expected {Quote(wanted)}, got {Quote(gotToken, more)}");
        }

        // Every answer token is there: anything but whitespace after them is too much.
        if (!reader.Peek().IsEmpty)
        {
            var (count, more) = ReadUntil(reader, buffer.AsSpan(0, ShownBytes), Whitespace);
            return CheckResult.Wrong($"trailing output after the answer's last token: {Quote(buffer.AsSpan(0, count), more)}");
        }
        return CheckResult.Accepted;
    }

    /// <summary>
    /// A number as problemtools' <c>isfloat</c> takes it (C's <c>sscanf("%lf")</c> over the whole token): decimal, with an
    /// optional sign, point and exponent; not infinite and not NaN, so <c>inf</c>, <c>nan</c> and an overflow such as
    /// <c>1e999</c> are not numbers. C also reads hexadecimal floats (<c>0x1p3</c>); this does not (docs/problem-packages.md).
    /// </summary>
    internal static bool TryParseKattisFloat(ReadOnlySpan<byte> token, out double value)
    {
        value = 0;
        return token.Length <= MaxNumberBytes
               && token.IndexOfAnyInRange((byte)'0', (byte)'9') >= 0
               && double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                   CultureInfo.InvariantCulture, out value)
               && double.IsFinite(value);
    }

    private static string Byte(byte b) => b switch
    {
        (byte)' ' => "a space",
        (byte)'\n' => "a newline",
        (byte)'\t' => "a tab",
        (byte)'\r' => "a carriage return",
        (byte)'\v' => "a vertical tab",
        (byte)'\f' => "a form feed",
        _ => Quote([b]),
    };
}
