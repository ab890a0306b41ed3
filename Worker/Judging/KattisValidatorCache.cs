using Judge.Sandbox;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>A validator compiled on this worker: the language it runs as, and the volume runs see at /prog.</summary>
public sealed record CompiledValidator(Language Language, SandboxVolume Volume);

/// <summary>
/// The validators this worker compiled, by the digest of what was compiled (<see cref="Data.KattisValidator.Digest"/>):
/// a problem's validator is compiled once per worker, not once per submission. The same files compile to the same
/// program, whichever problem they came with; runs only ever see it read-only. Each judging holds a lease while it
/// uses one; past <paramref name="capacity"/> the least recently used that no judging holds are removed. A compile that
/// fails (or is cancelled) is not kept: the next judging tries again.
/// </summary>
public sealed class KattisValidatorCache(ILogger logger, int capacity = 16) : IDisposable
{
    internal sealed class Entry(Task<(CompiledValidator?, string?)> compiled)
    {
        public readonly Task<(CompiledValidator? Compiled, string? Failure)> Compiled = compiled;
        public int Users;
        public long LastUsed;
    }

    private readonly Lock gate = new();
    private readonly Dictionary<string, Entry> entries = new(StringComparer.Ordinal);
    private long clock;

    /// <summary>The compiled validator for <paramref name="digest"/>, compiling it with <paramref name="compile"/> unless this
    /// worker has it (or is compiling it); or why it did not compile. Dispose the lease when the judging is done.</summary>
    public async Task<(Lease? Lease, string? Failure)> AcquireAsync(string digest, Func<Task<(CompiledValidator?, string?)>> compile)
    {
        Entry entry;
        lock (gate)
        {
            if (!entries.TryGetValue(digest, out entry!))
                entries[digest] = entry = new Entry(Task.Run(compile));
            entry.Users++;
            entry.LastUsed = ++clock;
        }
        (CompiledValidator?, string?) result;
        try
        {
            result = await entry.Compiled;
        }
        catch
        {
            Forget(digest, entry);
            throw;
        }
        if (result is (null, var failure))
        {
            Forget(digest, entry);
            return (null, failure);
        }
        return (new Lease(this, entry, result.Item1!), null);
    }

    private void Forget(string digest, Entry entry)
    {
        lock (gate)
        {
            entry.Users--;
            if (entries.TryGetValue(digest, out var current) && current == entry)
                entries.Remove(digest);
        }
    }

    private void Release(Entry entry)
    {
        List<Entry> evicted;
        lock (gate)
        {
            entry.Users--;
            evicted = [.. entries.Values.Where(e => e.Users == 0 && e.Compiled.IsCompletedSuccessfully)
                .OrderBy(e => e.LastUsed).Take(Math.Max(0, entries.Count - capacity))];
            foreach (var (digest, _) in entries.Where(pair => evicted.Contains(pair.Value)).ToList())
                entries.Remove(digest);
        }
        foreach (var gone in evicted)
            Remove(gone);
    }

    private void Remove(Entry entry)
    {
        if (entry.Compiled.Result.Compiled is not { } compiled)
            return;
        try
        {
            compiled.Volume.Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // As for every volume (SubmissionJudge.Remove): the operator must hear of it; the next worker start removes it.
            logger.LogError(e, "Could not remove the volume {Path}; it is left behind", compiled.Volume.HostPath);
        }
    }

    /// <summary>Removes every compiled validator (at shutdown: no judging holds one then).</summary>
    public void Dispose()
    {
        List<Entry> all;
        lock (gate)
        {
            all = [.. entries.Values.Where(e => e.Compiled.IsCompletedSuccessfully)];
            entries.Clear();
        }
        all.ForEach(Remove);
    }

    /// <summary>A judging's use of a compiled validator: it is not removed while held.</summary>
    public sealed class Lease : IDisposable
    {
        private readonly KattisValidatorCache cache;
        private readonly Entry entry;
        private int released;

        internal Lease(KattisValidatorCache cache, Entry entry, CompiledValidator compiled) => (this.cache, this.entry, Compiled) = (cache, entry, compiled);

        public CompiledValidator Compiled { get; }

        public void Dispose()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
                cache.Release(entry);
        }
    }
}
