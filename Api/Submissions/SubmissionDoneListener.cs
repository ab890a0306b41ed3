using Npgsql;

namespace Judge.Api.Submissions;

/// <summary>
/// Wakes <c>?wait=true</c> requests when a submission finishes. One connection LISTENs on the
/// <c>submission_done</c> channel (payload: the submission id), which a trigger on <c>submissions</c>
/// notifies at the commit that sets status to done. The database stays the truth: waiters re-read
/// it, and poll on their own while the listening connection is down.
/// </summary>
public sealed class SubmissionDoneListener(NpgsqlDataSource dataSource, SubmissionStore submissions, ILogger<SubmissionDoneListener> logger) : BackgroundService
{
    public const string Channel = "submission_done";

    private static readonly TimeSpan PollWhileListening = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollWithoutListening = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private readonly Dictionary<Guid, List<TaskCompletionSource>> _waiters = [];
    private volatile bool _listening;

    /// <summary>True when the submission finished within <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitUntilDoneAsync(Guid id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            while (true)
            {
                // Register before reading, so a notification between the read and the wait is not lost.
                var notified = Register(id);
                try
                {
                    if (await submissions.IsDoneAsync(id, deadline.Token))
                        return true;
                    await Task.WhenAny(notified.Task, Task.Delay(_listening ? PollWhileListening : PollWithoutListening, deadline.Token));
                    deadline.Token.ThrowIfCancellationRequested();
                }
                finally
                {
                    Unregister(id, notified);
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await ListenAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                _listening = false;
                logger.LogWarning(e, "Listening on {Channel} failed; waiters poll until it is back", Channel);
                await Task.Delay(TimeSpan.FromSeconds(1), stoppingToken);
            }
        }
    }

    private async Task ListenAsync(CancellationToken stoppingToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
        connection.Notification += (_, e) =>
        {
            if (Guid.TryParse(e.Payload, out var id))
                Signal(id);
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
            await listen.ExecuteNonQueryAsync(stoppingToken);
        _listening = true;
        try
        {
            while (true)
            {
                // A quiet channel and a dead server look alike; a query now and then tells them apart.
                if (!await connection.WaitAsync(KeepAliveInterval, stoppingToken))
                    await using (var ping = new NpgsqlCommand("SELECT 1", connection))
                        await ping.ExecuteScalarAsync(stoppingToken);
            }
        }
        finally
        {
            _listening = false;
        }
    }

    private TaskCompletionSource Register(Guid id)
    {
        var waiter = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_waiters)
        {
            if (!_waiters.TryGetValue(id, out var list))
                _waiters[id] = list = [];
            list.Add(waiter);
        }
        return waiter;
    }

    private void Unregister(Guid id, TaskCompletionSource waiter)
    {
        lock (_waiters)
        {
            if (_waiters.TryGetValue(id, out var list) && list.Remove(waiter) && list.Count == 0)
                _waiters.Remove(id);
        }
    }

    private void Signal(Guid id)
    {
        lock (_waiters)
        {
            if (_waiters.TryGetValue(id, out var list))
                foreach (var waiter in list)
                    waiter.TrySetResult();
        }
    }
}
