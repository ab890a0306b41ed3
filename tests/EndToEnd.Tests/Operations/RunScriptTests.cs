using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text.RegularExpressions;

namespace Judge.EndToEnd.Tests.Operations;

/// <summary>
/// The real <c>scripts/run.sh</c> (what <c>make run</c> runs) supervising the real Api and Worker, on a scratch
/// database and virtual host of the shared services, which it is told not to start or stop.
/// </summary>
public sealed partial class RunScriptTests
{
    private const int SIGKILL = 9, SIGTERM = 15;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task A_killed_Worker_is_started_again_while_the_Api_keeps_answering_and_SIGTERM_to_run_sh_leaves_nothing_running()
    {
        var server = Environment.GetEnvironmentVariable("ConnectionStrings__Judge")
            ?? throw new InvalidOperationException("ConnectionStrings__Judge is not set: run with the services' settings (scripts/services.sh env)");
        await using var database = await ScratchDatabase.CreateAsync(server, CancellationToken.None);
        await using var virtualHost = await ScratchVirtualHost.CreateAsync(BrokerSettings.FromEnvironment(), CancellationToken.None);
        var apiUrl = $"http://127.0.0.1:{FreePort()}";
        using var http = new HttpClient { BaseAddress = new Uri(apiUrl + "/api/v1/"), Timeout = TimeSpan.FromSeconds(90) };
        // The development key run.sh makes on its first start, kept apart from the checkout's own .data/api-key.
        var keyFile = Path.Combine(Path.GetTempPath(), $"judge-run-sh-key-{Guid.NewGuid():N}");

        using var script = StartRunScript(new Dictionary<string, string>
        {
            ["JUDGE_EXTERNAL_SERVICES"] = "1",
            ["JUDGE_NO_BUILD"] = "1", // built with this project (its references)
            ["CONFIGURATION"] = Repository.Configuration,
            ["JUDGE_API_URL"] = apiUrl,
            ["ConnectionStrings__Judge"] = database.ConnectionString,
            ["RabbitMq__VirtualHost"] = virtualHost.Name,
            ["JUDGE_API_KEY_FILE"] = keyFile,
        });
        try
        {
            var firstWorker = await script.WaitForAsync(StartedPattern("worker"), StartTimeout);
            var api = await script.WaitForAsync(StartedPattern("api"), StartTimeout);
            // Its own session: every process it starts is in its process group, so "nothing left" can be checked.
            // Checked only once run.sh speaks: until setsid has called setsid(), the group is still the test host's.
            Assert.Equal(script.Process.Id, ProcessGroupOf(script.Process.Id));
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", File.ReadAllText(keyFile).Trim());
            await WaitUntilAsync(script, async () => (await http.GetFromJsonAsync<List<object>>("languages"))!.Count > 0, "the Worker's languages");

            kill(firstWorker, SIGKILL);

            await script.WaitForAsync(new Regex($@"worker \(pid {firstWorker}\) was killed by signal 9; starting it again"), StartTimeout);
            var secondWorker = await script.WaitForAsync(StartedPattern("worker"), StartTimeout, after: firstWorker);
            Assert.NotEqual(firstWorker, secondWorker);
            Assert.True(IsRunning(api), script.Explain("the Api went down with the Worker"));
            Assert.True((await http.GetAsync("health/live")).IsSuccessStatusCode, script.Explain("the Api stopped answering"));

            // The restarted Worker judges: the service as a whole came back, not just a process.
            using var submitted = await http.PostAsJsonAsync("submissions?wait=true", new
            {
                language = "python3",
                source = "print(int(input()) * 2)\n",
                tests = new[] { new { input = "21\n", expectedOutput = "42\n" } },
            });
            var body = await submitted.Content.ReadAsStringAsync();
            Assert.True(submitted.IsSuccessStatusCode && body.Contains("\"verdict\":\"AC\""), script.Explain($"after the restart: {(int)submitted.StatusCode} {body}"));
            Assert.False(script.Lines.Any(l => l.Contains("api (pid")), script.Explain("the Api was restarted too"));

            kill(script.Process.Id, SIGTERM);
            Assert.True(script.Process.WaitForExit(TimeSpan.FromSeconds(60)), script.Explain("run.sh did not end within 60 s of SIGTERM"));
            var left = ProcessesInGroup(script.Process.Id);
            Assert.True(left.Count == 0, script.Explain($"left running after SIGTERM: {string.Join(", ", left)}"));
            Assert.False(IsRunning(api) || IsRunning(secondWorker), script.Explain("the Api or the Worker is still running"));
        }
        finally
        {
            // Whatever the outcome, nothing this test started outlives it (they all share the script's process group).
            if (ProcessesInGroup(script.Process.Id).Count > 0)
                kill(-script.Process.Id, SIGKILL);
            File.Delete(keyFile);
        }
    }

