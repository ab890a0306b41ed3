using System.Diagnostics;
using Judge.EndToEnd;

namespace Judge.Faults.Tests.Stack;

/// <summary>
/// A RabbitMQ node of the test's own: its own node name, AMQP and distribution ports, database and logs in a
/// temporary directory (the way scripts/services.sh starts the shared one, which this one never touches), so
/// that it can be stopped and started again. No plugins: the test uses its default virtual host, and a node
/// without the management plugin boots faster.
/// </summary>
public sealed class PrivateRabbitMq : IAsyncDisposable
{
    private const string Server = "/usr/lib/rabbitmq/bin/rabbitmq-server"; // the real script; /usr/sbin wraps it in `su rabbitmq`
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(120);

    private readonly string _directory;
    private readonly Dictionary<string, string> _environment;
    private readonly StackLog _log;
    private Process? _launcher;

    private PrivateRabbitMq(string directory, int port, StackLog log)
    {
        _directory = directory;
        _log = log;
        Port = port;
        _environment = new Dictionary<string, string>
        {
            // The Erlang cookie is read from $HOME/.erlang.cookie.
            ["HOME"] = directory,
            ["RABBITMQ_NODENAME"] = $"judge-faults-{Guid.NewGuid():N}@localhost",
            ["RABBITMQ_USE_LONGNAME"] = "false",
            ["RABBITMQ_CONF_ENV_FILE"] = Path.Combine(directory, "rabbitmq-env.conf"),
            ["RABBITMQ_CONFIG_FILE"] = Path.Combine(directory, "rabbitmq.conf"),
            ["RABBITMQ_ADVANCED_CONFIG_FILE"] = Path.Combine(directory, "advanced.config"),
            ["RABBITMQ_ENABLED_PLUGINS_FILE"] = Path.Combine(directory, "enabled_plugins"),
            ["RABBITMQ_MNESIA_BASE"] = Path.Combine(directory, "mnesia"),
            ["RABBITMQ_LOG_BASE"] = Path.Combine(directory, "log"),
            ["RABBITMQ_PID_FILE"] = Path.Combine(directory, "node.pid"),
            ["RABBITMQ_DIST_PORT"] = Ports.Free().ToString(),
            ["RABBITMQ_SERVER_ADDITIONAL_ERL_ARGS"] = "-kernel inet_dist_use_interface {127,0,0,1}",
            ["ERL_EPMD_ADDRESS"] = "127.0.0.1",
        };
    }

    public int Port { get; }

    /// <summary>The Erlang VM's pid, from the pid file the node writes when it boots (null while it is not running).</summary>
    public int? Pid
    {
        get
        {
            var file = _environment["RABBITMQ_PID_FILE"];
            return File.Exists(file) && int.TryParse(File.ReadAllText(file).Trim(), out var pid) && Signals.IsAlive(pid) ? pid : null;
        }
    }

    /// <summary>The settings the Api and the Worker read to reach this node (its default virtual host).</summary>
    public IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>
    {
        ["RabbitMq__Host"] = "127.0.0.1",
        ["RabbitMq__Port"] = Port.ToString(),
        ["RabbitMq__VirtualHost"] = "/",
        ["RabbitMq__Username"] = "judge",
        ["RabbitMq__Password"] = "judge",
    };

    public static async Task<PrivateRabbitMq> StartAsync(string directory, StackLog log)
    {
        if (!File.Exists(Server))
            throw new InvalidOperationException($"RabbitMQ is not installed ({Server} is missing): run `scripts/services.sh start` once");
        Directory.CreateDirectory(Path.Combine(directory, "mnesia"));
        Directory.CreateDirectory(Path.Combine(directory, "log"));
        var node = new PrivateRabbitMq(directory, Ports.Free(), log);
        // Present and empty, so that /etc/rabbitmq's files are not read instead.
        await File.WriteAllTextAsync(node._environment["RABBITMQ_CONF_ENV_FILE"], "");
        await File.WriteAllTextAsync(node._environment["RABBITMQ_ENABLED_PLUGINS_FILE"], "[].\n");
        await File.WriteAllTextAsync(node._environment["RABBITMQ_CONFIG_FILE"], $"""
            listeners.tcp.1 = 127.0.0.1:{node.Port}
            default_vhost = /
            default_user = judge
            default_pass = judge
            default_permissions.configure = .*
            default_permissions.read = .*
            default_permissions.write = .*
            loopback_users.guest = true
            log.console = false
            log.file.level = warning

            """);
        var cookie = Path.Combine(directory, ".erlang.cookie");
        await File.WriteAllTextAsync(cookie, Guid.NewGuid().ToString("N"));
        File.SetUnixFileMode(cookie, UnixFileMode.UserRead);
        await node.StartAgainAsync();
        return node;
    }

    /// <summary>Starts the (stopped) node on its existing database and waits until it takes AMQP connections.</summary>
    public async Task StartAgainAsync()
    {
        File.Delete(_environment["RABBITMQ_PID_FILE"]);
        var start = new ProcessStartInfo(Server) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _directory };
        foreach (var (key, value) in _environment)
            start.Environment[key] = value;
        _launcher = Process.Start(start)!;
        _launcher.OutputDataReceived += (_, e) => { if (e.Data is not null) _log.Write("rabbitmq", e.Data); };
        _launcher.ErrorDataReceived += (_, e) => { if (e.Data is not null) _log.Write("rabbitmq!", e.Data); };
        _launcher.BeginOutputReadLine();
        _launcher.BeginErrorReadLine();
        _log.Write("stack", $"started RabbitMQ {_environment["RABBITMQ_NODENAME"]} on port {Port} (launcher pid {_launcher.Id})");

        var deadline = DateTime.UtcNow + StartTimeout;
        while (Pid is null || !await Ports.AnswersAsync(Port))
        {
            if (_launcher.HasExited)
                throw new InvalidOperationException($"RabbitMQ exited with {_launcher.ExitCode} while starting; logs in {_directory}/log");
            if (DateTime.UtcNow > deadline)
                throw new TimeoutException($"RabbitMQ did not open port {Port} within {StartTimeout.TotalSeconds} s; logs in {_directory}/log");
            await Task.Delay(200);
        }
        _log.Write("stack", $"RabbitMQ answers on port {Port} (pid {Pid})");
    }

    /// <summary>SIGTERM to the Erlang VM (a clean node shutdown: durable queues and persistent messages stay), waited for.</summary>
    public async Task StopAsync()
    {
        var pid = Pid ?? throw new InvalidOperationException("RabbitMQ is not running");
        Signals.Send(pid, Signals.SIGTERM);
        if (!await Signals.WaitForExitAsync(pid, TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"RabbitMQ (pid {pid}) did not stop within 60 s of SIGTERM");
        if (_launcher is not null)
            await _launcher.WaitForExitAsync();
        _log.Write("stack", $"RabbitMQ (pid {pid}) stopped");
    }

    public async ValueTask DisposeAsync()
    {
        if (Pid is { } pid)
        {
            Signals.TrySend(pid, Signals.SIGTERM);
            if (!await Signals.WaitForExitAsync(pid, TimeSpan.FromSeconds(30)))
                Signals.TrySend(pid, Signals.SIGKILL);
        }
        _launcher?.Dispose();
    }
}
