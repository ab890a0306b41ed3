using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

public sealed class ValidationRulesTests
{
    private static readonly LimitOptions LimitOptions = new();
    private static readonly IReadOnlySet<string> Live = new HashSet<string> { "cpp17" };

    [Fact]
    public void Default_wall_time_is_twice_the_cpu_time_and_a_second()
    {
        var defaults = LimitRules.Defaults(new LimitOptions { DefaultCpuTimeMs = 1500 });

        Assert.Equal(4000, defaults.WallTimeMs);
    }

    [Fact]
    public void A_raised_cpu_time_brings_its_own_wall_time_within_the_maximum()
    {
        var options = new LimitOptions { MaxWallTimeMs = 30000 };
        var errors = new ValidationErrors();

        var raised = LimitRules.Resolve(new LimitsRequest(10000, null, null, null, null), LimitRules.Defaults(options), options, "limits", errors);
        var capped = LimitRules.Resolve(new LimitsRequest(19000, null, null, null, null), LimitRules.Defaults(options), options, "limits", errors);

        Assert.False(errors.Any);
        Assert.Equal(21000, raised.WallTimeMs);
        Assert.Equal(30000, capped.WallTimeMs);
    }

    [Theory]
    [InlineData(0, null, null, null, null, "limits.cpuTimeMs")]
    [InlineData(20001, null, null, null, null, "limits.cpuTimeMs")]
    [InlineData(null, 60001, null, null, null, "limits.wallTimeMs")]
    [InlineData(null, null, 1048577, null, null, "limits.memoryKb")]
    [InlineData(null, null, null, 257, null, "limits.processes")]
    [InlineData(null, null, null, null, -1, "limits.outputKb")]
    public void Limits_outside_the_configured_range_are_rejected(int? cpu, int? wall, int? memory, int? processes, int? output, string field)
    {
        var errors = new ValidationErrors();

        LimitRules.Resolve(new LimitsRequest(cpu, wall, memory, processes, output), LimitRules.Defaults(LimitOptions), LimitOptions, "limits", errors);

        Assert.Equal([field], errors.ToDictionary().Keys);
    }

    [Fact]
    public void Unknown_checker_kind_is_rejected_with_the_known_ones()
    {
        var errors = new ValidationErrors();

        CheckerRules.Resolve(new CheckerRequest("fuzzy", null, null, null), Live, 1000, "checker", errors);

        Assert.Contains("exact, lines, tokens, float, custom", Assert.Single(errors.ToDictionary()["checker.kind"]));
    }

    [Fact]
    public void Custom_checker_without_source_or_language_is_rejected()
    {
        var errors = new ValidationErrors();

        CheckerRules.Resolve(new CheckerRequest("custom", null, null, null), Live, 1000, "checker", errors);

        Assert.Equal(["checker.language", "checker.source"], errors.ToDictionary().Keys.Order());
    }

    [Fact]
    public void Custom_checker_in_a_language_no_worker_offers_is_rejected()
    {
        var errors = new ValidationErrors();

        CheckerRules.Resolve(new CheckerRequest("custom", null, "int main(){}", "fortran"), Live, 1000, "checker", errors);

        Assert.Equal(["checker.language"], errors.ToDictionary().Keys);
    }

    [Fact]
    public void Valid_custom_checker_is_kept_whole()
    {
        var errors = new ValidationErrors();

        var checker = CheckerRules.Resolve(new CheckerRequest("custom", null, "int main(){}", "cpp17"), Live, 1000, "checker", errors);

        Assert.False(errors.Any);
        Assert.Equal(new CheckerSpec(CheckerKind.Custom, null, "int main(){}", "cpp17"), checker);
    }

    [Theory]
    [InlineData("float", -1.0)]
    [InlineData("float", double.NaN)]
    [InlineData("lines", 0.001)]
    public void Epsilon_must_be_non_negative_and_only_for_float(string kind, double epsilon)
    {
        var errors = new ValidationErrors();

        CheckerRules.Resolve(new CheckerRequest(kind, epsilon, null, null), Live, 1000, "checker", errors);

        Assert.Equal(["checker.epsilon"], errors.ToDictionary().Keys);
    }

    [Theory]
    [InlineData("$.limits.cpuTimeMs", "limits.cpuTimeMs")]
    [InlineData("$.tests[2].points", "tests[2].points")]
    [InlineData("$", "body")]
    [InlineData(null, "body")]
    public void Json_paths_become_field_names(string? path, string field)
    {
        Assert.Equal(field, JsonErrors.FieldOf(path));
    }
}
