using System.Globalization;
using Judge.Data;

namespace Judge.Api.Validation;

/// <summary>The Kattis default output validator's arguments, as <c>validator_flags</c> (legacy problem.yaml),
/// <c>output_validator_flags</c> (testdata.yaml) or a checker's <c>flags</c> give them: words separated by whitespace.</summary>
public static class KattisValidatorFlags
{
    public static KattisFlags Parse(string? flags, string field, ValidationErrors errors)
    {
        var result = KattisFlags.Default;
        var words = (flags ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        for (var i = 0; i < words.Length; i++)
        {
            switch (words[i])
            {
                case "case_sensitive":
                    result = result with { CaseSensitive = true };
                    break;
                case "space_change_sensitive":
                    result = result with { SpaceChangeSensitive = true };
                    break;
                case "float_tolerance" or "float_absolute_tolerance" or "float_relative_tolerance":
                    if (i + 1 >= words.Length || !double.TryParse(words[i + 1], NumberStyles.Float, CultureInfo.InvariantCulture, out var tolerance)
                        || !double.IsFinite(tolerance) || tolerance < 0)
                    {
                        errors.Add(field, $"'{words[i]}' needs a tolerance after it: a finite number, zero or more.");
                        return result;
                    }
                    result = words[i++] switch
                    {
                        "float_absolute_tolerance" => result with { FloatAbsoluteTolerance = tolerance },
                        "float_relative_tolerance" => result with { FloatRelativeTolerance = tolerance },
                        _ => result with { FloatAbsoluteTolerance = tolerance, FloatRelativeTolerance = tolerance },
                    };
                    break;
                default:
                    errors.Add(field, $"Unknown default validator flag '{words[i]}'; use case_sensitive, space_change_sensitive, " +
                        "float_tolerance ε, float_absolute_tolerance ε or float_relative_tolerance ε.");
                    break;
            }
        }
        return result;
    }
}
