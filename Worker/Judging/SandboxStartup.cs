using Judge.Sandbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>
/// Before the first message: says what this host's kernel offers the sandbox (and how to fix what it lacks), and has
/// the sandbox remove what runs of a crashed worker left behind (never what a live worker on this host holds).
/// </summary>
public sealed class SandboxStartup(SandboxRunner runner, ILogger<SandboxStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var item in HostCheck.Run())
        {
            if (item.Ok)
                logger.LogInformation("Sandbox host check: {Name}: {Detail}", item.Name, item.Detail);
            else if (item.Required)
                logger.LogError("Sandbox host check: {Name} missing: {Detail}. Fix: {Fix}", item.Name, item.Detail, item.Fix);
            else
                logger.LogWarning("Sandbox host check: {Name}: {Detail}. Better: {Fix}", item.Name, item.Detail, item.Fix);
        }
        runner.RemoveStaleRuns();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