    private static Regex StartedPattern(string app) => new($@"run\.sh: {app} started \(pid (\d+)\)");

    private sealed class RunScript(Process process) : IDisposable
    {
        private readonly ConcurrentQueue<string> _lines = new();
        public Process Process { get; } = process;
        public IReadOnlyList<string> Lines => [.. _lines];

        public void Add(string line) => _lines.Enqueue(line);

        /// <summary>Waits for a line matching <paramref name="pattern"/> (after a line naming <paramref name="after"/>, if given) and returns its first number.</summary>
        public async Task<int> WaitForAsync(Regex pattern, TimeSpan timeout, int? after = null)
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var lines = Lines.SkipWhile(l => after is not null && !l.Contains($"pid {after})")).ToList();
                foreach (var line in lines)
                    if (pattern.Match(line) is { Success: true } match && (after is null || !line.Contains($"pid {after})")))
                        return match.Groups.Count > 1 ? int.Parse(match.Groups[1].Value) : 0;
                if (Process.HasExited)
                    throw new InvalidOperationException(Explain($"run.sh exited ({Process.ExitCode}) while waiting for /{pattern}/"));
                await Task.Delay(100);
            }
            throw new TimeoutException(Explain($"no line like /{pattern}/ within {timeout.TotalSeconds} s"));
        }

        public string Explain(string failure) => $"{failure}\n--- run.sh's output ---\n{string.Join('\n', Lines.TakeLast(80))}";

        public void Dispose() => Process.Dispose();
    }

    private static RunScript StartRunScript(IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("setsid")
        {
            WorkingDirectory = Repository.Root,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true, // not the test host's: run.sh must not wait on a terminal
            UseShellExecute = false,
        };
        start.ArgumentList.Add("bash");
        start.ArgumentList.Add("scripts/run.sh");
        foreach (var (key, value) in environment)
            start.Environment[key] = value;
        var process = new Process { StartInfo = start };
        var script = new RunScript(process);
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) script.Add(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) script.Add(e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return script;
    }

    private static async Task WaitUntilAsync(RunScript script, Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                if (await condition())
                    return;
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException(script.Explain($"gave up waiting for {what}"));
    }

    private static bool IsRunning(int pid) =>
        File.Exists($"/proc/{pid}/stat") && !File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].TrimStart().StartsWith('Z');

    /// <summary>The fifth field of /proc/PID/stat, after the parenthesised name.</summary>
    private static int ProcessGroupOf(int pid) => int.Parse(File.ReadAllText($"/proc/{pid}/stat").Split(')')[^1].Split(' ', StringSplitOptions.RemoveEmptyEntries)[2]);

    private static List<int> ProcessesInGroup(int group)
    {
        var members = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), out var pid))
                continue;
            try
            {
                if (ProcessGroupOf(pid) == group && IsRunning(pid))
                    members.Add(pid);
            }
            catch (IOException)
            {
                // Gone meanwhile.
            }
        }
        return members;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
