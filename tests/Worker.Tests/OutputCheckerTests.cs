using System.Text;
using Judge.Data;
using Judge.Worker.Checking;

namespace Judge.Worker.Tests;

public class OutputCheckerTests
{
    [Fact]
    public void Lines_accepts_trailing_spaces_carriage_returns_and_trailing_blank_lines()
    {
        var result = Lines("1 2  \r\n3\t\n\n\n", "1 2\n3\n");
        Assert.Equal(Verdict.AC, result.Verdict);
    }

    [Fact]
    public void Lines_accepts_output_without_a_final_newline()
    {
        Assert.Equal(Verdict.AC, Lines("42", "42\n").Verdict);
    }

    [Fact]
    public void Lines_rejects_leading_spaces_and_names_the_line()
    {
        var result = Lines("a\n b\n", "a\nb\n");
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Contains("line 2", result.Message);
    }

    [Fact]
    public void Lines_rejects_a_blank_line_in_the_middle()
    {
        Assert.Equal(Verdict.WA, Lines("a\n\nb\n", "a\nb\n").Verdict);
    }

    [Fact]
    public void Lines_rejects_missing_lines_and_says_how_many()
    {
        var result = Lines("1\n", "1\n2\n");
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Equal("expected 2 lines, got 1", result.Message);
    }

    [Fact]
    public void Lines_rejects_empty_output_for_a_non_empty_answer()
    {
        Assert.Equal(Verdict.WA, Lines("", "0\n").Verdict);
    }

    [Fact]
    public void Lines_accepts_empty_output_for_an_empty_answer()
    {
        Assert.Equal(Verdict.AC, Lines("\n \n", "").Verdict);
    }

    [Fact]
    public void Exact_rejects_a_missing_final_newline_and_points_at_it()
    {
        var result = Exact("42", "42\n");
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Contains("character 3", result.Message);
        Assert.Contains("end of output", result.Message);
    }

    [Fact]
    public void Exact_rejects_a_trailing_space()
    {
        Assert.Equal(Verdict.WA, Exact("42 \n", "42\n").Verdict);
    }

    [Fact]
    public void Exact_accepts_identical_output()
    {
        Assert.Equal(Verdict.AC, Exact("a b\nc\n", "a b\nc\n").Verdict);
    }

    [Fact]
    public void Tokens_ignore_how_tokens_are_spaced_and_split_into_lines()
    {
        Assert.Equal(Verdict.AC, Tokens("1   2\n\n3\t4", "1 2 3 4\n").Verdict);
    }

    [Fact]
    public void Tokens_compare_each_token_exactly()
    {
        var result = Tokens("1 2 3.0", "1 2 3");
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Equal("token 3: expected \"3\", got \"3.0\"", result.Message);
    }

    [Fact]
    public void Tokens_reject_extra_tokens()
    {
        Assert.Equal("expected 2 tokens, got 3", Tokens("1 2 3", "1 2").Message);
    }

    [Theory]
    [InlineData("0.3333333", "0.333333333")]          // absolute difference under 1e-6
    [InlineData("1000000.5", "1000000.0")]            // relative difference under 1e-6
    [InlineData("1e3", "1000")]
    [InlineData("-0", "0")]
    [InlineData("nan", "NaN")]
    [InlineData("inf", "Infinity")]
    [InlineData("-inf", "-Infinity")]
    [InlineData("1.0000001 yes", "1 yes")]
    public void Float_accepts_numbers_within_epsilon_and_the_spellings_of_special_values(string output, string expected)
    {
        Assert.Equal(Verdict.AC, Float(output, expected, CheckerSpec.DefaultEpsilon).Verdict);
    }

    [Theory]
    [InlineData("0.33", "0.333333333")]
    [InlineData("1000002", "1000000")]
    [InlineData("nan", "1")]
    [InlineData("1", "nan")]
    [InlineData("inf", "-inf")]
    [InlineData("inf", "1e308")]
    [InlineData("abc", "1")]
    [InlineData("1,5", "1.5")]
    [InlineData("0x10", "16")]
    [InlineData("1 Yes", "1 yes")]
    public void Float_rejects_numbers_outside_epsilon_special_value_mismatches_and_non_numbers(string output, string expected)
    {
        Assert.Equal(Verdict.WA, Float(output, expected, CheckerSpec.DefaultEpsilon).Verdict);
    }

    [Fact]
    public void Float_uses_the_epsilon_it_is_given()
    {
        Assert.Equal(Verdict.AC, Float("3.14", "3.14159", 0.01).Verdict);
        Assert.Equal(Verdict.WA, Float("3.14", "3.14159", 0.0001).Verdict);
    }

    [Fact]
    public void Float_compares_non_numeric_expected_tokens_exactly()
    {
        Assert.Equal(Verdict.WA, Float("Case #1: 2", "Case #1: 2.0 x", 1e-6).Verdict);
        Assert.Equal(Verdict.AC, Float("Case #1: 2", "Case #1: 2.0", 1e-6).Verdict);
    }

    [Fact]
    public void Check_dispatches_on_the_spec_kind_and_defaults_the_epsilon()
    {
        Assert.Equal(Verdict.AC, Check(new CheckerSpec(CheckerKind.Float), "1.0000001", "1").Verdict);
        Assert.Equal(Verdict.WA, Check(new CheckerSpec(CheckerKind.Exact), "1 ", "1").Verdict);
    }

