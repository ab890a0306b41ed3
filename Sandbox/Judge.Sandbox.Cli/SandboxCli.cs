namespace Judge.Sandbox.Cli;

/// <summary>The judge-sandbox command: parse, refuse bad input, then run or check. Output goes to the given writers so tests can read it.</summary>
internal static class SandboxCli
{
    /// <param name="run">Runs one spec in a fresh sandbox (normally <see cref="SandboxRunner.Run"/>).</param>
    public static int Execute(IReadOnlyList<string> args, TextWriter output, TextWriter error, Func<SandboxSpec, SandboxResult> run, bool stdinIsTerminal = false)
    {
        try
        {
            return CommandLine.Parse(args, stdinIsTerminal) switch
            {
                ShowHelp => Help(output),
                CheckHost => Check(output),
                RunSandbox request => Run(request, error, run),
                var other => throw new InvalidOperationException($"unhandled command {other}"),
            };
        }
        catch (UsageException e)
        {
            error.WriteLine($"judge-sandbox: {e.Message}");
            error.WriteLine("Try 'judge-sandbox --help'.");
            return ExitCodes.Usage;
        }
        catch (SandboxSpecException e)
        {
            error.WriteLine($"judge-sandbox: {e.Message}");
            return ExitCodes.Usage;
        }
    }

    static int Help(TextWriter output)
    {
        output.Write(HelpText.Text);
        return ExitCodes.Ok;
    }

    static int Check(TextWriter output)
    {
        var items = HostCheck.Run();
        foreach (var item in items)
        {
            var state = item.Ok ? "ok" : item.Required ? "missing" : "missing (optional)";
            output.WriteLine($"{state,-19}{item.Name}: {item.Detail}");
            if (!item.Ok && item.Fix is not null)
                output.WriteLine($"{"",-19}fix: {item.Fix}");
        }
        return items.All(i => i.Ok || !i.Required) ? ExitCodes.Ok : ExitCodes.RunNotOk;
    }

    static int Run(RunSandbox request, TextWriter error, Func<SandboxSpec, SandboxResult> run)
    {
        // Everything that can be refused is refused before the first run starts.
        SpecValidator.Validate(request.Spec);
        if (request.ResultPath is { } resultPath && !Directory.Exists(Path.GetDirectoryName(resultPath)))
            throw new UsageException($"--result: the directory of \"{resultPath}\" does not exist");

        var results = new List<SandboxResult>();
        for (var i = 0; i < (request.Repeat ?? 1); i++)
            results.Add(run(request.Spec));

        var summary = request.Repeat is null ? null : RepeatSummary.Of(results);
        if (!request.Quiet)
        {
            var lines = summary is null ? [Report.SummaryLine(results[^1])] : Report.RepeatTable(summary);
            foreach (var line in lines)
                error.WriteLine(line);
        }
        if (request.ResultPath is { } path)
            File.WriteAllText(path, ResultJson.Serialize(ResultDocument.From(results[^1], summary)) + "\n");
        return ExitCodes.For(results);
    }
}
