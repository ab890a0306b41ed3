using System.Diagnostics.Metrics;
using Judge.Data;
using Judge.Worker.Observability;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Judge.Worker.Judging;

/// <summary>
/// The problems' test files this worker has fetched from PostgreSQL, on its disk by digest and bounded in size, so that a
/// problem's data crosses the network once per worker, not once per submission. A file is fetched to a temporary name,
/// checked against its digest and size on the way, made read-only and only then named by its digest: what the cache
/// holds is the file. Runs see a file through a read-only bind (<see cref="JuryFiles"/>); no run can write here.
/// <para>Each worker has a directory of its own under <see cref="WorkerOptions.TestDataDirectory"/>, beside a lock file
/// it holds while it lives; one starting up removes the directories whose lock is free (a crashed worker's), never a live
/// one's. A file in use is never evicted; the least recently used of the others go once the cache is over its size.</para>
/// </summary>
public sealed class TestDataCache : IDisposable
{
    private readonly NpgsqlDataSource dataSource;
    private readonly long maxBytes;
    private readonly ILogger logger;
    private readonly string directory;
    private readonly FileStream ownerLock;
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long heldBytes, uses, fetches;

    private sealed class Entry(TestFile file)
    {
        public TestFile File { get; } = file;
        public Task<string>? Fetch { get; set; }
        public int Users { get; set; }
        public long LastUse { get; set; }
    }

    public TestDataCache(NpgsqlDataSource dataSource, IOptions<WorkerOptions> options, ILogger<TestDataCache> logger)
    {
        this.dataSource = dataSource;
        this.logger = logger;
        maxBytes = options.Value.TestDataCacheBytes;
        var parent = options.Value.TestDataDirectory;
        // 0755 down to each file: a run's bind is made with its own unprivileged host ids, which must reach it.
        Directory.CreateDirectory(parent, (UnixFileMode)0b111_101_101);
        RemoveStale(parent);
        directory = Path.Combine(parent, $"owner-{Environment.ProcessId}-{Guid.NewGuid():N}");
        // .NET takes flock(LOCK_EX) for FileShare.None: held until the process ends, however it ends.
        ownerLock = new FileStream(directory + ".lock", FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None);
        Directory.CreateDirectory(directory, (UnixFileMode)0b111_101_101);
    }

    /// <summary>How many files were fetched from the database since start: a file already here is not fetched again.</summary>
    public long Fetches => Interlocked.Read(ref fetches);

    /// <summary>The file's path here, fetched first unless it is here already; kept until the lease is disposed.</summary>
    public async Task<Lease> AcquireAsync(TestFile file, CancellationToken cancellationToken)
    {
        Entry entry;
        lock (entries)
        {
            if (!entries.TryGetValue(file.Sha256, out entry!))
                entries[file.Sha256] = entry = new Entry(file);
            entry.Users++;
            entry.LastUse = ++uses;
            entry.Fetch ??= FetchAsync(file, cancellationToken);
        }
        WorkerTelemetry.TestDataUsed(entry.Fetch.IsCompleted);
        try
        {
            return new Lease(await entry.Fetch, () => Release(entry));
        }
        catch
        {
            Release(entry, failed: true);
            throw;
        }
    }

    private async Task<string> FetchAsync(TestFile file, CancellationToken cancellationToken)
    {
        await Task.Yield(); // outside the caller's lock
        var path = Path.Combine(directory, file.Sha256);
        var part = $"{path}.part-{Guid.NewGuid():N}";
        try
        {
            await using (var stream = new FileStream(part, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 1 << 16, useAsync: true))
                await TestData.CopyToAsync(dataSource, file, stream, cancellationToken);
            File.SetUnixFileMode(part, (UnixFileMode)0b100_100_100);
            File.Move(part, path);
        }
        catch
        {
            File.Delete(part);
            throw;
        }
        Interlocked.Increment(ref fetches);
        lock (entries)
            heldBytes += file.Size;
        Evict();
        return path;
    }

    private void Release(Entry entry, bool failed = false)
    {
        lock (entries)
        {
            entry.Users--;
            // A failed fetch is forgotten, so that the next use tries again.
            if (failed && entry.Fetch is { IsCompleted: true, IsCompletedSuccessfully: false } && entries.GetValueOrDefault(entry.File.Sha256) == entry)
                entries.Remove(entry.File.Sha256);
        }
        Evict();
    }

    private void Evict()
    {
        List<string> removed = [];
        lock (entries)
        {
            foreach (var entry in entries.Values.Where(e => e.Users == 0 && e.Fetch is { IsCompletedSuccessfully: true }).OrderBy(e => e.LastUse).ToList())
            {
                if (heldBytes <= maxBytes)
                    break;
                entries.Remove(entry.File.Sha256);
                heldBytes -= entry.File.Size;
                removed.Add(entry.Fetch!.Result);
            }
        }
        foreach (var path in removed)
        {
            try
            {
                File.Delete(path);
            }
            catch (IOException e)
            {
                logger.LogWarning(e, "Could not remove the cached test file {Path}", path);
            }
        }
    }

    /// <summary>Removes the directories of workers whose process is gone.</summary>
    private static void RemoveStale(string parent)
    {
        foreach (var lockPath in Directory.GetFiles(parent, "owner-*.lock"))
        {
            try
            {
                using (new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None))
                {
                    var stale = lockPath[..^".lock".Length];
                    if (Directory.Exists(stale))
                        Directory.Delete(stale, recursive: true);
                }
                File.Delete(lockPath);
            }
            catch (IOException)
            {
                // Its worker lives (the lock is held), or another worker starting up removes it at the same time.
            }
        }
    }

    public void Dispose()
    {
        ownerLock.Dispose();
        try
        {
            Directory.Delete(directory, recursive: true);
            File.Delete(directory + ".lock");
        }
        catch (IOException e)
        {
            // The next worker to start removes it.
            logger.LogWarning(e, "Could not remove the test data cache {Path}", directory);
        }
    }

    /// <summary>A cached file in use: it stays until disposed.</summary>
    public sealed class Lease(string path, Action release) : IDisposable
    {
        private bool released;

        public string Path { get; } = path;

        public void Dispose()
        {
            if (released)
                return;
            released = true;
            release();
        }
    }
}
