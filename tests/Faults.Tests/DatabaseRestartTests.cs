using System.Net;
using Judge.EndToEnd;
using Judge.Faults.Tests.Stack;

namespace Judge.Faults.Tests;

[Collection(PrivateServers.Name)]
public sealed class DatabaseRestartTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(8);

    [Fact]
    public async Task With_PostgreSQL_restarted_while_judging_the_Api_answers_503_meanwhile_and_every_submission_is_judged_once()
    {
        var directory = FaultStack.NewDirectory("database");
        await using var postgres = await PrivatePostgres.StartAsync(directory);
        await using var stack = await FaultStack.StartAsync("database", directory, serverConnectionString: postgres.ServerConnectionString);
        var worker = await stack.StartWorkerAsync(new Dictionary<string, string> { ["Worker__Slots"] = "2" });

        var accepted = new List<Guid>();
        for (var i = 0; i < 8; i++)
            accepted.Add(await stack.SubmitAsync(Programs.Sleeping(i, 1)));
        await WorkerCrashTests.WaitUntilAsync(stack, accepted, rows => rows.Any(r => r.Status == "running"), "a submission to be judged");

        stack.Log.Write("stack", $"stopping PostgreSQL (pid {postgres.Pid})");
        await postgres.StopAsync();
        var stopped = DateTime.UtcNow;
        var answers = new List<(string Request, HttpStatusCode Status, string? ContentType, string Body)>();
        while (DateTime.UtcNow - stopped < Outage)
        {
            using (var post = await stack.PostAsync(Programs.Doubling(1)))
                answers.Add(("POST submissions", post.StatusCode, post.Content.Headers.ContentType?.MediaType, await post.Content.ReadAsStringAsync()));
            using (var get = await stack.Client.Http.GetAsync($"submissions/{accepted[0]}"))
                answers.Add(($"GET submissions/{accepted[0]}", get.StatusCode, get.Content.Headers.ContentType?.MediaType, await get.Content.ReadAsStringAsync()));
            await Task.Delay(500);
        }
        await postgres.StartAgainAsync();
        stack.Log.Write("stack", $"PostgreSQL is back after {(DateTime.UtcNow - stopped).TotalSeconds:F1} s");

        Assert.All(answers, answer => Assert.True(
            answer.Status == HttpStatusCode.ServiceUnavailable && answer.ContentType == "application/problem+json" && answer.Body.Contains("database"),
            stack.Explain($"{answer.Request} answered {(int)answer.Status} {answer.ContentType} while PostgreSQL was down: {answer.Body}")));
        Assert.False(worker.Process.HasExited, stack.Explain("the worker exited while PostgreSQL was down"));

        await stack.WaitUntilDoneAsync(accepted, TimeSpan.FromMinutes(2));
        await stack.AssertOneVerdictEachAsync(accepted, Programs.DoublingTests);
        // Serving again.
        var after = await stack.SubmitAsync(Programs.Doubling(2));
        await stack.WaitUntilDoneAsync([after], TimeSpan.FromMinutes(1));
        await stack.AssertOneVerdictEachAsync([after], Programs.DoublingTests);
    }
}
