using Judge.Faults.Tests.Stack;

namespace Judge.Faults.Tests;

[Collection(SharedServers.Name)]
public sealed class WorkerShutdownTests
{
    /// <summary>What a stop may take beyond the grace period on a loaded host (the worker's own limit is 15 s: WorkerOptions.ShutdownTimeout).</summary>
    private static readonly TimeSpan StopMargin = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_worker_told_to_stop_finishes_what_it_holds_within_its_grace_period_and_leaves_nothing_behind()
    {
        var directory = FaultStack.NewDirectory("term-finish");
        await using var stack = await FaultStack.StartAsync("term-finish", directory);
        var grace = TimeSpan.FromSeconds(30);
        var worker = await stack.StartWorkerAsync(new Dictionary<string, string>
        {
            ["Worker__Slots"] = "2",
            ["Worker__SubmissionsInFlight"] = "4",
            ["Worker__ShutdownGrace"] = grace.ToString(),
        });
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
            ids.Add(await stack.SubmitAsync(Programs.Sleeping(i, 2)));
        await WorkerCrashTests.WaitUntilAsync(stack, ids, rows => rows.Count(r => r.Status is "compiling" or "running") >= 2, "two submissions to be judged");

        var stopped = await StopAsync(stack, worker, grace + StopMargin);

        Assert.Equal(0, worker.Process.ExitCode);
        // It held all four (4 in flight): it judged them all before it left, with nobody else to help.
        await stack.AssertOneVerdictEachAsync(ids, Programs.DoublingTests);
        Assert.True(stopped < grace, $"took {stopped.TotalSeconds:F1} s to stop, beyond its grace period, with only 2 s programs to finish");
        AssertNothingLeft(worker);
    }

    [Fact]
    public async Task A_worker_whose_grace_period_runs_out_hands_back_what_it_holds_and_leaves_nothing_behind()
    {
        var directory = FaultStack.NewDirectory("term-handback");
        await using var stack = await FaultStack.StartAsync("term-handback", directory);
        var grace = TimeSpan.FromSeconds(1);
        var slow = new Dictionary<string, string>
        {
            ["Worker__Slots"] = "4",
            ["Worker__SubmissionsInFlight"] = "4",
            ["Worker__ShutdownGrace"] = grace.ToString(),
        };
        var worker = await stack.StartWorkerAsync(slow);
        const double sleep = 12;
        var ids = new List<Guid>();
        for (var i = 0; i < 4; i++)
            ids.Add(await stack.SubmitAsync(Programs.Sleeping(i, sleep)));
        await WorkerCrashTests.WaitUntilAsync(stack, ids, rows => rows.Count(r => r.Status == "running") == 4, "all four to be running");

        var stopped = await StopAsync(stack, worker, grace + StopMargin);

        Assert.Equal(0, worker.Process.ExitCode);
        Assert.True(stopped < TimeSpan.FromSeconds(sleep), $"took {stopped.TotalSeconds:F1} s to stop: it waited for the programs instead of handing them back");
        Assert.DoesNotContain(await stack.ReadAsync(ids), r => r.Status == "done");
        AssertNothingLeft(worker);

        // Handed back, not lost: the next worker takes them from the broker.
        await stack.StartWorkerAsync(slow);
        await stack.WaitUntilDoneAsync(ids, TimeSpan.FromMinutes(2));
        await stack.AssertOneVerdictEachAsync(ids, Programs.DoublingTests);
    }

    private static async Task<TimeSpan> StopAsync(FaultStack stack, FaultWorker worker, TimeSpan limit)
    {
        stack.Log.Write("stack", $"SIGTERM to worker {worker.Id} (pid {worker.Process.Id})");
        var started = DateTime.UtcNow;
        Signals.Send(worker.Process.Id, Signals.SIGTERM);
        Assert.True(await Signals.WaitForExitAsync(worker.Process.Id, limit), stack.Explain($"the worker did not stop within {limit.TotalSeconds} s of SIGTERM"));
        var took = DateTime.UtcNow - started;
        stack.Log.Write("stack", $"worker {worker.Id} stopped {took.TotalSeconds:F1} s after SIGTERM");
        while (!worker.Process.HasExited)
            await Task.Delay(20);
        return took;
    }

    /// <summary>No process in its sandbox cgroups, no run cgroup, no mount of a submission's (see <see cref="Leftovers.Describe"/>).</summary>
    private static void AssertNothingLeft(FaultWorker worker)
    {
        var left = Leftovers.Describe(worker);
        Assert.True(left.Length == 0, $"the worker left behind:\n{left}");
    }
}
