using System.Globalization;
using System.Text.RegularExpressions;

namespace Judge.Sandbox.Cli;

/// <summary>An option value that does not parse; <see cref="CommandLine"/> reports it as a parse error of that option, which adds the option's name.</summary>
internal sealed class BadValueException(string message) : Exception(message);

/// <summary>
/// Parsers for option values, plugged into System.CommandLine as custom parsers: its converters know no sizes with
/// binary suffixes (64M) or seconds with fractions (0.5 as a TimeSpan), and would accept what these refuse (signs,
/// exponents, culture-specific forms). Strict: anything they do not recognise is refused, never guessed.
/// </summary>
internal static partial class Values
{
    /// <summary>Bytes: "4096", or a whole number with K, M or G (powers of 1024, any case): "256M".</summary>
    public static long Size(string text)
    {
        var match = SizePattern().Match(text);
        if (!match.Success)
            throw new BadValueException($"\"{text}\" is not a size (use e.g. 256M)");
        var shift = char.ToUpperInvariant(match.Groups[2].Value.FirstOrDefault()) switch
        {
            'K' => 10,
            'M' => 20,
            'G' => 30,
            _ => 0,
        };
        if (!long.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || number > long.MaxValue >> shift)
            throw new BadValueException($"\"{text}\" is too large");
        return number << shift;
    }

    /// <summary>Seconds, fractions allowed: "2", "0.5", ".25".</summary>
    public static TimeSpan Seconds(string text)
    {
        var seconds = Decimal(text, "a time in seconds (use e.g. 0.5)");
        // Past ten years it is a typo, and TimeSpan would overflow not much further on.
        if (seconds > 315_360_000m)
            throw new BadValueException($"\"{text}\" is too large");
        return TimeSpan.FromTicks((long)(seconds * TimeSpan.TicksPerSecond));
    }

    /// <summary>A non-negative decimal number without sign or exponent.</summary>
    public static decimal Decimal(string text, string whatItShouldBe)
    {
        if (!DecimalPattern().IsMatch(text)
            || !decimal.TryParse(text, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
            throw new BadValueException($"\"{text}\" is not {whatItShouldBe}");
        return number;
    }

    public static int Count(string text, int min = 0, int max = int.MaxValue)
    {
        if (!CountPattern().IsMatch(text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var count))
            throw new BadValueException($"\"{text}\" is not a whole number");
        if (count < min || count > max)
            throw new BadValueException($"{count} is outside {min}..{max}");
        return count;
    }

    /// <summary>A host path, made absolute against the current directory.</summary>
    public static string HostPath(string text) =>
        text.Length == 0 ? throw new BadValueException("\"\" is not a path") : Path.GetFullPath(text);

    /// <summary>"SRC:DST", "SRC:DST:ro" or "SRC:DST:rw". SRC is a host path (made absolute); DST is checked by the spec validator.</summary>
    public static BindMount Bind(string text)
    {
        var parts = text.Split(':');
        if (parts.Length is < 2 or > 3 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new BadValueException($"\"{text}\" is not SRC:DST or SRC:DST:rw");
        var writable = parts.Length == 3 ? parts[2] switch
        {
            "rw" => true,
            "ro" => false,
            _ => throw new BadValueException($"\"{parts[2]}\" in \"{text}\" is neither rw nor ro"),
        } : false;
        return new BindMount(HostPath(parts[0]), parts[1], writable);
    }

    /// <summary>"NAME=VALUE"; the value may hold more "=" signs.</summary>
    public static KeyValuePair<string, string> Assignment(string text)
    {
        var eq = text.IndexOf('=');
        if (eq <= 0)
            throw new BadValueException($"\"{text}\" is not NAME=VALUE");
        return new(text[..eq], text[(eq + 1)..]);
    }

    public static NetworkMode Network(string text) => text switch
    {
        "none" => NetworkMode.None,
        "loopback" => NetworkMode.Loopback,
        _ => throw new BadValueException($"\"{text}\" is neither none nor loopback"),
    };

    [GeneratedRegex(@"^([0-9]+)([KMGkmg]?)$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"^([0-9]+(\.[0-9]*)?|\.[0-9]+)$")]
    private static partial Regex DecimalPattern();

    [GeneratedRegex(@"^[0-9]+$")]
    private static partial Regex CountPattern();
}
