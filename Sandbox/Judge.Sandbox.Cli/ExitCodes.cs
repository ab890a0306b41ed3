namespace Judge.Sandbox.Cli;

internal static class ExitCodes
{
    public const int Ok = 0;
    /// <summary>The program ran and ended any other way: a limit, a non-zero exit, a signal.</summary>
    public const int RunNotOk = 1;
    /// <summary>A bad command line or a spec the validator refused; nothing was run.</summary>
    public const int Usage = 2;
    /// <summary>The sandbox could not be set up.</summary>
    public const int SetupError = 3;

    public static int For(SandboxStatus status) => status switch
    {
        SandboxStatus.Ok => Ok,
        SandboxStatus.SetupError => SetupError,
        _ => RunNotOk,
    };

    /// <summary>For --repeat: the worst run decides (setup error over other outcomes over ok).</summary>
    public static int For(IEnumerable<SandboxResult> results) => results.Max(r => For(r.Status));
}
