using System.Text.Json.Serialization;

namespace Judge.Data;

/// <summary>How a test's output is compared with the expected one. The names are what the database and the Api use.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CheckerKind>))]
public enum CheckerKind
{
    [JsonStringEnumMemberName("exact")] Exact,
    [JsonStringEnumMemberName("lines")] Lines,
    [JsonStringEnumMemberName("tokens")] Tokens,
    [JsonStringEnumMemberName("float")] Float,
    [JsonStringEnumMemberName("custom")] Custom,
    /// <summary>The Kattis problem package format's default output validator, with its flags.</summary>
    [JsonStringEnumMemberName("kattis")] Kattis,
}

/// <summary>The <c>checker</c> column of problems and submissions: <c>{kind, epsilon?, source?, language?}</c>, as the Api
/// validates it, and for <c>kattis</c> the default validator's flags (<see cref="KattisFlags"/>), with the test groups a
/// package judges with other flags (<see cref="KattisGroups"/>, by group path: <c>secret/group1</c>; each complete, as
/// testdata.yaml resolved them). A submission without one (a problem's, which brings its own, or a plain run) stores null.</summary>
public sealed record CheckerSpec(CheckerKind Kind = CheckerKind.Lines, double? Epsilon = null, string? Source = null, string? Language = null,
    KattisFlags? Kattis = null, IReadOnlyDictionary<string, KattisFlags>? KattisGroups = null)
{
    /// <summary>A float checker's tolerance when it names none.</summary>
    public const double DefaultEpsilon = 1e-6;

    public static readonly CheckerSpec Default = new();

    /// <summary>The checker for a test of <paramref name="group"/>: its group's own flags, where it has them.</summary>
    public CheckerSpec ForGroup(string? group) =>
        group is not null && KattisGroups?.GetValueOrDefault(group) is { } flags ? this with { Kattis = flags, KattisGroups = null } : this;
}

/// <summary>
/// The Kattis default output validator's arguments (<c>case_sensitive</c>, <c>space_change_sensitive</c>,
/// <c>float_absolute_tolerance ε</c>, <c>float_relative_tolerance ε</c>; <c>float_tolerance ε</c> sets both). A null
/// tolerance is not set: numbers then compare as text, as problemtools does with its default of -1.
/// </summary>
public sealed record KattisFlags(
    bool CaseSensitive = false,
    bool SpaceChangeSensitive = false,
    double? FloatAbsoluteTolerance = null,
    double? FloatRelativeTolerance = null)
{
    public static readonly KattisFlags Default = new();

    /// <summary>Numbers compare with a tolerance only when one is set.</summary>
    public bool UsesFloats => FloatAbsoluteTolerance is not null || FloatRelativeTolerance is not null;
}
