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

    [Fact]
    public async Task The_next_worker_on_the_host_removes_exactly_what_a_crashed_worker_left_and_keeps_a_live_workers_runs()
    {
        var directory = FaultStack.NewDirectory("leftovers");
        var cgroupParent = $"judge-faults-shared-{Guid.NewGuid():N}"[..32];
        // Workers on one host share the cgroup parent and the sandbox's state directory, as `make worker` starts them.
        var shared = new Dictionary<string, string>
        {
            ["Sandbox__CgroupParent"] = cgroupParent,
            ["Worker__Slots"] = "2",
            ["Worker__SubmissionsInFlight"] = "2",
        };
        try
        {
            await using var stack = await FaultStack.StartAsync("leftovers", directory);
            var doomed = await stack.StartWorkerAsync(shared);
            var doomedIds = new List<Guid> { await stack.SubmitAsync(Programs.Sleeping(0, 25)), await stack.SubmitAsync(Programs.Sleeping(1, 25)) };
            await WaitUntilAsync(stack, doomedIds, rows => rows.All(r => r.Status == "running"), "the doomed worker to run both");

            // The live worker's runs outlast the next worker's start-up (25 s, the most a wall-time limit allows), so that they are there to be spared.
            var live = await stack.StartWorkerAsync(shared);
            var liveIds = new List<Guid> { await stack.SubmitAsync(Programs.Sleeping(2, 25)), await stack.SubmitAsync(Programs.Sleeping(3, 25)) };
            await WaitUntilAsync(stack, liveIds, rows => rows.All(r => r.Status == "running"), "the live worker to run both");
            // "running" is stored just before the sandbox makes the run's cgroup.
            await WaitForRunsAsync(stack, doomed, cgroupParent);
            await WaitForRunsAsync(stack, live, cgroupParent);

            await stack.KillAsync(doomed);
            Assert.NotEmpty(LeftBy(doomed.Pid, cgroupParent));

            await stack.StartWorkerAsync(shared);

            var stillLeft = LeftBy(doomed.Pid, cgroupParent);
            Assert.True(stillLeft.Count == 0, stack.Explain($"the next worker did not remove what the crashed one left:\n{string.Join("\n", stillLeft)}"));
            Assert.True((await stack.ReadAsync(liveIds)).Any(r => r.Status == "running"),
                stack.Explain("the live worker's runs ended before the next worker started: the test proves nothing"));
            Assert.NotEmpty(LeftBy(live.Pid, cgroupParent));
            // The live worker's runs were spared (a killed run would not be accepted), the crashed one's were judged again.
            await stack.WaitUntilDoneAsync([.. doomedIds, .. liveIds], TimeSpan.FromMinutes(3));
            await stack.AssertOneVerdictEachAsync([.. doomedIds, .. liveIds], Programs.DoublingTests);
        }
        finally
        {
            // The stack (and its workers) are gone by now: what is left of the shared parent is only the test's to remove.
            Leftovers.Remove(Path.Combine(directory, "shared"), cgroupParent);
        }
    }

    private static async Task WaitForRunsAsync(FaultStack stack, FaultWorker worker, string cgroupParent)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!LeftBy(worker.Pid, cgroupParent).Any(l => l.StartsWith("cgroup ", StringComparison.Ordinal)))
        {
            Assert.True(DateTime.UtcNow < deadline, stack.Explain($"worker {worker.Id} made no run cgroup within 30 s"));
            await Task.Delay(50);
        }
    }

    /// <summary>What a worker's sandbox holds on the host, found by the names it gives them: its runs' cgroups
    /// (<c>run-PID-n</c>), the processes in them, and its volume directories (<c>owner-PID-*</c>).</summary>
    private static List<string> LeftBy(int pid, string cgroupParent)
    {
        var runs = Leftovers.CgroupsBelow(cgroupParent).Where(c => Path.GetFileName(c).StartsWith($"run-{pid}-", StringComparison.Ordinal)).ToList();
        var processes = runs.Select(c => Path.Combine(c, "cgroup.procs")).Where(File.Exists)
            .SelectMany(File.ReadAllLines).Where(line => line.Length > 0).Select(p => $"process {p}");
        const string volumes = "/run/judge-sandbox/volumes";
        var owned = Directory.Exists(volumes)
            ? Directory.GetFileSystemEntries(volumes, $"owner-{pid}-*").Select(v => $"volume {v}")
            : [];
        return [.. runs.Select(c => $"cgroup {c}"), .. processes, .. owned];
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
