using System.Diagnostics;
using System.Security.Cryptography;
using Judge.Data;
using Judge.EndToEnd;
using Judge.Worker;
using Judge.Worker.Judging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;

// What a problem's test file costs a worker: fetched from PostgreSQL into its cache (a miss), found there (a hit), against
// copying the same bytes from one local file to another on the same disk (the floor for any fetch that lands on disk).
// Usage: TestData.Bench [MiB per file] [rounds]. Needs ConnectionStrings__Judge (scripts/services.sh env).
var mebibytes = args.Length > 0 ? int.Parse(args[0]) : 100;
var rounds = args.Length > 1 ? int.Parse(args[1]) : 5;
var server = Environment.GetEnvironmentVariable("ConnectionStrings__Judge")
    ?? throw new InvalidOperationException("ConnectionStrings__Judge is not set: eval \"$(scripts/services.sh env)\"");

await using var database = await ScratchDatabase.CreateAsync(server, CancellationToken.None);
await using var dataSource = NpgsqlDataSource.Create(database.ConnectionString);
await Migrator.MigrateAsync(dataSource, CancellationToken.None);
var directory = Directory.CreateTempSubdirectory("judge-test-data-bench-");
try
{
    // Random bytes: neither PostgreSQL's compression nor the disk's can make them cheaper than they are.
    var bytes = RandomNumberGenerator.GetBytes(mebibytes << 20);
    var source = Path.Combine(directory.FullName, "source");
    await File.WriteAllBytesAsync(source, bytes);

    var store = Stopwatch.StartNew();
    var files = new List<TestFile>();
    for (var round = 0; round < rounds; round++)
    {
        bytes[0] = (byte)round; // a distinct file each round, so each is fetched
        var file = new TestFile(Convert.ToHexStringLower(SHA256.HashData(bytes)), bytes.Length);
        await using var connection = await dataSource.OpenConnectionAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await TestData.WriteAsync(connection, transaction, file, new MemoryStream(bytes), CancellationToken.None);
        await transaction.CommitAsync();
        files.Add(file);
    }
    store.Stop();

    using var cache = new TestDataCache(dataSource, Options.Create(new WorkerOptions
    {
        TestDataDirectory = Path.Combine(directory.FullName, "cache"),
        TestDataCacheBytes = long.MaxValue,
    }), NullLogger<TestDataCache>.Instance);
    List<double> copies = [], misses = [], hits = [];
    foreach (var file in files)
    {
        // Interleaved, so that machine noise hits the three alike.
        var copy = Stopwatch.StartNew();
        File.Copy(source, Path.Combine(directory.FullName, $"copy-{copies.Count}"));
        copies.Add(copy.Elapsed.TotalMilliseconds);

        var miss = Stopwatch.StartNew();
        using (await cache.AcquireAsync(file, CancellationToken.None))
            misses.Add(miss.Elapsed.TotalMilliseconds);

        var hit = Stopwatch.StartNew();
        using (await cache.AcquireAsync(file, CancellationToken.None))
            hits.Add(hit.Elapsed.TotalMilliseconds);
    }

    static double Median(List<double> values) => values.Order().ElementAt(values.Count / 2);
    Console.WriteLine($"{rounds} files of {mebibytes} MiB (random bytes); medians:");
    Console.WriteLine($"  stored (Api, in 1 MiB chunks)   {store.Elapsed.TotalMilliseconds / rounds,9:F1} ms per file (mean)   {mebibytes * rounds / store.Elapsed.TotalSeconds,7:F0} MiB/s");
    Console.WriteLine($"  local file copy (baseline)      {Median(copies),9:F1} ms   {mebibytes / (Median(copies) / 1000),7:F0} MiB/s");
    Console.WriteLine($"  cache miss (fetch, check, name) {Median(misses),9:F1} ms   {mebibytes / (Median(misses) / 1000),7:F0} MiB/s   {Median(misses) / Median(copies),6:F2} x the copy");
    Console.WriteLine($"  cache hit                       {Median(hits),9:F3} ms   {Median(hits) / Median(copies),9:F5} x the copy");
}
finally
{
    directory.Delete(recursive: true);
}
