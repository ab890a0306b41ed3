namespace Judge.Sandbox;

/// <summary>Runs commands in freshly built sandboxes. Thread-safe: one instance serves all of a process's runs.</summary>
public sealed class SandboxRunner
{
    public SandboxRunner(SandboxOptions? options = null)
    {
        Options = options ?? new SandboxOptions();
    }

    public SandboxOptions Options { get; }

    /// <summary>Builds a fresh sandbox, runs the spec's command in it, tears everything down.</summary>
    /// <exception cref="SandboxSpecException">The spec is invalid; nothing was started.</exception>
    public SandboxResult Run(SandboxSpec spec) => throw new NotImplementedException();
}
