using System.Text.Json;
using Judge.Sandbox.Cli;

namespace Judge.Sandbox.Tests.Cli;

/// <summary>The CLI driving the real runner: real namespaces, cgroups and exit statuses.</summary>
[Collection(SandboxCollection.Name)]
public sealed class RealCliTests(SandboxFixture sandbox)
{
    readonly StringWriter _output = new();
    readonly StringWriter _error = new();

    int Execute(params string[] args) => SandboxCli.Execute(args, _output, _error, sandbox.Runner.Run);

    [Fact]
    public void True_exits_0_with_an_ok_summary()
    {
        Assert.Equal(0, Execute("run", "--", "/bin/true"));
        Assert.StartsWith("ok: exit 0, cpu ", _error.ToString());
    }

    [Fact]
    public void A_busy_loop_under_a_cpu_limit_exits_1_and_writes_time_limit_to_the_result_file()
    {
        var result = Path.Combine(sandbox.NewDirectory(), "result.json");

        // A generous wall limit, so a loaded test machine cannot turn this into wall-time-limit.
        var exit = Execute("run", "--time", "0.2", "--wall-time", "10", "--result", result, "--", "/bin/sh", "-c", "while :; do :; done");

        Assert.True(exit == 1, _error.ToString());
        using var json = JsonDocument.Parse(File.ReadAllText(result));
        Assert.Equal("time-limit", json.RootElement.GetProperty("status").GetString());
        Assert.True(json.RootElement.GetProperty("cpuTimeMs").GetInt64() >= 200, File.ReadAllText(result));
    }

    [Fact]
    public void Stdin_and_stdout_files_round_trip_through_cat()
    {
        var dir = sandbox.NewDirectory();
        var input = Path.Combine(dir, "in.bin");
        var output = Path.Combine(dir, "out.bin");
        var bytes = Enumerable.Range(0, 70_000).Select(i => (byte)(i * 7)).ToArray();
        File.WriteAllBytes(input, bytes);

        Assert.Equal(0, Execute("run", "--quiet", "--stdin", input, "--stdout", output, "--", "/bin/cat"));
        Assert.Equal(bytes, File.ReadAllBytes(output));
    }

    [Fact]
    public void A_missing_rootfs_exits_2_before_anything_runs()
    {
        var missing = Path.Combine(sandbox.NewDirectory(), "no-root");
        Assert.Equal(2, Execute("run", "--rootfs", missing, "--", "/bin/true"));
        Assert.Contains("RootfsDir: ", _error.ToString());
    }
}
