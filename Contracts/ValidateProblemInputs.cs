namespace Judge.Contracts;

/// <summary>Asks a worker to run a stored problem's input validators on every test of it (a request: the Api waits,
/// bounded, for <see cref="ProblemInputsValidated"/>). Carries only the id: the database holds the rest.</summary>
public sealed record ValidateProblemInputs(Guid ProblemId);

/// <summary>What the validators said: <see cref="Faults"/> empty when every test is valid. <see cref="Failure"/> is set when
/// the worker could not validate at all for a reason of its own (a sandbox that would not start): then the answer is
/// no answer, not a fault of the package.</summary>
public sealed record ProblemInputsValidated(Guid ProblemId, IReadOnlyList<InputFault> Faults, string? Failure = null);

/// <summary>A test a validator refused (<see cref="TestIndex"/>), or a validator that could not be built (<see cref="TestIndex"/>
/// null), with what it said.</summary>
/// <param name="Validator">The validator's folder in the package (<c>input_validators/check</c>).</param>
public sealed record InputFault(int? TestIndex, string Validator, string Message);
