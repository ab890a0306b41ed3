namespace Judge.Api.Validation;

public sealed record CheckerRequest(string? Kind, double? Epsilon, string? Source, string? Language);

/// <summary>A validated checker, stored as jsonb in this shape: <c>{kind, epsilon?, source?, language?}</c>.</summary>
public sealed record Checker(string Kind, double? Epsilon, string? Source, string? Language)
{
    public static readonly Checker Default = new("lines", null, null, null);
}

public static class CheckerRules
{
    public static readonly IReadOnlyList<string> Kinds = ["exact", "lines", "tokens", "float", "custom"];

    public static Checker Resolve(CheckerRequest? requested, IReadOnlySet<string> liveLanguages, int maxSourceBytes, string field, ValidationErrors errors)
    {
        if (requested is null)
            return Checker.Default;
        var kind = requested.Kind ?? Checker.Default.Kind;
        if (!Kinds.Contains(kind))
        {
            errors.Add($"{field}.kind", $"Unknown checker kind '{kind}'; use one of {string.Join(", ", Kinds)}.");
            return Checker.Default;
        }

        if (requested.Epsilon is { } epsilon)
        {
            if (kind != "float")
                errors.Add($"{field}.epsilon", "Only the float checker takes an epsilon.");
            else if (!double.IsFinite(epsilon) || epsilon < 0)
                errors.Add($"{field}.epsilon", "Must be a finite number, zero or more.");
        }

        if (kind != "custom")
        {
            if (requested.Source is not null)
                errors.Add($"{field}.source", "Only a custom checker takes a source.");
            if (requested.Language is not null)
                errors.Add($"{field}.language", "Only a custom checker takes a language.");
            return new Checker(kind, requested.Epsilon, null, null);
        }

        if (string.IsNullOrWhiteSpace(requested.Source))
            errors.Add($"{field}.source", "A custom checker needs its source.");
        else if (TextRules.CheckStorable(requested.Source, $"{field}.source", errors))
            TextRules.CheckSize(requested.Source, maxSourceBytes, $"{field}.source", errors);
        LanguageRules.Check(requested.Language, liveLanguages, $"{field}.language", errors);
        return new Checker(kind, null, requested.Source, requested.Language);
    }
}
