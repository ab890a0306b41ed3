namespace Judge.Data;

/// <summary>
/// The <c>run_options</c> column: how a submission's program runs beyond its <see cref="Limits"/>. The Judge0 surface
/// sets it; a submission without it (null) runs as always: no arguments, the stack as large as the memory limit, stdout
/// and stderr apart, one run, outputs stored as a preview.
/// </summary>
/// <param name="Arguments">Appended to the language's run command, each one argv entry (never through a shell).</param>
/// <param name="StackKb">The stack limit; null: as large as the memory limit.</param>
/// <param name="RedirectStderrToStdout">The program's stderr goes into the same file as its stdout.</param>
/// <param name="Runs">Each test runs this many times (stopping at the first that fails); its time and memory are the average.</param>
/// <param name="KeepOutput">The whole stdout and stderr of the run (up to the output limit) are stored as bytes in <c>run_outputs</c>.
/// Only for a submission with one test.</param>
public sealed record RunOptions(
    IReadOnlyList<string>? Arguments = null,
    long? StackKb = null,
    bool RedirectStderrToStdout = false,
    int Runs = 1,
    bool KeepOutput = false)
{
    public static readonly RunOptions Default = new();
}
