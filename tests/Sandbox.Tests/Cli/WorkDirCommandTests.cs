using Judge.Sandbox.Cli;

namespace Judge.Sandbox.Tests.Cli;

/// <summary>The CLI with the real runner, as isolate users call it: a program in the work dir, named by its path inside.</summary>
[Collection(SandboxCollection.Name)]
public sealed class WorkDirCommandTests(SandboxFixture sandbox)
{
    private const string Hello = "#include <stdio.h>\nint main(void) { puts(\"hello from the work dir\"); return 0; }\n";

    private readonly StringWriter _output = new(), _error = new();

    private int Execute(params string[] args) => SandboxCli.Execute(args, _output, _error, sandbox.Runner.Run);

    /// <summary>A work dir holding <c>prog</c>, a static binary the sandbox user may run; stdout goes to <c>out</c> beside it.</summary>
    private (string WorkDir, string Stdout) WorkDirWithProgram()
    {
        string workDir = sandbox.NewDirectory(), stdout = Path.Combine(sandbox.NewDirectory(), "out");
        File.Copy(sandbox.CompileC(Hello), Path.Combine(workDir, "prog"));
        return (workDir, stdout);
    }

    [Fact]
    public void A_box_path_runs_the_program_in_the_work_dir()
    {
        var (workDir, stdout) = WorkDirWithProgram();

        int status = Execute("run", "--quiet", "--workdir", workDir, "--stdout", stdout, "--", "/box/prog");

        Assert.True(status == 0, _error.ToString());
        Assert.Equal("hello from the work dir\n", File.ReadAllText(stdout));
    }

    [Fact]
    public void A_relative_path_from_a_working_directory_in_box_runs_the_program_in_the_work_dir()
    {
        var (workDir, stdout) = WorkDirWithProgram();

        int status = Execute("run", "--quiet", "--workdir", workDir, "--cwd", "/box", "--stdout", stdout, "--", "./prog");

        Assert.True(status == 0, _error.ToString());
        Assert.Equal("hello from the work dir\n", File.ReadAllText(stdout));
    }

    [Fact]
    public void A_box_path_missing_from_the_work_dir_is_refused_naming_where_it_was_looked_for()
    {
        var (workDir, _) = WorkDirWithProgram();

        int status = Execute("run", "--workdir", workDir, "--", "/box/missing");

        Assert.Equal(2, status);
        Assert.Contains($"\"/box/missing\" is in the work dir, but \"{Path.Combine(workDir, "missing")}\" does not exist", _error.ToString());
    }

    [Fact]
    public void A_host_program_under_tmp_is_refused_with_the_reason_and_runs_once_bound_elsewhere()
    {
        string directory = Directory.CreateTempSubdirectory("judge-cli-tmp-").FullName;
        try
        {
            File.Copy(sandbox.CompileC(Hello), Path.Combine(directory, "prog"));
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
            string stdout = Path.Combine(sandbox.NewDirectory(), "out");

            Assert.Equal(2, Execute("run", "--", Path.Combine(directory, "prog")));
            Assert.Contains("is under /tmp, which the sandbox replaces with a fresh tmpfs of its own", _error.ToString());

            int status = Execute("run", "--quiet", "--bind", $"{directory}:/data", "--stdout", stdout, "--", "/data/prog");
            Assert.True(status == 0, _error.ToString());
            Assert.Equal("hello from the work dir\n", File.ReadAllText(stdout));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
