using Judge.Data;
using Judge.Sandbox;
using Judge.Worker.Languages;

namespace Judge.Worker.Judging;

/// <summary>A package's input validator: the same compiled program as an output validator, run on a test's input.</summary>
public sealed partial class KattisValidatorRun
{
    /// <summary>What an input validator said of one input: valid (exit 42), or not, with what it wrote; or a failure of
    /// ours (the sandbox could not run it), which says nothing of the input.</summary>
    public sealed record InputVerdict(bool Valid, string? Message, string? Failure = null);

    /// <summary>Runs the validator as <c>validator [arguments] &lt; input</c> in a fresh sandbox with the checker limits. Exit 42 is
    /// valid; any other exit, a signal or a limit is invalid, with the validator's stderr (else its stdout) as the reason.</summary>
    public async Task<InputVerdict> ValidateInputAsync(JuryFiles input, IReadOnlyList<string> arguments, CancellationToken cancellationToken)
    {
        var limits = options.CheckerLimits;
        using var run = await sandbox.RunAsync(input.WithStdin(new SandboxSpec
        {
            Command = language.RunCommand(limits.MemoryBytes, arguments),
            With = language.RunWith,
            WorkDir = null, // a fresh, empty /box
            Binds = [new BindMount(program.HostPath, Language.ProgramDirectory)],
            Environment = SubmissionJudge.EnvironmentFor(language),
            Limits = limits.ToSandbox(language.RunMemoryOverheadBytes, language.MinRunProcesses, language.RunOpenFiles),
            CaptureOutput = true,
        }), cancellationToken);
        if (run is { Status: SandboxStatus.RuntimeError, ExitCode: InputValidators.Valid })
            return new InputVerdict(true, null);
        if (run.Status == SandboxStatus.SetupError)
            return new InputVerdict(false, null, $"the sandbox could not run the input validator {validator.Name}: {run.Message}");
        var said = Said(run.Stderr) ?? Said(run.Stdout);
        var how = run.Status == SandboxStatus.Ok ? "exited with code 0" : run.Message;
        return new InputVerdict(false, $"{how}; exit 42 means valid" + (said is null ? "" : $": {said}"));
    }

    private string? Said(CapturedOutput? output)
    {
        var text = StoredText.Decode(SubmissionJudge.Start(output, options.CheckerMessageBytes, out var cut), options.CheckerMessageBytes, cut).Text.Trim();
        return text.Length == 0 ? null : text;
    }
}
