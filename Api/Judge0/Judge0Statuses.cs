using Judge.Data;

namespace Judge.Api.Judge0;

public sealed record Judge0Status(int Id, string Description);

/// <summary>What Judge0 needs of a submission's one test to say its status.</summary>
public sealed record Judge0Run(Verdict Verdict, int? ExitCode, int? Signal, long CpuTimeMs, string? Message);

/// <summary>Judge0's statuses 1–14, and how Judge0 derives them, applied to our submissions.</summary>
public static class Judge0Statuses
{
    public static readonly Judge0Status InQueue = new(1, "In Queue");
    public static readonly Judge0Status Processing = new(2, "Processing");
    public static readonly Judge0Status Accepted = new(3, "Accepted");
    public static readonly Judge0Status WrongAnswer = new(4, "Wrong Answer");
    public static readonly Judge0Status TimeLimitExceeded = new(5, "Time Limit Exceeded");
    public static readonly Judge0Status CompilationError = new(6, "Compilation Error");
    public static readonly Judge0Status Sigsegv = new(7, "Runtime Error (SIGSEGV)");
    public static readonly Judge0Status Sigxfsz = new(8, "Runtime Error (SIGXFSZ)");
    public static readonly Judge0Status Sigfpe = new(9, "Runtime Error (SIGFPE)");
    public static readonly Judge0Status Sigabrt = new(10, "Runtime Error (SIGABRT)");
    public static readonly Judge0Status Nzec = new(11, "Runtime Error (NZEC)");
    public static readonly Judge0Status OtherRuntimeError = new(12, "Runtime Error (Other)");
    public static readonly Judge0Status InternalError = new(13, "Internal Error");
    public static readonly Judge0Status ExecFormatError = new(14, "Exec Format Error");

    public static readonly IReadOnlyList<Judge0Status> All =
    [
        InQueue, Processing, Accepted, WrongAnswer, TimeLimitExceeded, CompilationError, Sigsegv, Sigxfsz, Sigfpe, Sigabrt,
        Nzec, OtherRuntimeError, InternalError, ExecFormatError,
    ];

    /// <summary>Judge0's runtime error for a fatal signal: 11 SIGSEGV, 25 SIGXFSZ, 8 SIGFPE, 6 SIGABRT, any other "Other".</summary>
    public static Judge0Status ForSignal(int signal) => signal switch
    {
        11 => Sigsegv,
        25 => Sigxfsz,
        8 => Sigfpe,
        6 => Sigabrt,
        _ => OtherRuntimeError,
    };

    /// <summary>
    /// The status and message of a submission, in Judge0's order: time limit, signal, non-zero exit, sandbox failure,
    /// then the output against the expected one after right-trimming every line. Our MLE (Judge0 has none: its memory
    /// limit makes allocations fail) is "Runtime Error (Other)", our OLE (the file size limit) "Runtime Error (SIGXFSZ)",
    /// each with our reason in the message. A run past <paramref name="cpuTimeLimitSeconds"/> but within the extra time
    /// is a time limit too, as with isolate's <c>--extra-time</c>.
    /// </summary>
    public static (Judge0Status Status, string? Message) Derive(SubmissionStatus status, Verdict? verdict, string? message, Judge0Run? run,
        decimal cpuTimeLimitSeconds, string? expectedOutput, byte[]? stdout)
    {
        if (status == SubmissionStatus.Queued)
            return (InQueue, null);
        if (status != SubmissionStatus.Done)
            return (Processing, null);
        if (verdict == Verdict.CE)
            return (CompilationError, message);
        if (run is null)
            return (ForInternalError(message), message ?? "the submission ended without a run");

        if (run.Verdict == Verdict.TLE || run.CpuTimeMs > cpuTimeLimitSeconds * 1000)
            return (TimeLimitExceeded, "Time limit exceeded");
        return run.Verdict switch
        {
            Verdict.OLE => (Sigxfsz, With("Output limit exceeded (max_file_size)", run.Message)),
            Verdict.MLE => (OtherRuntimeError, With("Memory limit exceeded (memory_limit)", run.Message)),
            Verdict.RE when run.Signal is { } signal => (ForSignal(signal), $"Caught fatal signal {signal}"),
            Verdict.RE => (Nzec, $"Exited with error status {run.ExitCode}"),
            Verdict.IE => (ForInternalError(run.Message), run.Message ?? message),
            _ when expectedOutput is null => (Accepted, null),
            _ when stdout is not null => (Judge0Output.SameAfterTrimming(stdout, System.Text.Encoding.UTF8.GetBytes(expectedOutput)) ? Accepted : WrongAnswer, null),
            _ => (run.Verdict == Verdict.AC ? Accepted : WrongAnswer, null),
        };
    }

    private static Judge0Status ForInternalError(string? message) =>
        message is not null && (message.Contains("ENOEXEC", StringComparison.Ordinal) || message.Contains("Exec format error", StringComparison.OrdinalIgnoreCase))
            ? ExecFormatError
            : InternalError;

    private static string With(string reason, string? detail) => string.IsNullOrEmpty(detail) ? reason : $"{reason}: {detail}";
}
