using Judge.Sandbox.Cli;

namespace Judge.Sandbox.Tests.Cli;

public sealed class CommandLineTests
{
    static RunSandbox ParseRun(params string[] args) =>
        Assert.IsType<RunSandbox>(CommandLine.Parse(["run", .. args]));

    static string UsageError(params string[] args) =>
        Assert.Throws<UsageException>(() => CommandLine.Parse(args)).Message;

    [Fact]
    public void Every_option_maps_to_its_spec_field()
    {
        var run = ParseRun(
            "--rootfs", "/srv/root", "--with", "/usr/bin/python3", "--with", "/usr/lib/python3.11",
            "--bind", "/srv/data:/data", "--bind", "/srv/out:/out:rw", "--workdir", "/srv/box", "--cwd", "/data",
            "--env", "A=1", "--env", "B=x=y", "--time", "1.5", "--wall-time", "4", "--memory", "256M",
            "--processes", "16", "--output-limit", "64K", "--stack", "8m", "--open-files", "32", "--cpus", "1.5",
            "--io-read-bps", "1G", "--io-write-bps", "2M", "--tmp-size", "128M", "--box-size", "32M", "--network", "loopback",
            "--stdin", "/srv/in", "--stdout", "/srv/out.txt", "--stderr", "/srv/err.txt", "--result", "/srv/result.json",
            "--repeat", "5", "--as-root", "--hostname", "judge", "--quiet",
            "--", "/usr/bin/python3", "main.py");

        var spec = run.Spec;
        Assert.Equal(["/usr/bin/python3", "main.py"], spec.Command);
        Assert.Equal("/srv/root", spec.RootfsDir);
        Assert.Equal(["/usr/bin/python3", "/usr/lib/python3.11"], spec.With);
        Assert.Equal([new BindMount("/srv/data", "/data"), new BindMount("/srv/out", "/out", Writable: true)], spec.Binds);
        Assert.Equal("/srv/box", spec.WorkDir);
        Assert.Equal("/data", spec.Cwd);
        Assert.Equal("1", spec.Environment["A"]);
        Assert.Equal("x=y", spec.Environment["B"]);
        Assert.Equal("/box", spec.Environment["HOME"]); // the defaults stay unless overridden
        Assert.Equal(TimeSpan.FromSeconds(1.5), spec.Limits.CpuTime);
        Assert.Equal(TimeSpan.FromSeconds(4), spec.Limits.WallTime);
        Assert.Equal(256L << 20, spec.Limits.MemoryBytes);
        Assert.Equal(16, spec.Limits.Processes);
        Assert.Equal(64L << 10, spec.Limits.OutputBytes);
        Assert.Equal(8L << 20, spec.Limits.StackBytes);
        Assert.Equal(32, spec.Limits.OpenFiles);
        Assert.Equal(1.5, spec.Limits.CpuCores);
        Assert.Equal(1L << 30, spec.Limits.IoReadBytesPerSecond);
        Assert.Equal(2L << 20, spec.Limits.IoWriteBytesPerSecond);
        Assert.Equal(128L << 20, spec.Limits.TmpBytes);
        Assert.Equal(32L << 20, spec.Limits.BoxBytes);
        Assert.Equal(NetworkMode.Loopback, spec.Network);
        Assert.Equal("/srv/in", spec.StdinPath);
        Assert.Equal("/srv/out.txt", spec.StdoutPath);
        Assert.Equal("/srv/err.txt", spec.StderrPath);
        Assert.True(spec.RunAsRoot);
        Assert.Equal("judge", spec.Hostname);
        Assert.Equal("/srv/result.json", run.ResultPath);
        Assert.Equal(5, run.Repeat);
        Assert.True(run.Quiet);
    }

    [Fact]
    public void Defaults_match_the_spec_defaults_and_run_once_without_summary_table()
    {
        var run = ParseRun("/bin/true");
        var defaults = new SandboxSpec { Command = ["/bin/true"] };
        Assert.Equal(defaults.Limits, run.Spec.Limits);
        Assert.Equal(defaults.Environment, run.Spec.Environment);
        Assert.Equal(defaults.Cwd, run.Spec.Cwd);
        Assert.Equal(NetworkMode.None, run.Spec.Network);
        Assert.False(run.Spec.RunAsRoot);
        Assert.Null(run.Spec.WorkDir);
        Assert.Null(run.ResultPath);
        Assert.Null(run.Repeat);
        Assert.False(run.Quiet);
    }

