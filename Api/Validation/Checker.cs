using Judge.Data;

namespace Judge.Api.Validation;

/// <summary>Flags: for kind <c>kattis</c>, the default output validator's arguments as a Kattis package writes them
/// (<c>"case_sensitive float_tolerance 1e-6"</c>).</summary>
public sealed record CheckerRequest(string? Kind, double? Epsilon, string? Source, string? Language, string? Flags = null);

public static class CheckerRules
{
    public static CheckerSpec Resolve(CheckerRequest? requested, IReadOnlySet<string> liveLanguages, int maxSourceBytes, string field, ValidationErrors errors)
    {
        if (requested is null)
            return CheckerSpec.Default;
        var name = requested.Kind ?? StoredNames<CheckerKind>.Of(CheckerSpec.Default.Kind);
        if (StoredNames<CheckerKind>.Parse(name) is not { } kind)
        {
            errors.Add($"{field}.kind", $"Unknown checker kind '{name}'; use one of {string.Join(", ", StoredNames<CheckerKind>.All)}.");
            return CheckerSpec.Default;
        }

        if (requested.Epsilon is { } epsilon)
        {
            if (kind != CheckerKind.Float)
                errors.Add($"{field}.epsilon", "Only the float checker takes an epsilon.");
            else if (!double.IsFinite(epsilon) || epsilon < 0)
                errors.Add($"{field}.epsilon", "Must be a finite number, zero or more.");
        }

        if (requested.Flags is not null && kind != CheckerKind.Kattis)
            errors.Add($"{field}.flags", "Only the kattis checker takes flags.");

        if (kind != CheckerKind.Custom)
        {
            if (requested.Source is not null)
                errors.Add($"{field}.source", "Only a custom checker takes a source.");
            if (requested.Language is not null)
                errors.Add($"{field}.language", "Only a custom checker takes a language.");
            return kind == CheckerKind.Kattis
                ? new CheckerSpec(kind, Kattis: KattisValidatorFlags.Parse(requested.Flags, $"{field}.flags", errors))
                : new CheckerSpec(kind, requested.Epsilon);
        }

        if (string.IsNullOrWhiteSpace(requested.Source))
            errors.Add($"{field}.source", "A custom checker needs its source.");
        else if (TextRules.CheckStorable(requested.Source, $"{field}.source", errors))
            TextRules.CheckSize(requested.Source, maxSourceBytes, $"{field}.source", errors);
        LanguageRules.Check(requested.Language, liveLanguages, $"{field}.language", errors);
        return new CheckerSpec(kind, null, requested.Source, requested.Language);
    }
}
