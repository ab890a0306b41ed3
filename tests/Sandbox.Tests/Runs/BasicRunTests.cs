namespace Judge.Sandbox.Tests.Runs;

[Collection(SandboxCollection.Name)]
public sealed class BasicRunTests(SandboxFixture sandbox)
{
    [Fact]
    public void True_exits_ok_with_measurements()
    {
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/true"] });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal(0, result.ExitCode);
        Assert.Null(result.Signal);
    }

    [Fact]
    public void Non_zero_exit_is_a_runtime_error_with_its_code()
    {
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/sh", "-c", "exit 7"] });

        ResultAssert.Status(SandboxStatus.RuntimeError, result);
        Assert.Equal(7, result.ExitCode);
    }

    [Fact]
    public void Command_can_be_a_program_that_exists_only_behind_a_bind()
    {
        string program = sandbox.CompileC("int main(void) { return 42; }");
        string dir = Path.GetDirectoryName(program)!;

        SandboxResult result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/prog/main"],
            Binds = [new BindMount(dir, "/prog")],
        });

        ResultAssert.Status(SandboxStatus.RuntimeError, result);
        Assert.Equal(42, result.ExitCode);
    }

    [Fact]
    public void A_failing_setup_step_is_a_setup_error_naming_the_step_and_the_reason()
    {
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec { Command = ["/bin/true"], Cwd = "/no/such/dir" });

        ResultAssert.Status(SandboxStatus.SetupError, result);
        Assert.Equal("chdir to working directory: No such file or directory", result.Message);
    }
}
