namespace Judge.Data;

/// <summary>
/// The <c>grader</c> column of a grader problem: the teacher's program that grades a submission, run in the sandbox by
/// <paramref name="Language"/>'s interpreter on <paramref name="Entry"/>, one of the problem's own files (<c>problem_files</c>).
/// It writes <see cref="ResultsFile"/> in Gradescope's autograder format. The format and the trust model: docs/languages.md.
/// </summary>
public sealed record GraderSpec(string Language, string Entry)
{
    /// <summary>Where the grader writes its results, in its working directory.</summary>
    public const string ResultsFile = "results.json";
}
