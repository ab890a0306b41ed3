using System.Globalization;

namespace Judge.Worker.Checking;

/// <summary>The built-in checkers: compare a program's output with the expected answer. Pure functions.</summary>
public static class OutputCheckers
{
    private const int ShownChars = 60;

    public static CheckResult Check(CheckerSpec spec, string output, string expected) => spec.Kind switch
    {
        CheckerKind.Exact => Exact(output, expected),
        CheckerKind.Lines => Lines(output, expected),
        CheckerKind.Tokens => Tokens(output, expected),
        CheckerKind.Float => Float(output, expected, spec.Epsilon ?? CheckerSpec.DefaultEpsilon),
        _ => throw new ArgumentException($"checker '{spec.Kind}' is not a built-in one", nameof(spec)),
    };

    /// <summary>Byte-for-byte (well, char-for-char) equality.</summary>
    public static CheckResult Exact(string output, string expected)
    {
        if (output == expected)
            return CheckResult.Accepted;
        var at = FirstDifference(output, expected);
        return CheckResult.Wrong($"outputs differ at character {at + 1}: expected {Show(expected, at)}, got {Show(output, at)}");
    }

    /// <summary>Line by line, ignoring trailing whitespace on each line (a '\r' included) and trailing blank lines.</summary>
    public static CheckResult Lines(string output, string expected)
    {
        var got = SignificantLines(output);
        var want = SignificantLines(expected);
        for (var i = 0; i < Math.Min(got.Count, want.Count); i++)
            if (got[i] != want[i])
                return CheckResult.Wrong($"line {i + 1}: expected {Quote(want[i])}, got {Quote(got[i])}");
        return got.Count == want.Count
            ? CheckResult.Accepted
            : CheckResult.Wrong($"expected {want.Count} lines, got {got.Count}");
    }

    /// <summary>Whitespace-separated tokens compared exactly; how they are spaced does not matter.</summary>
    public static CheckResult Tokens(string output, string expected) =>
        CompareTokens(output, expected, (got, want) => got == want);

    /// <summary>Tokens where numbers match within an absolute or relative epsilon; other tokens compare exactly.</summary>
    public static CheckResult Float(string output, string expected, double epsilon) =>
        CompareTokens(output, expected, (got, want) => TryParseNumber(want, out var w)
            ? TryParseNumber(got, out var g) && NumbersMatch(g, w, epsilon)
            : got == want);

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
    internal static bool TryParseNumber(string token, out double value)
    {
        switch (token.ToLowerInvariant())
        {
            case "nan" or "+nan" or "-nan": value = double.NaN; return true;
            case "inf" or "+inf" or "infinity" or "+infinity": value = double.PositiveInfinity; return true;
            case "-inf" or "-infinity": value = double.NegativeInfinity; return true;
        }
        // Float style: sign, digits, point, exponent; no thousands separators, no hex, no whitespace.
        return double.TryParse(token, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent,
                   CultureInfo.InvariantCulture, out value)
               && token.Any(char.IsAsciiDigit);
    }

    private static CheckResult CompareTokens(string output, string expected, Func<string, string, bool> match)
    {
        var got = output.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        var want = expected.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < Math.Min(got.Length, want.Length); i++)
            if (!match(got[i], want[i]))
                return CheckResult.Wrong($"token {i + 1}: expected {Quote(want[i])}, got {Quote(got[i])}");
        return got.Length == want.Length
            ? CheckResult.Accepted
            : CheckResult.Wrong($"expected {want.Length} tokens, got {got.Length}");
    }

    private static List<string> SignificantLines(string text)
    {
        var lines = text.Split('\n').Select(line => line.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static int FirstDifference(string a, string b)
    {
        var i = 0;
        while (i < a.Length && i < b.Length && a[i] == b[i])
            i++;
        return i;
    }

    private static string Show(string text, int at) =>
        at >= text.Length ? "end of output" : Quote(text.Substring(at, Math.Min(ShownChars, text.Length - at)));

    private static string Quote(string text) =>
        "\"" + (text.Length > ShownChars ? text[..ShownChars] + "…" : text)
            .Replace("\\", "\\\\").Replace("\"", "\\\"").Replace("\n", "\\n").Replace("\r", "\\r").Replace("\t", "\\t") + "\"";
}
