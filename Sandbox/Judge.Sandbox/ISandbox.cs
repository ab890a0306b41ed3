namespace Judge.Sandbox;

/// <summary>What a service needs of the sandbox: volumes for runs to see, and runs. <see cref="SandboxRunner"/> is the
/// real one; tests of the code above it may stand in for it.</summary>
public interface ISandbox
{
    /// <inheritdoc cref="SandboxRunner.RunAsync"/>
    Task<SandboxResult> RunAsync(SandboxSpec spec, CancellationToken cancellationToken = default);

    /// <inheritdoc cref="SandboxRunner.RunPairAsync"/>
    /// <remarks>A stand-in without slots of its own may run the two as any two runs.</remarks>
    async Task<(SandboxResult First, SandboxResult Second)> RunPairAsync(SandboxSpec first, SandboxSpec second,
        CancellationToken cancellationToken = default)
    {
        var (one, two) = (RunAsync(first, cancellationToken), RunAsync(second, cancellationToken));
        return (await one, await two);
    }

    /// <inheritdoc cref="SandboxRunner.CreateVolume"/>
    SandboxVolume CreateVolume(string prefix, long? sizeBytes = null);
}
