namespace Judge.Data;

/// <summary>
/// A Kattis package's input validators (the <c>problem_input_validators</c> row, migration 009): each is compiled like an
/// output validator (<see cref="KattisValidator"/>, whose own arguments are unused) and run on every test of the problem as
/// <c>validator [arguments] &lt; input</c>; exit 42 says the input is valid, anything else that it is not.
/// </summary>
/// <param name="Arguments">By test group (<see cref="TestCase.Group"/>): the nearest testdata.yaml's
/// <c>input_validator_flags</c> (or <c>input_validator_args</c>); a group not named has none.</param>
public sealed record InputValidators(IReadOnlyList<KattisValidator> Validators, IReadOnlyDictionary<string, IReadOnlyList<string>> Arguments)
{
    /// <summary>The exit code of a validator that finds the input valid.</summary>
    public const int Valid = 42;

    public IReadOnlyList<string> ArgumentsFor(string? group) => group is not null && Arguments.TryGetValue(group, out var arguments) ? arguments : [];
}
