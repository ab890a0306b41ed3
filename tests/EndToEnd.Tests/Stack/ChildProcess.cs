using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Judge.EndToEnd;

/// <summary>A .NET program run as <c>dotnet app.dll</c>, its output going to the <see cref="StackLog"/>.</summary>
public sealed partial class ChildProcess
{
    private const int SIGTERM = 15;
    private static readonly TimeSpan GracefulStop = TimeSpan.FromSeconds(15);

    private readonly Process _process;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }
    public int Id => _process.Id;
    public bool HasExited => _process.HasExited;
    public int ExitCode => _process.ExitCode;

    public static ChildProcess Start(string name, string dll, IEnumerable<string> arguments, IReadOnlyDictionary<string, string> environment, StackLog log)
    {
        if (!File.Exists(dll))
            throw new FileNotFoundException($"{name}: {dll} is not built", dll);
        // The dotnet host that runs us (set by the SDK for test hosts and tools); a plain `dotnet` on PATH otherwise.
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            // Beside the dll, so a host that looks for appsettings.json in its working directory finds its own.
            WorkingDirectory = Path.GetDirectoryName(dll)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(dll);
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        foreach (var (key, value) in environment)
            start.Environment[key] = value;

        var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) log.Write(name, e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) log.Write($"{name}!", e.Data); };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        log.Write("stack", $"started {name} (pid {process.Id}): {start.FileName} {string.Join(' ', start.ArgumentList)}");
        return new ChildProcess(name, process);
    }

    /// <summary>SIGTERM, so the host shuts down as it would in production; killed (with anything it started) if it is not gone in time.</summary>
    /// <summary>Polls <paramref name="condition"/> until it holds; fails at once if the process exits meanwhile. A condition that
    /// cannot be asked yet (the process is not listening, or has not made its tables) counts as not holding.</summary>
    public async Task WaitUntilAsync(TimeSpan timeout, string what, Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            if (HasExited)
                throw new InvalidOperationException($"{Name} exited with code {ExitCode} while waiting for {what}");
            try
            {
                if (await condition())
                    return;
            }
            catch (Exception e) when (e is HttpRequestException or Npgsql.NpgsqlException)
            {
                // Not listening yet, or the tables are not there yet.
            }
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"gave up waiting {timeout.TotalSeconds} s for {what}");
            await Task.Delay(200);
        }
    }

    public async Task StopAsync(StackLog log)
    {
        if (_process.HasExited)
            return;
        kill(_process.Id, SIGTERM);
        using var timeout = new CancellationTokenSource(GracefulStop);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
            log.Write("stack", $"{Name} stopped, exit code {_process.ExitCode}");
        }
        catch (OperationCanceledException)
        {
            log.Write("stack", $"{Name} did not stop within {GracefulStop.TotalSeconds} s of SIGTERM; killing it");
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
