using System.Text;
using Judge.Data;
using Judge.Worker.Checking;

namespace Judge.Worker.Tests;

/// <summary>The Kattis default output validator, flag by flag, as problemtools' default_validator.cc judges.</summary>
public class KattisOutputValidatorTests
{
    private static readonly KattisFlags None = KattisFlags.Default;
    private static readonly KattisFlags CaseSensitive = new(CaseSensitive: true);
    private static readonly KattisFlags SpaceSensitive = new(SpaceChangeSensitive: true);
    private static KattisFlags Tolerance(double? absolute = null, double? relative = null) => new(FloatAbsoluteTolerance: absolute, FloatRelativeTolerance: relative);

    [Fact]
    public void Tokens_compare_without_regard_to_case_by_default()
    {
        Assert.Equal(Verdict.AC, Kattis("HELLO World\n", "hello world\n", None).Verdict);
    }

    [Fact]
    public void Case_sensitive_rejects_a_token_in_another_case_and_names_it()
    {
        var result = Kattis("Hello\n", "hello\n", CaseSensitive);
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Equal("line 1, token 1: expected \"hello\", got \"Hello\"", result.Message);
        Assert.Equal(Verdict.AC, Kattis("hello\n", "hello\n", CaseSensitive).Verdict);
    }

    [Fact]
    public void Case_is_ignored_for_ascii_letters_only_as_strcasecmp_does()
    {
        Assert.Equal(Verdict.WA, Kattis("É\n", "é\n", None).Verdict);
    }

    [Fact]
    public void Any_run_of_whitespace_separates_tokens_by_default_trailing_whitespace_included()
    {
        Assert.Equal(Verdict.AC, Kattis("  1\t2\r\n\n3 \n\n\n", "1 2 3\n", None).Verdict);
        Assert.Equal(Verdict.AC, Kattis("1 2 3", "1 2 3\n", None).Verdict);
        Assert.Equal(Verdict.AC, Kattis("\v\f", "", None).Verdict);
    }

    [Fact]
    public void Output_that_ends_early_is_wrong_and_names_the_next_token()
    {
        var result = Kattis("1 2\n", "1 2 3\n", None);
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Contains("next expected token \"3\"", result.Message);
    }

    [Fact]
    public void Tokens_after_the_answer_are_wrong_as_trailing_output()
    {
        var result = Kattis("1 2 3 extra\n", "1 2 3\n", None);
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Contains("trailing output", result.Message);
        Assert.Contains("\"extra\"", result.Message);
    }

    [Fact]
    public void A_token_that_only_starts_like_the_answer_is_wrong()
    {
        Assert.Equal(Verdict.WA, Kattis("abcd", "abc", None).Verdict);
        Assert.Equal(Verdict.WA, Kattis("ab c", "abc", None).Verdict);
    }

    [Fact]
    public void Space_change_sensitive_accepts_the_same_whitespace_only()
    {
        Assert.Equal(Verdict.AC, Kattis("1 2\n3\n", "1 2\n3\n", SpaceSensitive).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1  2\n3\n", "1 2\n3\n", SpaceSensitive).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1\t2\n3\n", "1 2\n3\n", SpaceSensitive).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1 2\r\n3\r\n", "1 2\n3\n", SpaceSensitive).Verdict);
    }

