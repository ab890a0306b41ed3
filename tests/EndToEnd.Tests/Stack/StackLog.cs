namespace Judge.EndToEnd;

/// <summary>One file with every line the child processes write, each tagged with its process and the time.</summary>
public sealed class StackLog : IDisposable
{
    private readonly StreamWriter _writer;
    private readonly Lock _lock = new();

    public StackLog(string path)
    {
        Path = path;
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(path)!);
        _writer = new StreamWriter(path, append: false) { AutoFlush = true };
    }

    public string Path { get; }

    public void Write(string source, string line)
    {
        lock (_lock)
            _writer.WriteLine($"{DateTime.Now:HH:mm:ss.fff} [{source}] {line}");
    }

    /// <summary>The last lines of the log, for a failure message.</summary>
    public string Tail(int lines = 80)
    {
        string[] all;
        lock (_lock)
        {
            using var reader = new StreamReader(new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite));
            all = reader.ReadToEnd().Split('\n');
        }
        return $"--- last {lines} lines of {Path} ---\n" + string.Join('\n', all.TakeLast(lines));
    }

    public void Dispose()
    {
        lock (_lock)
            _writer.Dispose();
    }
}
