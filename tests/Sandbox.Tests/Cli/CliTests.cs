using System.Text.Json;
using Judge.Sandbox.Cli;

namespace Judge.Sandbox.Tests.Cli;

/// <summary>The CLI end to end with a stand-in for the runner: exit codes, summaries, result files.</summary>
public sealed class CliTests : IDisposable
{
    readonly string _temp = Directory.CreateTempSubdirectory("cli-").FullName;
    readonly StringWriter _output = new();
    readonly StringWriter _error = new();
    readonly List<SandboxSpec> _specsRun = [];

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    static SandboxResult Result(SandboxStatus status, long wallMs = 10, long cpuMs = 5, long peak = 1 << 20, int? exitCode = 0, int? signal = null, string message = "") =>
        new(status, exitCode, signal, cpuMs, wallMs, peak, message);

    int Execute(Func<SandboxResult> nextResult, params string[] args) =>
        SandboxCli.Execute(args, _output, _error, spec =>
        {
            _specsRun.Add(spec);
            return nextResult();
        });

    int Execute(SandboxResult result, params string[] args) => Execute(() => result, args);

    [Theory]
    [InlineData(SandboxStatus.Ok, 0)]
    [InlineData(SandboxStatus.RuntimeError, 1)]
    [InlineData(SandboxStatus.Signaled, 1)]
    [InlineData(SandboxStatus.TimeLimit, 1)]
    [InlineData(SandboxStatus.WallTimeLimit, 1)]
    [InlineData(SandboxStatus.MemoryLimit, 1)]
    [InlineData(SandboxStatus.OutputLimit, 1)]
    [InlineData(SandboxStatus.SetupError, 3)]
    public void The_exit_status_follows_the_run_status(SandboxStatus status, int exitStatus)
    {
        Assert.Equal(exitStatus, Execute(Result(status), "run", "--", "/bin/true"));
        Assert.Single(_specsRun);
    }

    [Fact]
    public void A_usage_error_exits_2_names_the_option_and_runs_nothing()
    {
        Assert.Equal(2, Execute(Result(SandboxStatus.Ok), "run", "--memory", "12Q", "/bin/true"));
        Assert.StartsWith("judge-sandbox: --memory: \"12Q\" is not a size (use e.g. 256M)\n", _error.ToString());
        Assert.Empty(_specsRun);
    }

    [Fact]
    public void A_spec_the_validator_refuses_exits_2_and_runs_nothing()
    {
        var missing = Path.Combine(_temp, "missing");
        Assert.Equal(2, Execute(Result(SandboxStatus.Ok), "run", "--rootfs", missing, "/bin/true"));
        Assert.Equal($"judge-sandbox: RootfsDir: \"{missing}\" does not exist\n", _error.ToString());
        Assert.Empty(_specsRun);
    }

    [Fact]
    public void A_result_file_in_a_missing_directory_is_refused_before_running() =>
        Assert.Equal(2, Execute(Result(SandboxStatus.Ok), "run", "--result", Path.Combine(_temp, "no", "r.json"), "/bin/true"));

    [Fact]
    public void One_summary_line_goes_to_stderr_unless_quiet()
    {
        Execute(Result(SandboxStatus.TimeLimit, wallMs: 1010, cpuMs: 1003, peak: 3 << 20, exitCode: null, signal: 9), "run", "/bin/true");
        Assert.Equal("time-limit: signal 9, cpu 1003 ms, wall 1010 ms, peak memory 3.0 MiB\n", _error.ToString());
        Assert.Empty(_output.ToString());

        _error.GetStringBuilder().Clear();
        Execute(Result(SandboxStatus.Ok), "run", "--quiet", "/bin/true");
        Assert.Empty(_error.ToString());
    }

    [Fact]
    public void A_setup_error_summary_shows_its_message() =>
        Assert.Equal("setup-error: mount /proc: Operation not permitted", Report.SummaryLine(SandboxResult.SetupError("mount /proc: Operation not permitted")));

