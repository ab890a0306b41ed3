namespace Judge.Api.Validation;

public static class LanguageRules
{
    /// <summary>A language is accepted only while some live worker offers it.</summary>
    public static void Check(string? language, IReadOnlySet<string> liveLanguages, string field, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(language))
            errors.Add(field, "A language is required; GET /api/v1/languages lists them.");
        else if (!liveLanguages.Contains(language))
            errors.Add(field, liveLanguages.Count == 0
                ? $"Unknown language '{language}': no live worker offers any language right now."
                : $"Unknown language '{language}'; offered now: {string.Join(", ", liveLanguages.Order(StringComparer.Ordinal))}.");
    }
}
