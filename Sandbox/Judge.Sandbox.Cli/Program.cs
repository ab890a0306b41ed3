using Judge.Sandbox;
using Judge.Sandbox.Cli;

// Made on the first run only, so --help and check work on a host the runner cannot start on.
SandboxRunner? runner = null;
return SandboxCli.Execute(args, Console.Out, Console.Error, spec => (runner ??= new SandboxRunner()).Run(spec),
    stdinIsTerminal: !Console.IsInputRedirected);
