using Judge.Data;
using Judge.Sandbox;

namespace Judge.Worker.Judging;

/// <summary>How sandbox results and test verdicts turn into verdicts. No I/O here.</summary>
public static class VerdictRules
{
    /// <summary>The verdict a finished run earns before its output is looked at; null when the run
    /// ended cleanly and the output decides.</summary>
    /// <param name="runtimeRanOutOfMemory">The language's runtime reported its own heap limit (set below the
    /// sandbox's) running out: that is MLE too, not RE.</param>
    public static Verdict? ForRun(SandboxResult run, bool runtimeRanOutOfMemory = false) => run.Status switch
    {
        SandboxStatus.Ok => null,
        SandboxStatus.RuntimeError when runtimeRanOutOfMemory => Verdict.MLE,
        SandboxStatus.RuntimeError or SandboxStatus.Signaled => Verdict.RE,
        SandboxStatus.TimeLimit or SandboxStatus.WallTimeLimit => Verdict.TLE,
        SandboxStatus.MemoryLimit => Verdict.MLE,
        SandboxStatus.OutputLimit => Verdict.OLE,
        SandboxStatus.SetupError => Verdict.IE,
        _ => throw new ArgumentOutOfRangeException(nameof(run), run.Status, "unknown sandbox status"),
    };

    /// <summary>A submission's verdict: the first non-AC test verdict in test order, AC when there is none.</summary>
    public static Verdict ForSubmission(IEnumerable<Verdict> testVerdictsInOrder)
    {
        foreach (var verdict in testVerdictsInOrder)
            if (verdict != Verdict.AC)
                return verdict;
        return Verdict.AC;
    }

    /// <summary>The points of the accepted tests.</summary>
    public static int Score(IEnumerable<(Verdict Verdict, int Points)> tests) =>
        tests.Where(t => t.Verdict == Verdict.AC).Sum(t => t.Points);

    /// <summary>What a failed compilation means: the compiler's own failure is the program's fault (CE),
    /// the sandbox failing to start it is ours (IE).</summary>
    public static (Verdict Verdict, string? Message) ForFailedCompile(SandboxResult result) => result.Status switch
    {
        SandboxStatus.RuntimeError => (Verdict.CE, null),
        SandboxStatus.Signaled => (Verdict.CE, $"the compiler was killed by signal {result.Signal}"),
        SandboxStatus.TimeLimit or SandboxStatus.WallTimeLimit => (Verdict.CE, "compilation exceeded the time limit"),
        SandboxStatus.MemoryLimit => (Verdict.CE, "compilation exceeded the memory limit"),
        SandboxStatus.OutputLimit => (Verdict.CE, "compilation exceeded the output size limit"),
        SandboxStatus.SetupError => (Verdict.IE, $"compile sandbox failed: {result.Message}"),
        _ => throw new ArgumentOutOfRangeException(nameof(result), result.Status, "not a failed compile"),
    };
}
