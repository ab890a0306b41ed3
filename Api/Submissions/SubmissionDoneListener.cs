using Npgsql;

namespace Judge.Api.Submissions;

/// <summary>
/// Wakes <c>?wait=true</c> requests when a submission finishes. One connection LISTENs on the
/// <c>submission_done</c> channel (payload: the submission id), which a trigger on <c>submissions</c>
/// notifies at the commit that sets status to done. A waiter registers before the submission is
/// published, so while the connection listens no notification can come too early to be seen, and
/// the happy path costs no query at all. Waiters also poll the database (often while the connection
/// is down, rarely while it listens), which covers notifications lost to a reconnect.
/// </summary>
public sealed class SubmissionDoneListener(NpgsqlDataSource dataSource, SubmissionStore submissions, ILogger<SubmissionDoneListener> logger) : BackgroundService
{
    public const string Channel = "submission_done";

    private static readonly TimeSpan PollWhileListening = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PollWithoutListening = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    private readonly Dictionary<Guid, List<TaskCompletionSource>> _waiters = [];
    private volatile bool _listening;

    /// <summary>Raised, on the listening connection's thread, for each submission done notification (callbacks hang here).</summary>
    public event Action<Guid>? SubmissionDone;

    /// <summary>Starts watching for the submission to finish. Call it before the submission is published.</summary>
    public Watch WatchFor(Guid id) => new(this, id);

    /// <summary>One waiter's registration; dispose it when done waiting.</summary>
    public sealed class Watch : IDisposable
    {
        private readonly SubmissionDoneListener _listener;
        private readonly Guid _id;
        private readonly TaskCompletionSource _notified = new(TaskCreationOptions.RunContinuationsAsynchronously);

        internal Watch(SubmissionDoneListener listener, Guid id)
        {
            _listener = listener;
            _id = id;
            listener.Register(id, _notified);
        }

        /// <summary>True when the submission finished within <paramref name="timeout"/>.</summary>
        public async Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                while (true)
                {
                    var poll = Task.Delay(_listener._listening ? PollWhileListening : PollWithoutListening, deadline.Token);
                    if (await Task.WhenAny(_notified.Task, poll) == _notified.Task)
                        return true;
                    deadline.Token.ThrowIfCancellationRequested();
                    if (await _listener.IsDoneAsync(_id, deadline.Token))
                        return true;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                return false;
            }
        }

        public void Dispose() => _listener.Unregister(_id, _notified);
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
            {
                Signal(id);
                SubmissionDone?.Invoke(id);
            }
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
            // Pooled connections are not reset (see JudgeDataSource): one going back to the pool must not stay subscribed.
            if (connection.State == System.Data.ConnectionState.Open)
                await using (var unlisten = new NpgsqlCommand("UNLISTEN *", connection))
                    await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private Task<bool> IsDoneAsync(Guid id, CancellationToken cancellationToken) => submissions.IsDoneAsync(id, cancellationToken);

    private void Register(Guid id, TaskCompletionSource waiter)
    {
        lock (_waiters)
        {
            if (!_waiters.TryGetValue(id, out var list))
                _waiters[id] = list = [];
            list.Add(waiter);
        }
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