    [Fact]
    public void Wrong_answer_messages_cut_long_lines()
    {
        var result = Lines(new string('x', 10_000), new string('y', 10_000));
        Assert.True(result.Message!.Length < 200, result.Message);
    }

    [Fact]
    public void Exact_counts_characters_not_bytes_and_shows_whole_characters()
    {
        var result = Exact("h\u00e9llo w\u00f6rld", "h\u00e9llo w\u00f3rld");

        Assert.Equal("outputs differ at character 8: expected \"\u00f3rld\", got \"\u00f6rld\"", result.Message);
    }

    [Fact]
    public void Wrong_answer_messages_never_split_a_character_at_the_cut()
    {
        // The emoji is a surrogate pair whose halves fall on either side of the 60th char: the cut goes before it.
        var line = new string('a', 59) + "\U0001F600b";

        var result = Lines(line, "c");

        Assert.Equal($"line 1: expected \"c\", got \"{new string('a', 59)}…\"", result.Message);
        Assert.Equal(result.Message, StrictUtf8.GetString(StrictUtf8.GetBytes(result.Message!)));
    }

    [Fact]
    public void Wrong_answer_messages_show_invalid_bytes_and_nul_as_replacement_characters()
    {
        var result = OutputCheckers.Tokens(new MemoryStream([0xFF, (byte)'a', 0, 0xE2, 0x82]), "b"u8);

        Assert.Equal("token 1: expected \"b\", got \"\uFFFDa\uFFFD\uFFFD\"", result.Message);
    }

    [Fact]
    public void Outputs_are_compared_as_bytes_so_different_invalid_bytes_differ()
    {
        Assert.Equal(Verdict.WA, OutputCheckers.Lines(new MemoryStream([0xFF]), [0xFE]).Verdict);
        Assert.Equal(Verdict.AC, OutputCheckers.Lines(new MemoryStream([0xFF, (byte)' ']), [0xFF]).Verdict);
    }

    [Fact]
    public void Only_ASCII_whitespace_separates_tokens_and_ends_lines()
    {
        Assert.Equal(Verdict.WA, Tokens("1\u00a02", "1 2").Verdict);
        Assert.Equal(Verdict.WA, Lines("1\u00a0", "1").Verdict);
        Assert.Equal(Verdict.AC, Tokens("1\v\f2\r\n", "1 2").Verdict);
    }

    [Fact]
    public void Lines_name_a_blank_line_as_wrong_when_more_lines_follow_it()
    {
        Assert.Equal("line 2: expected \"2\", got \"\"", Lines("1\n \n3\n", "1\n2\n3\n").Message);
        Assert.Equal("expected 3 lines, got 1", Lines("1\n \n\n", "1\n2\n3\n").Message);
    }

    [Fact]
    public void Lines_accept_a_line_longer_than_the_answer_when_the_rest_is_trailing_space()
    {
        Assert.Equal(Verdict.AC, Lines("42" + new string(' ', 100_000) + "\n7\n", "42\n7").Verdict);
        Assert.Equal(Verdict.WA, Lines("42" + new string(' ', 100_000) + "x\n7\n", "42\n7").Verdict);
    }

    [Fact]
    public void Tokens_reject_a_token_that_only_starts_like_the_expected_one()
    {
        Assert.Equal("token 2: expected \"abc\", got \"abcd\"", Tokens("1 abcd", "1 abc").Message);
        Assert.Equal("token 2: expected \"abc\", got \"ab\"", Tokens("1 ab c", "1 abc").Message);
    }

    [Fact]
    public void Checker_spec_reads_back_as_the_column_stores_it_and_defaults_to_lines()
    {
        Assert.Equal(CheckerKind.Lines, DbJson.Deserialize<CheckerSpec>("{}").Kind);
        Assert.Equal(new CheckerSpec(CheckerKind.Float, 0.001), DbJson.Deserialize<CheckerSpec>("""{"kind":"float","epsilon":0.001}"""));
        Assert.Equal(new CheckerSpec(CheckerKind.Custom, null, "int main(){}", "cpp17"),
            DbJson.Deserialize<CheckerSpec>("""{"kind":"custom","source":"int main(){}","language":"cpp17"}"""));
    }

    // The checkers read the output from a stream and hold the answer as bytes; these take both as text.
    private static CheckResult Exact(string output, string expected) => OutputCheckers.Exact(Output(output), Encoding.UTF8.GetBytes(expected));
    private static CheckResult Lines(string output, string expected) => OutputCheckers.Lines(Output(output), Encoding.UTF8.GetBytes(expected));
    private static CheckResult Tokens(string output, string expected) => OutputCheckers.Tokens(Output(output), Encoding.UTF8.GetBytes(expected));
    private static CheckResult Float(string output, string expected, double epsilon) =>
        OutputCheckers.Float(Output(output), Encoding.UTF8.GetBytes(expected), epsilon);
    private static CheckResult Check(CheckerSpec spec, string output, string expected) =>
        OutputCheckers.Check(spec, Output(output), Encoding.UTF8.GetBytes(expected));

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private static MemoryStream Output(string text) => new(Encoding.UTF8.GetBytes(text));
}
