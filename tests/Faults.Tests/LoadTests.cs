using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using Judge.EndToEnd;
using Judge.Faults.Tests.Stack;

namespace Judge.Faults.Tests;

// In the line of the private-server tests, so that it never runs beside the broker outage (a RabbitMQ node booting takes a core).
[Collection(PrivateServers.Name)]
public sealed class LoadTests
{
    private const int Burst = 2000;
    /// <summary>Requests in flight at once: a busy front end, many more than the machine's cores.</summary>
    private const int Clients = 8;
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(1);

    [Fact]
    public async Task A_burst_of_two_thousand_submissions_all_end_with_one_verdict_while_the_health_probe_answers_within_a_second()
    {
        var directory = FaultStack.NewDirectory("load");
        // The queue stays longer than the sweeper's default 30 s: it would publish the waiting submissions a second time,
        // and the workers would spend the burst skipping duplicates (harmless, but not what this test measures).
        await using var stack = await FaultStack.StartAsync("load", directory, settings: new Dictionary<string, string> { ["Judge__RequeueAfterSeconds"] = "300" });
        // Two competing workers, a sandbox slot each: as many programs at once as this machine has cores, so that the
        // Api's share of the CPU is what a deployment sized like this one would give it.
        var workerSettings = new Dictionary<string, string> { ["Worker__Slots"] = "1", ["Worker__SubmissionsInFlight"] = "4" };
        await stack.StartWorkerAsync(workerSettings);
        await stack.StartWorkerAsync(workerSettings);

        using var probing = new CancellationTokenSource();
        var probes = ProbeAsync(stack, probing.Token);
        var clock = Stopwatch.StartNew();
        var ids = new ConcurrentBag<Guid>();
        await Parallel.ForEachAsync(Enumerable.Range(0, Burst), new ParallelOptions { MaxDegreeOfParallelism = Clients },
            async (n, _) => ids.Add(await stack.SubmitAsync(Programs.Tiny(n))));
        var submitted = clock.Elapsed;
        await stack.WaitUntilDoneAsync(ids, TimeSpan.FromMinutes(4));
        var judged = clock.Elapsed;
        probing.Cancel();
        var latencies = await probes;
        stack.Log.Write("stack", $"{Burst} submitted in {submitted.TotalSeconds:F1} s, all judged after {judged.TotalSeconds:F1} s; "
            + $"{latencies.Count} health probes, slowest {latencies.Max().TotalMilliseconds:F0} ms");

        await stack.AssertOneVerdictEachAsync(ids.ToArray(), testsEach: 1);
        Assert.True(latencies.Count > 10, $"only {latencies.Count} health probes were answered");
        Assert.True(latencies.Max() < ProbeLimit, $"the slowest of {latencies.Count} health probes took {latencies.Max().TotalMilliseconds:F0} ms");
    }

    /// <summary>Asks the liveness probe every 100 ms until cancelled; every answer must be 200. (The readiness probe also
    /// waits for a database round trip, which on a saturated two-core host is the database's latency, not the Api's.)</summary>
    private static async Task<List<TimeSpan>> ProbeAsync(FaultStack stack, CancellationToken stop)
    {
        using var http = new HttpClient { BaseAddress = stack.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<TimeSpan>();
        while (!stop.IsCancellationRequested)
        {
            var clock = Stopwatch.StartNew();
            using var response = await http.GetAsync("api/v1/health/live", CancellationToken.None);
            latencies.Add(clock.Elapsed);
            if (clock.Elapsed > ProbeLimit / 2)
                stack.Log.Write("stack", $"slow health probe: {clock.Elapsed.TotalMilliseconds:F0} ms");
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"health/live answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(CancellationToken.None)}");
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
            }
        }
        return latencies;
    }
}