    [Fact]
    public void The_result_file_has_exactly_the_documented_camel_case_fields()
    {
        var path = Path.Combine(_temp, "result.json");
        Execute(Result(SandboxStatus.MemoryLimit, wallMs: 12, cpuMs: 7, peak: 268435456, exitCode: null, signal: 9, message: "oom"),
            "run", "--result", path, "/bin/true");

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal(["status", "exitCode", "signal", "cpuTimeMs", "wallTimeMs", "peakMemoryBytes", "message"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("memory-limit", root.GetProperty("status").GetString());
        Assert.Equal(JsonValueKind.Null, root.GetProperty("exitCode").ValueKind);
        Assert.Equal(9, root.GetProperty("signal").GetInt32());
        Assert.Equal(7, root.GetProperty("cpuTimeMs").GetInt64());
        Assert.Equal(12, root.GetProperty("wallTimeMs").GetInt64());
        Assert.Equal(268435456, root.GetProperty("peakMemoryBytes").GetInt64());
        Assert.Equal("oom", root.GetProperty("message").GetString());
    }

    [Theory]
    [InlineData(SandboxStatus.Ok, "ok")]
    [InlineData(SandboxStatus.RuntimeError, "runtime-error")]
    [InlineData(SandboxStatus.Signaled, "signaled")]
    [InlineData(SandboxStatus.TimeLimit, "time-limit")]
    [InlineData(SandboxStatus.WallTimeLimit, "wall-time-limit")]
    [InlineData(SandboxStatus.MemoryLimit, "memory-limit")]
    [InlineData(SandboxStatus.OutputLimit, "output-limit")]
    [InlineData(SandboxStatus.SetupError, "setup-error")]
    public void Statuses_are_written_with_their_kebab_case_names(SandboxStatus status, string name)
    {
        var json = ResultJson.Serialize(ResultDocument.From(Result(status)));
        Assert.Equal(name, JsonDocument.Parse(json).RootElement.GetProperty("status").GetString());
    }

    [Fact]
    public void Repeat_runs_a_fresh_spec_each_time_and_summarises_all_runs()
    {
        var results = new Queue<SandboxResult>(
        [
            Result(SandboxStatus.Ok, wallMs: 30, cpuMs: 3, peak: 3 << 20),
            Result(SandboxStatus.Ok, wallMs: 10, cpuMs: 1, peak: 1 << 20),
            Result(SandboxStatus.TimeLimit, wallMs: 20, cpuMs: 9, peak: 2 << 20, exitCode: null, signal: 9),
            Result(SandboxStatus.Ok, wallMs: 40, cpuMs: 2, peak: 4 << 20),
        ]);
        var path = Path.Combine(_temp, "result.json");

        var exit = Execute(results.Dequeue, "run", "--repeat", "4", "--result", path, "/bin/true");

        Assert.Equal(1, exit); // one run hit a limit
        Assert.Equal(4, _specsRun.Count);
        var table = _error.ToString().Split('\n');
        Assert.Equal("4 runs: ok 3, time-limit 1", table[0]);
        Assert.Equal(["wall", "ms", "10", "25", "40"], table[2].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["cpu", "ms", "1", "2", "9"], table[3].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal(["peak", "KiB", "1024", "2560", "4096"], table[4].Split(' ', StringSplitOptions.RemoveEmptyEntries));

        using var json = JsonDocument.Parse(File.ReadAllText(path));
        var root = json.RootElement;
        Assert.Equal(40, root.GetProperty("wallTimeMs").GetInt64()); // the last run
        var repeat = root.GetProperty("repeat");
        Assert.Equal(4, repeat.GetProperty("runs").GetInt32());
        Assert.Equal(10, repeat.GetProperty("wallTimeMs").GetProperty("min").GetInt64());
        Assert.Equal(25, repeat.GetProperty("wallTimeMs").GetProperty("median").GetInt64());
        Assert.Equal(40, repeat.GetProperty("wallTimeMs").GetProperty("max").GetInt64());
        Assert.Equal(9, repeat.GetProperty("cpuTimeMs").GetProperty("max").GetInt64());
        Assert.Equal(4 << 20, repeat.GetProperty("peakMemoryBytes").GetProperty("max").GetInt64());
        Assert.Equal(3, repeat.GetProperty("statuses").GetProperty("ok").GetInt32());
        Assert.Equal(1, repeat.GetProperty("statuses").GetProperty("time-limit").GetInt32());
    }

    [Fact]
    public void Without_repeat_the_result_file_has_no_repeat_summary()
    {
        var path = Path.Combine(_temp, "result.json");
        Execute(Result(SandboxStatus.Ok), "run", "--result", path, "/bin/true");
        Assert.False(JsonDocument.Parse(File.ReadAllText(path)).RootElement.TryGetProperty("repeat", out _));
    }

    [Fact]
    public void With_repeat_a_setup_error_in_any_run_decides_the_exit_status()
    {
        var statuses = new Queue<SandboxStatus>([SandboxStatus.SetupError, SandboxStatus.TimeLimit, SandboxStatus.Ok]);
        Assert.Equal(3, Execute(() => Result(statuses.Dequeue()), "run", "--repeat", "3", "/bin/true"));
    }

    [Fact]
    public void Help_goes_to_stdout_and_exits_0()
    {
        Assert.Equal(0, Execute(Result(SandboxStatus.Ok), "--help"));
        Assert.Equal(HelpText.Text, _output.ToString());
    }

    [Fact]
    public void Check_prints_one_line_per_item_and_exits_0_on_this_host()
    {
        Assert.Equal(0, Execute(Result(SandboxStatus.Ok), "check"));
        var lines = _output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Contains(lines, l => l.StartsWith("ok") && l.Contains("user namespaces:"));
        Assert.Equal(HostCheck.Run().Count, lines.Count(l => !l.TrimStart().StartsWith("fix:")));
    }

    [Fact]
    public void An_unknown_option_exits_2_names_it_and_runs_nothing()
    {
        Assert.Equal(2, Execute(Result(SandboxStatus.Ok), "run", "--memroy", "1M", "/bin/true"));
        Assert.Equal("judge-sandbox: unknown option --memroy\nTry 'judge-sandbox --help'.\n", _error.ToString());
        Assert.Empty(_specsRun);
    }

    [Theory]
    [InlineData("-h")]
    [InlineData("help")]
    [InlineData("run", "--time", "1", "--help")]
    public void Every_way_of_asking_for_help_prints_the_whole_help_and_exits_0(params string[] args)
    {
        Assert.Equal(0, Execute(Result(SandboxStatus.Ok), args));
        Assert.Equal(HelpText.Text, _output.ToString());
        Assert.Empty(_specsRun);
    }

    [Fact]
    public void The_help_names_every_option_that_run_accepts()
    {
        Execute(Result(SandboxStatus.Ok), "--help");
        var help = _output.ToString();
        foreach (var option in CommandLine.Options)
        {
            Assert.Contains($"\n  {option.Name} ", help);
            foreach (var name in option.Option.Aliases.Append(option.Name))
            {
                var error = new StringWriter();
                SandboxCli.Execute(["run", name], TextWriter.Null, error, _ => Result(SandboxStatus.Ok));
                Assert.DoesNotContain("unknown option", error.ToString());
            }
        }
    }

    [Fact]
    public void Help_after_the_command_is_the_programs_argument()
    {
        Assert.Equal(0, Execute(Result(SandboxStatus.Ok), "run", "--quiet", "/bin/echo", "--help"));
        Assert.Equal(["/bin/echo", "--help"], Assert.Single(_specsRun).Command);
        Assert.Empty(_output.ToString());
    }
}
