using System.Text;
using Judge.Data;
using Judge.Worker.Checking;

namespace Judge.Worker.Tests;

/// <summary>
/// The streaming checkers against the plainest reading of their rules (split the whole text, trim, compare), on random
/// small outputs handed over a few bytes per read, so that every item, whitespace run and multi-byte character falls
/// across a read somewhere.
/// </summary>
public class CheckerReferenceTests
{
    private static readonly byte[] Alphabet = "ab1.0 \t\r\n\v"u8.ToArray().Concat(new byte[] { 0xC3, 0xA9, 0xFF, 0 }).ToArray();
    private static readonly char[] AsciiWhitespace = [' ', '\t', '\n', '\v', '\f', '\r'];

    [Theory]
    [InlineData(CheckerKind.Exact)]
    [InlineData(CheckerKind.Lines)]
    [InlineData(CheckerKind.Tokens)]
    public void Streaming_checkers_agree_with_the_plain_reading_of_their_rules(CheckerKind kind)
    {
        var random = new Random((int)kind);
        for (var round = 0; round < 20_000; round++)
        {
            var expected = RandomText(random);
            // Often a near miss of the answer, sometimes anything.
            var output = random.Next(3) == 0 ? RandomText(random) : Mutate(expected, random);

            var result = OutputCheckers.Check(new CheckerSpec(kind), new TrickleStream(output, random), expected);

            var (verdict, where) = Reference(kind, output, expected);
            var shown = $"{kind} output [{Convert.ToHexString(output)}] expected [{Convert.ToHexString(expected)}]: {result.Message}";
            Assert.True(verdict == result.Verdict, shown);
            if (where is not null)
                Assert.True(result.Message!.StartsWith(where, StringComparison.Ordinal), $"{shown} (want {where})");
        }
    }

    /// <summary>The verdict and how a wrong answer's message starts.</summary>
    private static (Verdict, string?) Reference(CheckerKind kind, byte[] output, byte[] expected)
    {
        if (kind == CheckerKind.Exact)
            return output.AsSpan().SequenceEqual(expected) ? (Verdict.AC, null) : (Verdict.WA, "outputs differ at character");
        // Latin-1 keeps one char per byte: items are compared as bytes.
        var got = Items(kind, Encoding.Latin1.GetString(output));
        var want = Items(kind, Encoding.Latin1.GetString(expected));
        var name = kind == CheckerKind.Lines ? "line" : "token";
        for (var i = 0; i < Math.Min(got.Count, want.Count); i++)
            if (got[i] != want[i])
                return (Verdict.WA, $"{name} {i + 1}: ");
        return got.Count == want.Count ? (Verdict.AC, null) : (Verdict.WA, $"expected {want.Count} {name}s, got {got.Count}");
    }

    private static List<string> Items(CheckerKind kind, string text)
    {
        if (kind == CheckerKind.Tokens)
            return text.Split(AsciiWhitespace, StringSplitOptions.RemoveEmptyEntries).ToList();
        var lines = text.Split('\n').Select(line => line.TrimEnd(AsciiWhitespace)).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
            lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    private static byte[] RandomText(Random random) =>
        Enumerable.Range(0, random.Next(0, 12)).Select(_ => Alphabet[random.Next(Alphabet.Length)]).ToArray();

    private static byte[] Mutate(byte[] text, Random random)
    {
        var bytes = text.ToList();
        for (var edits = random.Next(0, 3); edits > 0; edits--)
        {
            var at = random.Next(bytes.Count + 1);
            if (random.Next(2) == 0 && at < bytes.Count)
                bytes.RemoveAt(at);
            else
                bytes.Insert(at, Alphabet[random.Next(Alphabet.Length)]);
        }
        return bytes.ToArray();
    }

    /// <summary>Hands its bytes over one to three at a time.</summary>
    private sealed class TrickleStream(byte[] bytes, Random random) : MemoryStream(bytes)
    {
        public override int Read(byte[] buffer, int offset, int count) => base.Read(buffer, offset, Math.Min(count, random.Next(1, 4)));
    }
}