    [Fact]
    public void Option_values_may_be_attached_with_an_equals_sign()
    {
        var run = ParseRun("--memory=64M", "--env=K=V=W", "--time=0.25", "/bin/true");
        Assert.Equal(64L << 20, run.Spec.Limits.MemoryBytes);
        Assert.Equal("V=W", run.Spec.Environment["K"]);
        Assert.Equal(TimeSpan.FromMilliseconds(250), run.Spec.Limits.CpuTime);
    }

    [Fact]
    public void Relative_host_paths_are_made_absolute_against_the_current_directory()
    {
        var run = ParseRun("--workdir", "box", "--bind", "data:/data", "--stdin", "in.txt", "--with", "lib", "--cwd", "/", "./a.out");
        var here = Directory.GetCurrentDirectory();
        Assert.Equal(Path.Combine(here, "box"), run.Spec.WorkDir);
        Assert.Equal(Path.Combine(here, "data"), run.Spec.Binds[0].Source);
        Assert.Equal(Path.Combine(here, "in.txt"), run.Spec.StdinPath);
        Assert.Equal([Path.Combine(here, "lib")], run.Spec.With);
        Assert.Equal(Path.Combine(here, "a.out"), run.Spec.Command[0]);
    }

    [Fact]
    public void With_a_work_dir_a_relative_program_from_a_working_directory_in_box_is_the_work_dirs()
    {
        Assert.Equal("./a.out", ParseRun("--workdir", "box", "./a.out").Spec.Command[0]);
        Assert.Equal("../a.out", ParseRun("--workdir", "box", "--cwd", "/box/sub", "../a.out").Spec.Command[0]);
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "a.out"), ParseRun("./a.out").Spec.Command[0]);
    }

    [Fact]
    public void Bare_command_names_are_left_for_the_sandbox_PATH() =>
        Assert.Equal(["python3", "-c", "print(1)"], ParseRun("python3", "-c", "print(1)").Spec.Command);

    [Fact]
    public void The_first_non_option_starts_the_command_and_later_options_belong_to_it() =>
        Assert.Equal(["/bin/ls", "--memory", "1", "--", "-l"], ParseRun("--time", "1", "/bin/ls", "--memory", "1", "--", "-l").Spec.Command);

    [Fact]
    public void Double_dash_lets_a_command_start_with_a_dash() =>
        Assert.Equal(["-weird", "x"], ParseRun("--time", "1", "--", "-weird", "x").Spec.Command);

    [Fact]
    public void Without_a_command_the_shell_runs_interactive_only_on_a_terminal()
    {
        Assert.Equal(["/bin/sh"], ParseRun().Spec.Command);
        Assert.Equal(["/bin/sh"], ParseRun("--").Spec.Command);
        var onTerminal = Assert.IsType<RunSandbox>(CommandLine.Parse(["run", "--time", "1"], stdinIsTerminal: true));
        Assert.Equal(["/bin/sh", "-i"], onTerminal.Spec.Command);
        var fromFile = Assert.IsType<RunSandbox>(CommandLine.Parse(["run", "--stdin", "/dev/null"], stdinIsTerminal: true));
        Assert.Equal(["/bin/sh"], fromFile.Spec.Command);
    }

    [Fact]
    public void Cpu_time_alone_gives_a_wall_time_of_twice_it_plus_one_second()
    {
        Assert.Equal(TimeSpan.FromSeconds(2), ParseRun("--time", "0.5", "/bin/true").Spec.Limits.WallTime);
        Assert.Equal(TimeSpan.FromSeconds(3), ParseRun("--time", "0.5", "--wall-time", "3", "/bin/true").Spec.Limits.WallTime);
        Assert.Null(ParseRun("/bin/true").Spec.Limits.WallTime);
    }

    [Fact]
    public void Cpu_time_alone_gets_the_wall_time_the_api_and_the_worker_give_it()
    {
        foreach (var seconds in new[] { "0.1", "0.7", "2", "20" })
        {
            var cpu = TimeSpan.FromSeconds(double.Parse(seconds, System.Globalization.CultureInfo.InvariantCulture));
            Assert.Equal(Judge.Data.Limits.WallTimeFor(cpu), ParseRun("--time", seconds, "/bin/true").Spec.Limits.WallTime);
        }
    }

    [Theory]
    [InlineData("4096", 4096L)]
    [InlineData("0", 0L)]
    [InlineData("1k", 1024L)]
    [InlineData("1K", 1024L)]
    [InlineData("3m", 3L << 20)]
    [InlineData("2G", 2L << 30)]
    [InlineData("8589934591G", 8589934591L << 30)]
    public void Sizes_take_binary_suffixes_in_any_case(string text, long bytes) =>
        Assert.Equal(bytes, ParseRun("--memory", text, "/bin/true").Spec.Limits.MemoryBytes);

    [Theory]
    [InlineData("2", 2000)]
    [InlineData("0.5", 500)]
    [InlineData(".25", 250)]
    [InlineData("1.", 1000)]
    [InlineData("0.001", 1)]
    public void Times_are_seconds_with_fractions(string text, int milliseconds) =>
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), ParseRun("--time", text, "/bin/true").Spec.Limits.CpuTime);

    [Theory]
    [InlineData("--memory", "12Q", "--memory: \"12Q\" is not a size (use e.g. 256M)")]
    [InlineData("--memory", "-1M", "--memory: \"-1M\" is not a size")]
    [InlineData("--memory", "1.5G", "--memory: \"1.5G\" is not a size")]
    [InlineData("--memory", "9999999999G", "--memory: \"9999999999G\" is too large")]
    [InlineData("--stack", "", "--stack: \"\" is not a size")]
    [InlineData("--time", "1s", "--time: \"1s\" is not a time in seconds (use e.g. 0.5)")]
    [InlineData("--time", "-1", "--time: \"-1\" is not a time in seconds")]
    [InlineData("--wall-time", "1e3", "--wall-time: \"1e3\" is not a time in seconds")]
    [InlineData("--processes", "ten", "--processes: \"ten\" is not a whole number")]
    [InlineData("--open-files", "99999999999", "--open-files: \"99999999999\" is not a whole number")]
    [InlineData("--repeat", "0", "--repeat: 0 is outside 1..100000")]
    [InlineData("--cpus", "one", "--cpus: \"one\" is not a number of cores")]
    [InlineData("--network", "host", "--network: \"host\" is neither none nor loopback")]
    [InlineData("--bind", "/srv", "--bind: \"/srv\" is not SRC:DST or SRC:DST:rw")]
    [InlineData("--bind", "/srv:/data:rx", "--bind: \"rx\" in \"/srv:/data:rx\" is neither rw nor ro")]
    [InlineData("--env", "NOVALUE", "--env: \"NOVALUE\" is not NAME=VALUE")]
    [InlineData("--env", "=x", "--env: \"=x\" is not NAME=VALUE")]
    public void A_bad_value_is_a_usage_error_naming_the_option(string option, string value, string message) =>
        Assert.StartsWith(message, UsageError("run", option, value, "/bin/true"));

    [Fact]
    public void An_unknown_option_is_a_usage_error() =>
        Assert.Equal("unknown option --memroy", UsageError("run", "--memroy", "1M", "/bin/true"));

    [Fact]
    public void A_missing_value_is_a_usage_error() =>
        Assert.Equal("--memory: needs a value (SIZE)", UsageError("run", "--memory"));

    [Fact]
    public void A_value_given_to_a_flag_is_a_usage_error() =>
        Assert.Equal("--as-root: takes no value", UsageError("run", "--as-root=yes", "/bin/true"));

    [Fact]
    public void A_single_valued_option_given_twice_is_a_usage_error() =>
        Assert.Equal("--time: given more than once", UsageError("run", "--time", "1", "--time", "2", "/bin/true"));

    [Fact]
    public void Subcommands_are_run_check_and_help()
    {
        Assert.IsType<CheckHost>(CommandLine.Parse(["check"]));
        Assert.IsType<ShowHelp>(CommandLine.Parse(["--help"]));
        Assert.IsType<ShowHelp>(CommandLine.Parse(["run", "--time", "1", "--help"]));
        Assert.Equal("missing command: run or check", UsageError());
        Assert.Equal("unknown command \"exec\": use run or check", UsageError("exec", "/bin/true"));
        Assert.Equal("check: unexpected argument \"--verbose\"", UsageError("check", "--verbose"));
    }

    [Fact]
    public void The_help_lists_every_option_with_its_value_and_groups()
    {
        var help = HelpText.Text;
        string[] issueOptions =
        [
            "--rootfs DIR", "--with PATH", "--bind SRC:DST[:rw]", "--workdir DIR", "--cwd DIR", "--env K=V", "--time SEC",
            "--wall-time SEC", "--memory SIZE", "--processes N", "--output-limit SIZE", "--stack SIZE", "--open-files N",
            "--io-read-bps SIZE", "--io-write-bps SIZE", "--tmp-size SIZE", "--box-size SIZE", "--network none|loopback", "--stdin FILE",
            "--stdout FILE", "--stderr FILE", "--result FILE", "--repeat N", "--as-root", "--hostname NAME", "--help",
        ];
        foreach (var usage in issueOptions)
            Assert.Contains($"\n  {usage} ", help);
        foreach (var option in CommandLine.Options)
            Assert.Contains($"\n  {option.Name}", help);
        foreach (var group in new[] { "Filesystem:", "Limits:", "Input and output:", "Other:", "Examples:" })
            Assert.Contains($"\n{group}\n", help);
    }

    [Fact]
    public void Option_values_may_also_be_attached_with_a_colon_as_system_commandline_reads_them()
    {
        var run = ParseRun("--memory:64M", "--bind:/srv:/data", "/bin/true");
        Assert.Equal(64L << 20, run.Spec.Limits.MemoryBytes);
        Assert.Equal([new BindMount("/srv", "/data")], run.Spec.Binds);
    }

    [Fact]
    public void An_empty_attached_value_is_the_value_and_leaves_the_next_argument_alone()
    {
        var run = ParseRun("--cwd=", "--quiet", "/bin/true");
        Assert.Equal("", run.Spec.Cwd);
        Assert.True(run.Quiet);
        Assert.Equal(["/bin/true"], run.Spec.Command);
        Assert.Equal("--stack: \"\" is not a size (use e.g. 256M)", UsageError("run", "--stack=", "/bin/true"));
    }

    [Theory]
    [InlineData("--as-root=yes")]
    [InlineData("--quiet:1")]
    [InlineData("--help=all")]
    public void A_flag_given_an_attached_value_is_a_usage_error_even_where_a_value_is_due(string flag)
    {
        var name = flag[..flag.IndexOfAny(['=', ':'])];
        Assert.Equal($"{name}: takes no value", UsageError("run", flag, "/bin/true"));
        Assert.Equal($"{name}: takes no value", UsageError("run", "--stdout", flag, "/bin/true"));
    }

    [Theory]
    [InlineData("--workdir")]
    [InlineData("--with")]
    [InlineData("--stdin")]
    [InlineData("--result")]
    public void An_empty_host_path_is_a_usage_error(string option) =>
        Assert.Equal($"{option}: \"\" is not a path", UsageError("run", option, "", "/bin/true"));

    [Fact]
    public void A_value_that_reads_as_an_option_with_its_value_or_as_double_dash_leaves_the_option_without_one()
    {
        Assert.Equal("--stdout: needs a value (FILE)", UsageError("run", "--stdout", "--", "/bin/true"));
        Assert.Equal("--env: needs a value (K=V)", UsageError("run", "--env", "A=1", "--env"));
        Assert.Equal("--stdin", ParseRun("--cwd", "--stdin", "/bin/true").Spec.Cwd); // a bare option name is still a value
    }

    [Fact]
    public void A_flag_given_twice_is_a_usage_error() =>
        Assert.Equal("--quiet: given more than once", UsageError("run", "--quiet", "--quiet", "/bin/true"));

    [Fact]
    public void At_signs_are_plain_arguments_not_response_files()
    {
        var run = ParseRun("--stdin", "@in", "@prog", "@arg");
        Assert.Equal(Path.Combine(Directory.GetCurrentDirectory(), "@in"), run.Spec.StdinPath);
        Assert.Equal(["@prog", "@arg"], run.Spec.Command);
    }

    [Fact]
    public void Help_before_the_command_wins_and_after_it_belongs_to_the_program()
    {
        Assert.IsType<ShowHelp>(CommandLine.Parse(["run", "--memory", "12Q", "-h"]));
        Assert.IsType<ShowHelp>(CommandLine.Parse(["-h"]));
        Assert.IsType<ShowHelp>(CommandLine.Parse(["help", "run"]));
        Assert.Equal(["/bin/ls", "--help"], ParseRun("/bin/ls", "--help").Spec.Command);
    }

    [Fact]
    public void The_librarys_own_version_option_help_aliases_and_directives_are_not_accepted()
    {
        Assert.Equal("unknown command \"--version\": use run or check", UsageError("--version"));
        Assert.Equal("unknown command \"[diagram]\": use run or check", UsageError("[diagram]", "run"));
        Assert.Equal("unknown command \"judge-sandbox\": use run or check", UsageError("judge-sandbox", "run"));
        Assert.Equal("unknown command \"-?\": use run or check", UsageError("-?"));
        Assert.Equal("unknown option -?", UsageError("run", "-?"));
        Assert.Equal("check: unexpected argument \"--help\"", UsageError("check", "--help"));
        Assert.Equal(["/h"], ParseRun("/h").Spec.Command);
    }
}
