using System.Collections.Concurrent;

namespace Judge.Sandbox;

/// <summary>
/// A runner's own threads for <see cref="SandboxRunner.RunAsync"/>, kept for the life of the process (background
/// threads). Each serves one run at a time; a thread that starts a sandbox keeps the C helper's child stack for its
/// next one (spawn.c), which a thread made per run would throw away.
/// </summary>
internal sealed class SpawnThreads
{
    private readonly BlockingCollection<Action> _work = new();

    public SpawnThreads(int count)
    {
        for (int i = 0; i < Math.Max(1, count); i++)
            new Thread(Serve) { IsBackground = true, Name = $"sandbox-{i}" }.Start();
    }

    public Task<T> Run<T>(Func<T> work, CancellationToken cancellationToken)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        // A run still waiting for a thread ends at once; the thread that picks it up later skips it.
        var waiting = cancellationToken.Register(() => done.TrySetCanceled(cancellationToken));
        _work.Add(() =>
        {
            waiting.Dispose();
            if (done.Task.IsCompleted)
                return;
            try
            {
                done.TrySetResult(work());
            }
            catch (OperationCanceledException e)
            {
                done.TrySetCanceled(e.CancellationToken);
            }
            catch (Exception e)
            {
                done.TrySetException(e);
            }
        });
        return done.Task;
    }

    private void Serve()
    {
        foreach (Action work in _work.GetConsumingEnumerable())
            work();
    }
}
