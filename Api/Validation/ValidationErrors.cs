namespace Judge.Api.Validation;

/// <summary>Field → reasons, in the shape RFC 7807 validation problems carry.</summary>
public sealed class ValidationErrors
{
    private readonly Dictionary<string, List<string>> _errors = new(StringComparer.Ordinal);

    public bool Any => _errors.Count > 0;

    public bool Has(string field) => _errors.ContainsKey(field);

    public void Add(string field, string reason)
    {
        if (!_errors.TryGetValue(field, out var reasons))
            _errors[field] = reasons = [];
        reasons.Add(reason);
    }

    public Dictionary<string, string[]> ToDictionary() =>
        _errors.ToDictionary(e => e.Key, e => e.Value.ToArray(), StringComparer.Ordinal);
}
