namespace Judge.Sandbox.Tests.Cli;

public sealed class SpecValidatorTests : IDisposable
{
    // Not under /tmp: the validator refuses programs there (the sandbox has a /tmp of its own).
    readonly string _temp = Directory.CreateDirectory($"/var/tmp/spec-validator-{Guid.NewGuid():N}").FullName;

    public void Dispose() => Directory.Delete(_temp, recursive: true);

    static readonly SandboxSpec Valid = new() { Command = ["/bin/true"] };

    static void AssertRefused(SandboxSpec spec, string field, string reason)
    {
        var e = Assert.Throws<SandboxSpecException>(() => SpecValidator.Validate(spec));
        Assert.StartsWith(field + ": ", e.Message);
        Assert.Contains(reason, e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    static SandboxSpec WithLimits(SandboxLimits limits) => Valid with { Limits = limits };

    [Fact]
    public void A_plain_command_with_defaults_is_accepted()
    {
        SpecValidator.Validate(Valid);
        SpecValidator.Validate(Valid with { Command = ["sh", "-c", "exit 0"] });
    }

    [Fact]
    public void A_spec_using_every_field_sensibly_is_accepted()
    {
        var input = Path.Combine(_temp, "in.txt");
        File.WriteAllText(input, "1 2\n");
        SpecValidator.Validate(Valid with
        {
            With = ["/etc/hostname"],
            Binds = [new BindMount(_temp, "/data"), new BindMount("/etc/hosts", "/box/hosts", Writable: true)],
            WorkDir = _temp,
            Cwd = "/data",
            Environment = new Dictionary<string, string> { ["PATH"] = "/bin", ["EMPTY"] = "" },
            Limits = new SandboxLimits
            {
                CpuTime = TimeSpan.FromSeconds(0.5),
                WallTime = TimeSpan.FromMilliseconds(1),
                MemoryBytes = 256L << 20,
                Processes = 16,
                OutputBytes = 1 << 20,
                StackBytes = 8 << 20,
                OpenFiles = 64,
                IoReadBytesPerSecond = 1 << 20,
                IoWriteBytesPerSecond = 1 << 20,
                TmpBytes = 4 << 10,
                CpuCores = 1,
            },
            StdinPath = input,
            StdoutPath = Path.Combine(_temp, "out.txt"),
            StderrPath = Path.Combine(_temp, "err.txt"),
            Hostname = "judge-1.example",
        });
    }

    [Fact]
    public void An_empty_command_is_refused() =>
        AssertRefused(Valid with { Command = [] }, "Command", "is empty");

    [Fact]
    public void An_empty_program_name_is_refused() =>
        AssertRefused(Valid with { Command = [""] }, "Command[0]", "is empty");

    [Fact]
    public void A_program_missing_from_PATH_is_refused_naming_the_PATH_searched()
    {
        AssertRefused(Valid with { Command = ["no-such-program-anywhere"] }, "Command[0]", "not found on PATH (/usr/local/bin:/usr/bin:/bin)");
        AssertRefused(Valid with { Command = ["true"], Environment = new Dictionary<string, string> { ["PATH"] = _temp } }, "Command[0]", "not found on PATH");
    }

    [Fact]
    public void An_absolute_program_that_does_not_exist_or_is_not_executable_is_refused()
    {
        AssertRefused(Valid with { Command = ["/no/such/program"] }, "Command[0]", "does not exist");
        var text = Path.Combine(_temp, "notes.txt");
        File.WriteAllText(text, "not a program");
        File.SetUnixFileMode(text, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead);
        AssertRefused(Valid with { Command = [text] }, "Command[0]", "is not executable");
        AssertRefused(Valid with { Command = ["/bin"] }, "Command[0]", "is a directory");
    }

    [Fact]
    public void A_relative_program_path_is_refused() =>
        AssertRefused(Valid with { Command = ["./a.out"] }, "Command[0]", "must be an absolute path, a bare name found on PATH, or a path in the work dir");

    [Fact]
    public void A_program_or_image_path_under_tmp_is_refused_because_the_sandbox_has_its_own_tmp()
    {
        AssertRefused(Valid with { Command = ["/tmp/a.out"] }, "Command[0]", "is under /tmp, which the sandbox replaces with a fresh tmpfs");
        AssertRefused(Valid with { With = ["/tmp/lib"] }, "With[0]", "is under /tmp, which the sandbox replaces with a fresh tmpfs");
    }

    [Fact]
    public void A_program_in_the_work_dir_is_looked_for_there_and_a_missing_one_is_refused_naming_the_host_path()
    {
        SpecValidator.Validate(Valid with { WorkDir = "/bin", Command = ["/box/true"] });
        SpecValidator.Validate(Valid with { WorkDir = "/bin", Cwd = "/box", Command = ["./true"] });
        AssertRefused(Valid with { WorkDir = "/bin", Command = ["/box/no-such-program"] }, "Command[0]",
            "\"/box/no-such-program\" is in the work dir, but \"/bin/no-such-program\" does not exist");
    }

    [Fact]
    public void With_a_rootfs_the_program_is_not_looked_up_on_the_host() =>
        SpecValidator.Validate(Valid with { Command = ["/only/in/the/rootfs"], RootfsDir = _temp });

    [Fact]
    public void A_NUL_in_an_argument_is_refused() =>
        AssertRefused(Valid with { Command = ["/bin/true", "a\0b"] }, "Command[1]", "NUL");

    [Fact]
    public void Cpu_and_wall_time_must_be_positive_and_at_most_a_day()
    {
        AssertRefused(WithLimits(new() { CpuTime = TimeSpan.Zero }), "Limits.CpuTime", "must be positive");
        AssertRefused(WithLimits(new() { CpuTime = TimeSpan.FromSeconds(-1) }), "Limits.CpuTime", "must be positive");
        AssertRefused(WithLimits(new() { CpuTime = TimeSpan.FromDays(2) }), "Limits.CpuTime", "more than a day");
        AssertRefused(WithLimits(new() { WallTime = TimeSpan.Zero }), "Limits.WallTime", "must be positive");
        AssertRefused(WithLimits(new() { WallTime = TimeSpan.FromDays(2) }), "Limits.WallTime", "more than a day");
    }

    [Fact]
    public void Wall_time_may_be_shorter_than_cpu_time() =>
        SpecValidator.Validate(WithLimits(new() { CpuTime = TimeSpan.FromSeconds(2), WallTime = TimeSpan.FromSeconds(1) }));

    [Fact]
    public void Memory_below_a_MiB_or_above_the_host_RAM_is_refused()
    {
        AssertRefused(WithLimits(new() { MemoryBytes = 0 }), "Limits.MemoryBytes", "below the minimum of 1 MiB");
        AssertRefused(WithLimits(new() { MemoryBytes = (1 << 20) - 1 }), "Limits.MemoryBytes", "below the minimum");
        AssertRefused(WithLimits(new() { MemoryBytes = 1L << 60 }), "Limits.MemoryBytes", "more than this host's memory");
        SpecValidator.Validate(WithLimits(new() { MemoryBytes = 1 << 20 }));
    }

    [Fact]
    public void Processes_outside_one_to_a_hundred_thousand_are_refused()
    {
        AssertRefused(WithLimits(new() { Processes = 0 }), "Limits.Processes", "outside 1..100000");
        AssertRefused(WithLimits(new() { Processes = 100_001 }), "Limits.Processes", "outside 1..100000");
        SpecValidator.Validate(WithLimits(new() { Processes = 1 }));
    }

    [Fact]
    public void Open_files_below_three_or_above_the_kernel_maximum_are_refused()
    {
        AssertRefused(WithLimits(new() { OpenFiles = 2 }), "Limits.OpenFiles", "outside 3..");
        AssertRefused(WithLimits(new() { OpenFiles = int.MaxValue }), "Limits.OpenFiles", "outside 3..");
        SpecValidator.Validate(WithLimits(new() { OpenFiles = 3 }));
    }

    [Fact]
    public void Zero_or_negative_sizes_are_refused()
    {
        AssertRefused(WithLimits(new() { OutputBytes = 0 }), "Limits.OutputBytes", "at least 1 byte");
        AssertRefused(WithLimits(new() { FileSizeBytes = 0 }), "Limits.FileSizeBytes", "at least 1 byte");
        AssertRefused(WithLimits(new() { OutputBytes = 2 << 20, FileSizeBytes = 1 << 20 }), "Limits.FileSizeBytes", "at least Limits.OutputBytes");
        AssertRefused(WithLimits(new() { StackBytes = 4096 }), "Limits.StackBytes", "below the minimum of 64 KiB");
        AssertRefused(WithLimits(new() { IoReadBytesPerSecond = 0 }), "Limits.IoReadBytesPerSecond", "must be positive");
        AssertRefused(WithLimits(new() { IoWriteBytesPerSecond = -5 }), "Limits.IoWriteBytesPerSecond", "must be positive");
    }

    [Fact]
    public void Tmp_smaller_than_4_KiB_or_larger_than_the_host_RAM_is_refused()
    {
        AssertRefused(WithLimits(new() { TmpBytes = 4095 }), "Limits.TmpBytes", "below the minimum of 4 KiB");
        AssertRefused(WithLimits(new() { TmpBytes = 1L << 60 }), "Limits.TmpBytes", "more than this host's memory");
    }

    [Fact]
    public void Cpu_cores_must_lie_between_the_smallest_quota_and_the_host_cores()
    {
        AssertRefused(WithLimits(new() { CpuCores = 0 }), "Limits.CpuCores", "outside 0.01..");
        AssertRefused(WithLimits(new() { CpuCores = Environment.ProcessorCount + 1 }), "Limits.CpuCores", "this host's cores");
        AssertRefused(WithLimits(new() { CpuCores = double.NaN }), "Limits.CpuCores", "outside");
    }

    [Fact]
    public void A_missing_rootfs_or_one_that_is_a_file_is_refused()
    {
        AssertRefused(Valid with { RootfsDir = Path.Combine(_temp, "missing") }, "RootfsDir", "does not exist");
        AssertRefused(Valid with { RootfsDir = "/etc/hostname" }, "RootfsDir", "is not a directory");
    }

    [Fact]
    public void A_missing_workdir_is_refused() =>
        AssertRefused(Valid with { WorkDir = Path.Combine(_temp, "missing") }, "WorkDir", "does not exist");

    [Fact]
    public void A_with_path_must_be_absolute_and_exist()
    {
        AssertRefused(Valid with { With = ["etc/hostname"] }, "With[0]", "must be absolute");
        AssertRefused(Valid with { With = ["/etc/hostname", "/no/such/file"] }, "With[1]", "does not exist");
    }

    [Fact]
    public void A_bind_source_that_does_not_exist_is_refused() =>
        AssertRefused(Valid with { Binds = [new BindMount(Path.Combine(_temp, "missing"), "/data")] }, "Binds[0].Source", "does not exist");

    [Theory]
    [InlineData("data")]
    [InlineData("/data/../etc")]
    [InlineData("/data/./x")]
    [InlineData("/data//x")]
    [InlineData("/data/")]
    public void A_bind_target_must_be_absolute_and_normalized(string target) =>
        AssertRefused(Valid with { Binds = [new BindMount(_temp, target)] }, "Binds[0].Target", target.StartsWith('/') ? "must be normalized" : "must be absolute");

    [Theory]
    [InlineData("/")]
    [InlineData("/proc")]
    [InlineData("/proc/sys")]
    [InlineData("/dev")]
    [InlineData("/dev/null")]
    [InlineData("/tmp")]
    [InlineData("/box")]
    public void A_bind_onto_a_path_the_sandbox_provides_is_refused(string target) =>
        AssertRefused(Valid with { Binds = [new BindMount(_temp, target)] }, "Binds[0].Target", "provided by the sandbox itself");

    [Theory]
    [InlineData("/box/data")]
    [InlineData("/tmp/data")]
    [InlineData("/procfs")]
    [InlineData("/opt/data")]
    public void A_bind_under_box_or_tmp_or_elsewhere_is_accepted(string target) =>
        SpecValidator.Validate(Valid with { Binds = [new BindMount(_temp, target)] });

    [Fact]
    public void Two_binds_onto_the_same_target_are_refused() =>
        AssertRefused(Valid with { Binds = [new BindMount(_temp, "/data"), new BindMount("/etc", "/data")] }, "Binds[1].Target", "already the target");

    [Fact]
    public void The_working_directory_must_be_absolute_and_normalized()
    {
        AssertRefused(Valid with { Cwd = "box" }, "Cwd", "must be absolute");
        AssertRefused(Valid with { Cwd = "/box/.." }, "Cwd", "must be normalized");
    }

    [Fact]
    public void Environment_names_must_be_non_empty_without_equals_or_NUL()
    {
        AssertRefused(Valid with { Environment = new Dictionary<string, string> { [""] = "x" } }, "Environment", "empty variable name");
        AssertRefused(Valid with { Environment = new Dictionary<string, string> { ["A=B"] = "x" } }, "Environment[A=B]", "must not contain '='");
        AssertRefused(Valid with { Environment = new Dictionary<string, string> { ["A\0B"] = "x" } }, "Environment[A\\0B]", "NUL");
        AssertRefused(Valid with { Environment = new Dictionary<string, string> { ["A"] = "x\0y" } }, "Environment[A]", "NUL");
    }

    [Theory]
    [InlineData("")]
    [InlineData("-leading")]
    [InlineData("trailing-")]
    [InlineData("under_score")]
    [InlineData("a..b")]
    [InlineData("white space")]
    public void An_invalid_hostname_is_refused(string hostname) =>
        AssertRefused(Valid with { Hostname = hostname }, "Hostname", $"\"{hostname}\"");

    [Fact]
    public void A_hostname_longer_than_64_characters_is_refused() =>
        AssertRefused(Valid with { Hostname = new string('a', 65) }, "Hostname", "1 to 64 characters");

    [Fact]
    public void A_missing_stdin_file_is_refused()
    {
        AssertRefused(Valid with { StdinPath = Path.Combine(_temp, "missing") }, "StdinPath", "does not exist");
        AssertRefused(Valid with { StdinPath = _temp }, "StdinPath", "is a directory");
    }

    [Fact]
    public void Stdout_and_stderr_need_an_existing_directory()
    {
        AssertRefused(Valid with { StdoutPath = Path.Combine(_temp, "missing", "out") }, "StdoutPath", "does not exist");
        AssertRefused(Valid with { StderrPath = _temp }, "StderrPath", "is a directory");
    }
}
