using System.Collections.Concurrent;

namespace Judge.Worker.Judging;

/// <summary>
/// Threads of their own for sandbox runs, kept between runs. A run blocks its thread for as long as
/// the program runs, which the thread pool should not pay for; and a thread that starts a sandbox
/// keeps the child's stack for the next one (spawn.c), which a thread made per run would throw away.
/// They live as long as the process (background threads).
/// </summary>
public sealed class SandboxThreads
{
    private readonly BlockingCollection<Action> _work = new();

    public SandboxThreads(int count)
    {
        for (int i = 0; i < Math.Max(1, count); i++)
            new Thread(Serve) { IsBackground = true, Name = $"sandbox-{i}" }.Start();
    }

    public Task<T> Run<T>(Func<T> work)
    {
        var done = new TaskCompletionSource<T>(TaskCreationOptions.RunContinuationsAsynchronously);
        _work.Add(() =>
        {
            try
            {
                done.SetResult(work());
            }
            catch (Exception e)
            {
                done.SetException(e);
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
