using Judge.Api.Callbacks;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Submissions;

/// <summary>
/// <c>POST /submissions</c>. Exactly one of <see cref="ProblemId"/>, <see cref="Tests"/> or <see cref="Stdin"/>
/// says what to run against; <see cref="ExpectedOutput"/> goes only with <see cref="Stdin"/>. The final result is
/// POSTed to <see cref="CallbackUrl"/> when one is given. The program is exactly one of <see cref="Source"/> (one file)
/// or <see cref="Files"/> (several, for the languages that take several), with <see cref="Entry"/> naming the file to run.
/// </summary>
public sealed record SubmitRequest(
    string? Language,
    string? Source,
    string? Stdin,
    string? ExpectedOutput,
    IReadOnlyList<TestCaseRequest?>? Tests,
    Guid? ProblemId,
    LimitsRequest? Limits,
    CheckerRequest? Checker,
    string? CallbackUrl = null,
    IReadOnlyList<SubmissionFileRequest?>? Files = null,
    string? Entry = null);

public sealed record SubmissionFileRequest(string? Name, string? Content);

/// <summary>A submission ready to store: everything checked, limits complete.</summary>
/// <param name="RunOptions">How the program runs beyond its limits; null as always (only the Judge0 surface sets it).</param>
/// <param name="Judge0">The Judge0 request as accepted, JSON (Api/Judge0); null for a submission of our own API.</param>
/// <param name="Source">The one file; null when the submission is <paramref name="Files"/>.</param>
/// <param name="Entry">The file to run among <paramref name="Files"/>, when the client named one.</param>
public sealed record NewSubmission(
    Guid Id,
    string Language,
    string? Source,
    Guid? ProblemId,
    string? Stdin,
    Limits Limits,
    CheckerSpec? Checker,
    IReadOnlyList<TestCase> Tests,
    RunOptions? RunOptions = null,
    string? Judge0 = null,
    Uri? CallbackUrl = null,
    IReadOnlyList<SubmissionFile>? Files = null,
    string? Entry = null);

/// <summary>What validation needs from the database and the settings, looked up beforehand so the rules stay pure.</summary>
/// <param name="ProblemLimits">The limits of the requested problem; null when there is no such problem (of this key) or none was asked for.</param>
/// <param name="CallbackAddresses">Where a callback may go; null allows any.</param>
/// <param name="MultiFileLanguages">The live languages that some worker builds from several files; null: not looked up
/// (the request has no files).</param>
public sealed record SubmitContext(IReadOnlySet<string> LiveLanguages, Limits? ProblemLimits, CallbackAddresses? CallbackAddresses = null,
    IReadOnlySet<string>? MultiFileLanguages = null);
