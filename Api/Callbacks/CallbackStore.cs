using Dapper;
using Npgsql;

namespace Judge.Api.Callbacks;

/// <summary>A callback due now, claimed by this process until <see cref="CallbackStore.ClaimDueAsync"/>'s lease runs out.</summary>
/// <param name="Attempts">Attempts so far, this one included.</param>
/// <param name="Judge0">The submission came through the Judge0 surface: its client expects Judge0's webhook.</param>
public sealed record DueCallback(Guid SubmissionId, string Url, int Attempts, Guid? OwnerKeyId, bool Judge0);

/// <summary>
/// Pending callbacks live in <c>submission_callbacks</c> beside their submission, so that they outlive the process
/// that accepted them. Claiming moves <c>next_attempt_at</c> forward by a lease: another Api process does not send
/// the same callback meanwhile, and one that crashed mid-send leaves it to be sent again when the lease ends.
/// </summary>
public sealed class CallbackStore(NpgsqlDataSource dataSource)
{
    public async Task<IReadOnlyList<DueCallback>> ClaimDueAsync(TimeSpan lease, int batchSize, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        var due = await connection.QueryAsync<DueCallback>(new CommandDefinition(ClaimSql,
            new { LeaseSeconds = lease.TotalSeconds, batchSize }, cancellationToken: cancellationToken));
        return due.AsList();
    }

    private const string ClaimSql = """
        UPDATE submission_callbacks c
        SET next_attempt_at = now() + make_interval(secs => @LeaseSeconds), attempts = c.attempts + 1
        FROM submissions s
        WHERE s.id = c.submission_id
          AND c.submission_id IN (
              SELECT d.submission_id FROM submission_callbacks d JOIN submissions t ON t.id = d.submission_id
              WHERE d.delivered_at IS NULL AND d.failed_at IS NULL AND d.next_attempt_at <= now() AND t.status = 'done'
              ORDER BY d.next_attempt_at
              LIMIT @batchSize
              FOR UPDATE OF d SKIP LOCKED)
        RETURNING c.submission_id AS submissionId, c.url, c.attempts, s.owner_key_id AS ownerKeyId, s.judge0 IS NOT NULL AS judge0
        """;

    public async Task DeliveredAsync(Guid submissionId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(
            "UPDATE submission_callbacks SET delivered_at = now(), last_error = NULL WHERE submission_id = @submissionId",
            new { submissionId }, cancellationToken: cancellationToken));
    }

    /// <summary>Records a failed attempt: tried again after <paramref name="retryAfter"/>, or given up when that is null.</summary>
    public async Task FailedAsync(Guid submissionId, string error, TimeSpan? retryAfter, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await connection.ExecuteAsync(new CommandDefinition(FailedSql,
            new { submissionId, error, GiveUp = retryAfter is null, RetrySeconds = retryAfter?.TotalSeconds ?? 0 }, cancellationToken: cancellationToken));
    }

    private const string FailedSql = """
        UPDATE submission_callbacks
        SET last_error = @error,
            next_attempt_at = now() + make_interval(secs => @RetrySeconds),
            failed_at = CASE WHEN @GiveUp THEN now() END
        WHERE submission_id = @submissionId
        """;
}