    [Fact]
    public void Space_change_sensitive_holds_trailing_whitespace_to_the_answer_too()
    {
        var missingNewline = Kattis("1 2", "1 2\n", SpaceSensitive);
        Assert.Equal(Verdict.WA, missingNewline.Verdict);
        Assert.Contains("expected a newline, got end of output", missingNewline.Message);
        Assert.Equal(Verdict.WA, Kattis("1 2\n\n", "1 2\n", SpaceSensitive).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1 2 \n", "1 2\n", SpaceSensitive).Verdict);
    }

    [Fact]
    public void Without_a_tolerance_numbers_compare_as_text()
    {
        Assert.Equal(Verdict.WA, Kattis("1.0\n", "1\n", None).Verdict);
        Assert.Equal(Verdict.AC, Kattis("1.50\n", "1.50\n", None).Verdict);
        Assert.Equal(Verdict.AC, Kattis("1E5\n", "1e5\n", None).Verdict); // the same text but for case
    }

    [Fact]
    public void With_a_tolerance_any_formatting_of_a_number_is_accepted_exponents_included()
    {
        var flags = Tolerance(1e-9, 1e-9);
        Assert.Equal(Verdict.AC, Kattis("3.14000000e-2\n", "0.0314\n", flags).Verdict);
        Assert.Equal(Verdict.AC, Kattis("1E3 +5 .5 2.\n", "1000 5.0 0.5 2\n", flags).Verdict);
        Assert.Equal(Verdict.AC, Kattis("-0\n", "0\n", flags).Verdict);
    }

    [Fact]
    public void Absolute_tolerance_bounds_the_difference()
    {
        var flags = Tolerance(absolute: 1e-3);
        Assert.Equal(Verdict.AC, Kattis("0.0009\n", "0\n", flags).Verdict);
        Assert.Equal(Verdict.AC, Kattis("100.0009\n", "100\n", flags).Verdict);
        var result = Kattis("1000000.5\n", "1000000\n", flags);
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Contains("absolute error 0.5", result.Message);
    }

    [Fact]
    public void Relative_tolerance_bounds_the_difference_against_the_answer()
    {
        var flags = Tolerance(relative: 1e-6);
        Assert.Equal(Verdict.AC, Kattis("1000000.5\n", "1000000\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1000002\n", "1000000\n", flags).Verdict);
        // Relative to an answer of zero, only zero is close enough.
        Assert.Equal(Verdict.WA, Kattis("1e-300\n", "0\n", flags).Verdict);
    }

    [Fact]
    public void Float_tolerance_accepts_a_number_within_either_bound()
    {
        var flags = Tolerance(1e-6, 1e-6);
        Assert.Equal(Verdict.AC, Kattis("0.0000005\n", "0\n", flags).Verdict); // absolute
        Assert.Equal(Verdict.AC, Kattis("1000000.5\n", "1000000\n", flags).Verdict); // relative
        Assert.Equal(Verdict.WA, Kattis("0.5\n", "0.4\n", flags).Verdict);
    }

    [Fact]
    public void With_a_tolerance_a_number_in_the_answer_needs_a_number_in_the_output()
    {
        var result = Kattis("abc\n", "1.5\n", Tolerance(1e-6));
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.Contains("expected a number like \"1.5\", got \"abc\"", result.Message);
        Assert.Equal(Verdict.WA, Kattis("1.5x\n", "1.5\n", Tolerance(1e-6)).Verdict);
    }

    [Fact]
    public void Nan_and_infinity_are_not_numbers_for_the_tolerance()
    {
        var flags = Tolerance(1e300, 1e300);
        Assert.Equal(Verdict.WA, Kattis("nan\n", "1.5\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("inf\n", "1.5\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("-Infinity\n", "1.5\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1e999\n", "1.5\n", flags).Verdict); // overflows to infinity
    }

    [Fact]
    public void An_answer_of_nan_or_infinity_compares_as_text_even_with_a_tolerance()
    {
        var flags = Tolerance(1e-6, 1e-6);
        Assert.Equal(Verdict.AC, Kattis("INF NaN\n", "inf nan\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("1e999\n", "inf\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("INF\n", "inf\n", flags with { CaseSensitive = true }).Verdict);
    }

    [Fact]
    public void Words_beside_numbers_follow_the_case_flag_while_numbers_follow_the_tolerance()
    {
        var flags = new KattisFlags(CaseSensitive: true, FloatAbsoluteTolerance: 0.01);
        Assert.Equal(Verdict.AC, Kattis("Case 1: 3.141\n", "Case 1: 3.14159\n", flags).Verdict);
        Assert.Equal(Verdict.WA, Kattis("case 1: 3.141\n", "Case 1: 3.14159\n", flags).Verdict);
    }

    [Fact]
    public void Hexadecimal_floats_are_not_numbers_here_unlike_C_sscanf()
    {
        Assert.Equal(Verdict.WA, Kattis("0x10\n", "16\n", Tolerance(1e-6)).Verdict);
    }

    [Fact]
    public void A_huge_output_token_is_rejected_reading_only_a_buffer_of_it()
    {
        var output = new GeneratedOutput([], "7"u8.ToArray(), 256L << 20);
        var result = OutputCheckers.Kattis(output, "7"u8, Tolerance(1e-6));
        Assert.Equal(Verdict.WA, result.Verdict);
        Assert.True(output.BytesRead <= 1 << 20, $"read {output.BytesRead} bytes of the output to reject its first token");
    }

    [Fact]
    public void A_long_answer_token_is_matched_whole()
    {
        var token = new string('x', 200_000);
        Assert.Equal(Verdict.AC, Kattis(token + "\n", token, None).Verdict);
        Assert.Equal(Verdict.WA, Kattis(token + "y\n", token, None).Verdict);
    }

    [Fact]
    public void The_kattis_checker_kind_is_reached_through_check_and_its_flags_read_back_as_stored()
    {
        var spec = DbJson.Deserialize<CheckerSpec>("""{"kind":"kattis","kattis":{"caseSensitive":true,"floatAbsoluteTolerance":0.5}}""");
        Assert.Equal(new CheckerSpec(CheckerKind.Kattis, Kattis: new KattisFlags(CaseSensitive: true, FloatAbsoluteTolerance: 0.5)), spec);
        Assert.Equal(Verdict.AC, OutputCheckers.Check(spec, Output("1.4 A"), "1 A"u8).Verdict);
        Assert.Equal(Verdict.WA, OutputCheckers.Check(spec, Output("1.4 a"), "1 A"u8).Verdict);
        Assert.Equal(Verdict.AC, OutputCheckers.Check(new CheckerSpec(CheckerKind.Kattis), Output("a"), "A"u8).Verdict);
    }

    private static CheckResult Kattis(string output, string expected, KattisFlags flags) =>
        OutputCheckers.Kattis(Output(output), Encoding.UTF8.GetBytes(expected), flags);

    private static MemoryStream Output(string text) => new(Encoding.UTF8.GetBytes(text));
}
