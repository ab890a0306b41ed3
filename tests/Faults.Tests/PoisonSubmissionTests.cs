using Judge.EndToEnd;
using Judge.Faults.Tests.Stack;

namespace Judge.Faults.Tests;

[Collection(SharedServers.Name)]
public sealed class PoisonSubmissionTests
{
    private const string Marker = "# poison: the database refuses the results of this submission";

    /// <summary>
    /// A real failure, every time, of the kind the worker retries: the database refuses to store one submission's
    /// results with "disk full" (SQLSTATE 53100, which Npgsql calls transient), as a full tablespace would. A trigger
    /// does the refusing, and counts the attempts in a sequence (a sequence is not rolled back with the statement).
    /// </summary>
    private const string PoisonTrigger = $"""
        CREATE SEQUENCE poison_attempts;
        CREATE FUNCTION refuse_poison() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            IF EXISTS (SELECT 1 FROM submissions WHERE id = NEW.submission_id AND source LIKE '%{Marker}%') THEN
                PERFORM nextval('poison_attempts');
                RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full';
            END IF;
            RETURN NEW;
        END $$;
        CREATE TRIGGER refuse_poison BEFORE INSERT ON test_results FOR EACH ROW EXECUTE FUNCTION refuse_poison();
        """;

    [Fact]
    public async Task A_submission_the_worker_fails_on_every_time_ends_IE_after_the_configured_retries_without_holding_up_the_queue()
    {
        var directory = FaultStack.NewDirectory("poison");
        await using var stack = await FaultStack.StartAsync("poison", directory);
        await using (var command = stack.Database.CreateCommand(PoisonTrigger))
            await command.ExecuteNonQueryAsync();
        TimeSpan[] retries = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)];
        var settings = new Dictionary<string, string> { ["Worker__Slots"] = "1", ["Worker__SubmissionsInFlight"] = "2" };
        for (var i = 0; i < retries.Length; i++)
            settings[$"Worker__RetryIntervals__{i}"] = retries[i].ToString();
        await stack.StartWorkerAsync(settings);

        var poison = await stack.SubmitAsync(Programs.Doubling(1) with { Source = $"{Marker}\nprint(int(input()) * 2)\n" });
        var behind = new List<Guid>();
        for (var i = 0; i < 6; i++)
            behind.Add(await stack.SubmitAsync(Programs.Doubling(i)));
        await stack.WaitUntilDoneAsync([poison, .. behind], TimeSpan.FromMinutes(2));

        var ended = (await stack.ReadAsync([poison])).Single();
        Assert.True(ended.Verdict == "IE", stack.Explain($"the poison ended {ended}"));
        Assert.Contains("53100", ended.Message);
        Assert.Contains("No space left on device", ended.Message);
        Assert.Equal(0, ended.Results);
        await using (var command = stack.Database.CreateCommand("SELECT last_value FROM poison_attempts"))
            Assert.Equal(1L + retries.Length, (long)(await command.ExecuteScalarAsync())!);

        var others = await stack.AssertOneVerdictEachAsync(behind, Programs.DoublingTests);
        // Judged while the poison was still being retried, not after it.
        Assert.All(others, other => Assert.True(other.FinishedAt < ended.FinishedAt, stack.Explain($"{other} finished after the poison {ended}")));
    }
}
