namespace Judge.Pipeline.Bench;

/// <summary>
/// Where the machine's CPU goes while the pipeline runs, read from /proc: the Api, the Worker (its sandbox threads
/// apart: that is the runner's own work, which the sandbox-only half pays too), PostgreSQL, RabbitMQ, this process
/// (the HTTP client in the pipeline half, the runner in the sandbox-only half), and idle. The sandboxed programs, and the kernel's work for them, are
/// the rest: they have exited before any snapshot could read them.
/// </summary>
internal sealed class CpuUse
{
    // /proc reports CPU time in USER_HZ ticks, which Linux fixes at 100 per second for user space.
    private const double MsPerTick = 10;

    private const string Api = "Api", SandboxThreads = "Worker, sandbox threads", WorkerOther = "Worker, other threads",
        Postgres = "PostgreSQL", RabbitMq = "RabbitMQ", ThisProcess = "this process", Idle = "machine idle", Busy = "machine busy";

    /// <summary>The processes' parts, in the order they are reported.</summary>
    private static readonly string[] Processes = [Api, SandboxThreads, WorkerOther, Postgres, RabbitMq, ThisProcess];

    private readonly int apiPid;
    private readonly int workerPid;
    private readonly Dictionary<string, long> totals = [];
    private int submissions;

    public CpuUse(int apiPid, int workerPid)
    {
        this.apiPid = apiPid;
        this.workerPid = workerPid;
    }

    /// <summary>Runs <paramref name="work"/>, which judges <paramref name="count"/> submissions, and adds up the CPU each part used meanwhile.</summary>
    public async Task<T> MeasureAsync<T>(int count, Func<Task<T>> work)
    {
        var before = Snapshot();
        var result = await work();
        foreach (var (part, ticks) in Snapshot())
            totals[part] = totals.GetValueOrDefault(part) + ticks - before.GetValueOrDefault(part);
        submissions += count;
        return result;
    }

    /// <summary>Milliseconds of CPU per submission for each part, what is left of the machine's busy time, and its idle time.</summary>
    public IEnumerable<(string Part, double MsPerSubmission)> PerSubmission()
    {
        double PerSubmission(string part) => totals.GetValueOrDefault(part) * MsPerTick / submissions;
        foreach (var part in Processes)
            yield return (part, PerSubmission(part));
        yield return ("sandboxed programs, kernel threads (the rest)", PerSubmission(Busy) - Processes.Sum(PerSubmission));
        yield return (Idle, PerSubmission(Idle));
    }

    private Dictionary<string, long> Snapshot()
    {
        var parts = new Dictionary<string, long>();
        void Add(string part, long ticks) => parts[part] = parts.GetValueOrDefault(part) + ticks;

        var sandboxThreads = Directory.EnumerateDirectories($"/proc/{workerPid}/task")
            .Select(task => ReadStat(Path.Combine(task, "stat")))
            .Where(stat => stat?.Name.StartsWith("sandbox-", StringComparison.Ordinal) == true)
            .Sum(stat => stat!.Value.Ticks);
        Add(SandboxThreads, sandboxThreads);
        Add(WorkerOther, (ReadStat($"/proc/{workerPid}/stat")?.Ticks ?? 0) - sandboxThreads);
        Add(Api, ReadStat($"/proc/{apiPid}/stat")?.Ticks ?? 0);
        Add(ThisProcess, ReadStat("/proc/self/stat")?.Ticks ?? 0);
        foreach (var process in Directory.EnumerateDirectories("/proc").Where(d => char.IsAsciiDigit(Path.GetFileName(d)[0])))
        {
            if (ReadStat(Path.Combine(process, "stat")) is not { } stat)
                continue;
            if (stat.Name == "postgres")
                Add(Postgres, stat.Ticks);
            else if (stat.Name == "beam.smp")
                Add(RabbitMq, stat.Ticks);
        }

        // The first line of /proc/stat: "cpu  user nice system idle iowait irq softirq steal ...".
        var machine = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1).Take(8).Select(long.Parse).ToArray();
        Add(Idle, machine[3] + machine[4]);
        Add(Busy, machine.Sum() - machine[3] - machine[4]);
        return parts;
    }

    /// <summary>A process's or thread's name and user plus system CPU ticks; null when it has gone.</summary>
    private static (string Name, long Ticks)? ReadStat(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (IOException)
        {
            return null;
        }
        // "pid (name) state ppid ...": the name may hold spaces and parentheses, so it ends at the last ')'.
        var open = text.IndexOf('(');
        var close = text.LastIndexOf(')');
        var fields = text[(close + 2)..].Split(' ');
        // Counting from the state as 0, utime and stime are fields 11 and 12 (14 and 15 in proc(5)).
        return (text[(open + 1)..close], long.Parse(fields[11]) + long.Parse(fields[12]));
    }
}
