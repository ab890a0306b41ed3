using Judge.Sandbox;

namespace Judge.Worker.Judging;

/// <summary>The one thing judging needs from the sandbox. Tests substitute it; production uses <see cref="RunnerSandbox"/>.</summary>
public interface ISandbox
{
    SandboxResult Run(SandboxSpec spec);
}

public sealed class RunnerSandbox(SandboxRunner runner) : ISandbox
{
    public SandboxResult Run(SandboxSpec spec) => runner.Run(spec);
}
