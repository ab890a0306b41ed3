using Npgsql;

namespace Judge.Faults.Tests.Stack;

/// <summary>
/// A PostgreSQL cluster of the test's own (initdb in a temporary directory, its own port), so that it can be
/// stopped and started without touching the services every other test and helper shares. Trusts loopback
/// connections: it lives only as long as the test.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    private readonly string _bin;
    private readonly string _data;

    private PrivatePostgres(string bin, string data, int port)
    {
        _bin = bin;
        _data = data;
        Port = port;
    }

    public int Port { get; }

    /// <summary>The server, as <see cref="Judge.EndToEnd.ScratchDatabase"/> wants it: a role that may create databases.</summary>
    public string ServerConnectionString => $"Host=127.0.0.1;Port={Port};Database=postgres;Username=judge;Password=judge;Timeout=5";

    /// <summary>The postmaster's pid, from its pid file (null while it is not running).</summary>
    public int? Pid
    {
        get
        {
            var file = Path.Combine(_data, "postmaster.pid");
            return File.Exists(file) && int.TryParse(File.ReadLines(file).First(), out var pid) && Signals.IsAlive(pid) ? pid : null;
        }
    }

    public static async Task<PrivatePostgres> StartAsync(string directory)
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin"))
            .FirstOrDefault(d => File.Exists(Path.Combine(d, "pg_ctl")))
            ?? throw new InvalidOperationException("PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/pg_ctl): run `scripts/services.sh start` once");
        var data = Path.Combine(directory, "postgres");
        Directory.CreateDirectory(data);
        if (Environment.UserName == "root")
            await HostCommand.RunAsync("chown", ["postgres:postgres", data]);
        var postgres = new PrivatePostgres(bin, data, Ports.Free());
        await HostCommand.RunAsPostgresOwnerAsync(Path.Combine(bin, "initdb"), "-D", data, "-U", "judge", "-E", "UTF8", "--no-locale", "--auth=trust");
        // Appended by us (root) to the file initdb wrote; appending keeps its owner.
        await File.AppendAllTextAsync(Path.Combine(data, "postgresql.conf"), $"""

            listen_addresses = '127.0.0.1'
            port = {postgres.Port}
            unix_socket_directories = '{data}'
            max_connections = 200
            fsync = off
            synchronous_commit = off
            """);
        await postgres.StartAgainAsync();
        return postgres;
    }

    /// <summary>Starts the (stopped) server on its existing data and waits until it accepts connections.</summary>
    public async Task StartAgainAsync()
    {
        await HostCommand.RunAsPostgresOwnerAsync(Path.Combine(_bin, "pg_ctl"), "-D", _data, "-l", Path.Combine(_data, "server.log"), "-w", "-t", "120", "start");
        await using var connection = new NpgsqlConnection(ServerConnectionString);
        await connection.OpenAsync();
    }

    /// <summary>Fast shutdown by signal to the postmaster (SIGINT: sessions are disconnected, what is committed stays), waited for.</summary>
    public async Task StopAsync()
    {
        var pid = Pid ?? throw new InvalidOperationException("PostgreSQL is not running");
        Signals.Send(pid, Signals.SIGINT);
        if (!await Signals.WaitForExitAsync(pid, TimeSpan.FromSeconds(60)))
            throw new TimeoutException($"PostgreSQL (pid {pid}) did not stop within 60 s of SIGINT");
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (Pid is { } pid)
        {
            Signals.TrySend(pid, Signals.SIGINT);
            await Signals.WaitForExitAsync(pid, TimeSpan.FromSeconds(30));
        }
    }
}
