using System.Net;
using System.Text.Json;
using Judge.EndToEnd;
using Judge.Faults.Tests.Stack;

namespace Judge.Faults.Tests;

[Collection(PrivateServers.Name)]
public sealed class BrokerOutageTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task With_RabbitMQ_stopped_for_30_seconds_the_Api_keeps_accepting_and_every_accepted_submission_is_judged_once_after()
    {
        var directory = FaultStack.NewDirectory("broker");
        var log = FaultStack.NewLog("broker");
        await using var rabbit = await PrivateRabbitMq.StartAsync(Path.Combine(directory, "rabbitmq"), log);
        await using var stack = await FaultStack.StartAsync("broker", directory, broker: rabbit.Settings, log: log, settings: new Dictionary<string, string>
        {
            // A request waits this long for the broker before leaving the publish to the sweeper; the sweeper publishes
            // what is still queued this long after: short, so that the test does not wait for the defaults (5 s, 30 s).
            ["Judge__PublishTimeoutSeconds"] = "2",
            ["Judge__RequeueAfterSeconds"] = "5",
        });
        await stack.StartWorkerAsync(new Dictionary<string, string> { ["Worker__Slots"] = "2" });

        var accepted = new List<Guid>();
        // Some being judged when the broker goes: their acknowledgements are lost with it.
        for (var i = 0; i < 4; i++)
            accepted.Add(await stack.SubmitAsync(Programs.Sleeping(i, 2)));
        await WorkerCrashTests.WaitUntilAsync(stack, accepted, rows => rows.Any(r => r.Status == "running"), "a submission to be judged");

        await rabbit.StopAsync();
        var stopped = DateTime.UtcNow;
        var answers = new List<Task<(HttpStatusCode Status, string Body)>>();
        for (var n = 0; DateTime.UtcNow - stopped < Outage; n++)
        {
            answers.Add(PostAsync(stack, Programs.Doubling(100 + n)));
            await Task.Delay(500);
        }
        await rabbit.StartAgainAsync();
        stack.Log.Write("stack", $"RabbitMQ was away {(DateTime.UtcNow - stopped).TotalSeconds:F1} s; {answers.Count} submissions were sent meanwhile");

        var unavailable = 0;
        foreach (var (status, body) in await Task.WhenAll(answers))
        {
            if (status == HttpStatusCode.Accepted)
                accepted.Add(JsonSerializer.Deserialize<SubmissionAccepted>(body, JudgeClient.Json)!.Id);
            else if (status == HttpStatusCode.ServiceUnavailable && body.Contains("\"detail\""))
                unavailable++;
            else
                Assert.Fail(stack.Explain($"while RabbitMQ was away the Api answered {(int)status}: {body}"));
        }
        Assert.True(accepted.Count > 4, stack.Explain($"the Api accepted nothing while RabbitMQ was away ({unavailable} answered 503)"));
        // And after: the broker is back.
        accepted.Add(await stack.SubmitAsync(Programs.Doubling(1)));

        await stack.WaitUntilDoneAsync(accepted, TimeSpan.FromMinutes(3));
        await stack.AssertOneVerdictEachAsync(accepted, Programs.DoublingTests);
    }

    private static async Task<(HttpStatusCode, string)> PostAsync(FaultStack stack, SubmissionRequest request)
    {
        using var response = await stack.PostAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }
}
