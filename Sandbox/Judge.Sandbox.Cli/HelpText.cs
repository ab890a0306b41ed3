using System.Text;

namespace Judge.Sandbox.Cli;

/// <summary>
/// The whole --help text. Option lines come from <see cref="CommandLine.Options"/>, so every option is documented where
/// it is defined. Written here rather than by System.CommandLine's help action: its layout has no option groups and
/// no place for the value syntax, exit statuses and result fields below, and this text is what users already know.
/// </summary>
internal static class HelpText
{
    const string Header = """
        judge-sandbox: run a command in a fresh sandbox (own namespaces, minimal read-only root,
        cgroup limits) and report how it ended.

        Usage:
          judge-sandbox run [OPTIONS] [--] [COMMAND [ARG...]]
          judge-sandbox check          what this host supports, and how to fix what is missing
          judge-sandbox --help

        COMMAND is an absolute path, a path relative to here, or a name looked up on the sandbox's
        PATH; the image holds it with its libraries at the same path. With --workdir, a path in /box
        (/box/prog, or ./prog when --cwd is in /box) runs the work dir's file. Host paths under /tmp
        are refused: the sandbox has a /tmp of its own (bind them elsewhere). The first argument that is not
        an option, or "--", starts it. Without COMMAND, run starts /bin/sh (interactive on a terminal).
        Options take their value as "--memory 256M" or "--memory=256M".
        """;

    const string Footer = """
        SIZE is bytes, or a whole number with K, M or G (powers of 1024, any case): 4096, 64k, 256M.
        SEC is seconds, fractions allowed: 2, 0.5.

        Exit status: 0 the run's status was ok; 1 it ended otherwise (limit, non-zero exit, signal);
        2 usage error or refused spec (nothing ran); 3 the sandbox could not be set up.
        With --repeat the worst run decides.

        Result JSON (--result): {"status", "exitCode", "signal", "cpuTimeMs", "wallTimeMs",
        "peakMemoryBytes", "message"}; status is one of ok, runtime-error, signaled, time-limit,
        wall-time-limit, memory-limit, output-limit, setup-error. With --repeat it is the last run's,
        plus "repeat": {"runs", "wallTimeMs", "cpuTimeMs", "peakMemoryBytes" (each {"min", "median",
        "max"}), "statuses": {status: count}}.

        Examples:
          judge-sandbox run --time 1 --memory 256M --stdin in.txt --stdout out.txt -- ./solution
          judge-sandbox run --repeat 100 --quiet --result bench.json -- /bin/true
          judge-sandbox check
        """;

    public static string Text { get; } = Build();

    static string Build()
    {
        var text = new StringBuilder(Header).Append('\n');
        foreach (var group in CommandLine.Options.GroupBy(o => o.Group))
        {
            text.Append('\n').Append(group.Key).Append(":\n");
            foreach (var option in group)
            {
                var usage = option.Option.HelpName is { } value ? $"{option.Name} {value}" : option.Name;
                text.Append($"  {usage,-24} {option.Option.Description}\n");
            }
        }
        return text.Append('\n').Append(Footer).Append('\n').ToString();
    }
}
