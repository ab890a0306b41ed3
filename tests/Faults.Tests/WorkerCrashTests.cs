using Judge.Faults.Tests.Stack;

namespace Judge.Faults.Tests;

[Collection(SharedServers.Name)]
public sealed class WorkerCrashTests
{
    [Fact]
    public async Task A_worker_killed_while_judging_leaves_its_submissions_to_another_worker()
    {
        var directory = FaultStack.NewDirectory("kill");
        await using var stack = await FaultStack.StartAsync("kill", directory);
        var doomed = await stack.StartWorkerAsync(new Dictionary<string, string> { ["Worker__Slots"] = "2" });

        var ids = new List<Guid>();
        for (var i = 0; i < 6; i++)
            ids.Add(await stack.SubmitAsync(Programs.Sleeping(i, 3)));
        // The only worker has taken some and is judging them.
        await WaitUntilAsync(stack, ids, rows => rows.Count(r => r.Status is "compiling" or "running") >= 2, "two submissions to be judged");

        await stack.KillAsync(doomed);
        var held = (await stack.ReadAsync(ids)).Where(r => r.Status != "done").Select(r => r.Id).ToList();
        Assert.NotEmpty(held);

        await stack.StartWorkerAsync(new Dictionary<string, string> { ["Worker__Slots"] = "2" });
        await stack.WaitUntilDoneAsync(ids, TimeSpan.FromMinutes(2));
        await stack.AssertOneVerdictEachAsync(ids, Programs.DoublingTests);
    }

    internal static async Task WaitUntilAsync(FaultStack stack, IReadOnlyCollection<Guid> ids, Func<IReadOnlyList<StoredSubmission>, bool> condition,
        string what)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromMinutes(1);
        while (!condition(await stack.ReadAsync(ids)))
        {
            Assert.True(DateTime.UtcNow < deadline, stack.Explain($"waited a minute for {what}"));
            await Task.Delay(50);
        }
    }
}
