using System.Diagnostics;
using System.Text;
using Judge.Data;
using Judge.Worker.Checking;

namespace Judge.Worker.Tests;

/// <summary>
/// The built-in checkers against outputs as large as an output limit allows, generated as they are read: whatever the
/// output, a check allocates a bounded amount (the reader's 64 KiB buffer and the answer's size) and takes time linear in
/// what it has to read. Time bounds are at least five times what a Debug build takes on a busy two-core machine.
/// </summary>
public class HugeOutputCheckerTests
{
    private const long GiB = 1L << 30, MiB = 1L << 20;

    /// <summary>What one check may allocate: the reader's buffer, a line or token buffer, a message.</summary>
    private const long AllocationBound = 1 * MiB;

    [Fact]
    public void Exact_stops_at_the_first_difference_of_a_gibibyte_of_zeros()
    {
        var output = GeneratedOutput.Of("", "\0", GiB);

        var result = Measure(() => OutputCheckers.Exact(output, "3\n"u8), TimeSpan.FromSeconds(1));

        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.StartsWith("outputs differ at character 1: expected \"3\\n\", got \"\uFFFD", result.Message);
        Assert.True(output.BytesRead <= 2 * OutputReader.BufferBytes, $"read {output.BytesRead} bytes");
    }

    [Theory]
    [InlineData("lines")]
    [InlineData("tokens")]
    [InlineData("float")]
    public void A_gibibyte_of_zeros_after_the_right_answer_is_wrong_in_bounded_memory(string checker)
    {
        var output = GeneratedOutput.Of("3\n", "\0", GiB);
        var spec = new CheckerSpec(Enum.Parse<CheckerKind>(checker, ignoreCase: true));

        var result = Measure(() => OutputCheckers.Check(spec, output, "3\n"u8), TimeSpan.FromSeconds(30));

        Assert.Equal(Verdict.WA, result.Verdict);
    }

    [Fact]
    public void Lines_check_64_MiB_of_bare_newlines_in_well_under_a_second()
    {
        var wrong = Measure(() => OutputCheckers.Lines(GeneratedOutput.Of("", "\n", 64 * MiB), "3\n"u8), TimeSpan.FromSeconds(1));
        var right = Measure(() => OutputCheckers.Lines(GeneratedOutput.Of("", "\n", 64 * MiB), ""u8), TimeSpan.FromSeconds(1));

        Assert.Equal("expected 1 lines, got 0", wrong.Message);
        Assert.Equal(Verdict.AC, right.Verdict);
    }

    [Fact]
    public void Lines_count_64_MiB_of_extra_lines_in_well_under_a_second()
    {
        var result = Measure(() => OutputCheckers.Lines(GeneratedOutput.Of("1\n", "x\n", 2 + 64 * MiB), "1\n"u8), TimeSpan.FromSeconds(1));

        Assert.Equal($"expected 1 lines, got {1 + 32 * MiB}", result.Message);
    }

    [Fact]
    public void A_gibibyte_long_line_of_the_answer_and_trailing_spaces_is_accepted()
    {
        var result = Measure(() => OutputCheckers.Lines(GeneratedOutput.Of("42", " ", GiB), "42\n"u8), TimeSpan.FromSeconds(10));

        Assert.Equal(Verdict.AC, result.Verdict);
    }

    [Theory]
    [InlineData("lines")]
    [InlineData("tokens")]
    [InlineData("float")]
    public void A_gibibyte_long_line_or_token_is_wrong_after_reading_little_more_than_the_answer(string checker)
    {
        var output = GeneratedOutput.Of("", "x", GiB);
        var spec = new CheckerSpec(Enum.Parse<CheckerKind>(checker, ignoreCase: true));

        var result = Measure(() => OutputCheckers.Check(spec, output, "xxx\n"u8), TimeSpan.FromSeconds(1));

        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.EndsWith($"got \"{new string('x', 60)}…\"", result.Message);
        Assert.True(output.BytesRead <= 2 * OutputReader.BufferBytes, $"read {output.BytesRead} bytes");
    }

    [Fact]
    public void Tokens_count_64_MiB_of_extra_tokens_in_linear_time()
    {
        var result = Measure(() => OutputCheckers.Tokens(GeneratedOutput.Of("1", " x", 1 + 64 * MiB), "1"u8), TimeSpan.FromSeconds(5));

        Assert.Equal($"expected 1 tokens, got {1 + 32 * MiB}", result.Message);
    }

    [Fact]
    public void Float_does_not_parse_a_token_longer_than_any_number_needs()
    {
        var longZero = "0." + new string('0', OutputCheckers.MaxNumberBytes) + "1";

        Assert.Equal(Verdict.WA, OutputCheckers.Float(new MemoryStream(Encoding.UTF8.GetBytes(longZero)), "0"u8, 1e-6).Verdict);
        Assert.Equal(Verdict.AC, OutputCheckers.Float(new MemoryStream("0.0000001"u8.ToArray()), "0"u8, 1e-6).Verdict);
    }

    /// <summary>Runs the check on this thread and asserts what it allocated and how long it took.</summary>
    private static CheckResult Measure(Func<CheckResult> check, TimeSpan bound)
    {
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var result = check();

        var elapsed = clock.Elapsed;
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < AllocationBound, $"allocated {allocated} bytes");
        Assert.True(elapsed < bound, $"took {elapsed}");
        return result;
    }
}
