using Judge.Sandbox;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Judge.Worker.Judging;

/// <summary>
/// Before the first message: says what this host's kernel offers the sandbox (and how to fix what it
/// lacks), removes what runs of a crashed worker left behind, and puts the scratch and box directories on
/// tmpfs. Every submission creates and removes a handful of files and directories there; on ext4 that
/// cost 0.3-0.45 ms of the worker's CPU per submission, of about 2.5 in all (bench/Pipeline.Bench).
/// </summary>
public sealed class SandboxStartup(SandboxRunner runner, IOptions<WorkerOptions> options, ILogger<SandboxStartup> logger) : IHostedService
{
    // Holds the directories boxes are mounted on, and the sources of languages with nothing to compile: a program and
    // perhaps a checker per submission in flight, each at most the Api's MaxSourceBytes (256 KiB by default).
    // tmpfs takes memory only for what it holds.
    private const long BoxParentBytes = 64 << 20;

    // Holds only the mount points of the submissions' own scratch tmpfs (Workspace).
    private const long ScratchParentBytes = 1 << 20;

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
        SafeFiles.EnsureTmpfs(options.Value.ScratchDirectory, ScratchParentBytes, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        // Sandboxes run as unprivileged host ids and must be able to walk to the box they bind.
        SafeFiles.EnsureTmpfs(options.Value.BoxDirectory, BoxParentBytes, (UnixFileMode)0b111_101_101);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
