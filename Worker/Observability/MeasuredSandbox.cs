using Judge.Sandbox;
using Judge.Worker.Judging;

namespace Judge.Worker.Observability;

/// <summary>The sandbox, counted: each run's outcome and setup time, and the slots busy while runs are in progress.
/// A decorator, so that judging itself stays free of metrics.</summary>
public sealed class MeasuredSandbox(ISandbox inner) : ISandbox
{
    public SandboxResult Run(SandboxSpec spec)
    {
        using var slot = WorkerTelemetry.UseSlot();
        var result = inner.Run(spec);
        slot.Record(result);
        return result;
    }
}
