using Judge.Worker.Data;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;

namespace Judge.Worker.Languages;

/// <summary>
/// Keeps this worker's languages in <c>worker_languages</c> while it runs: written at start, refreshed
/// every heartbeat (the API offers only languages seen recently), removed at shutdown.
/// </summary>
public sealed class LanguageAdvertiser(JudgingStore store, LanguageSet languages, IOptions<WorkerOptions> options,
    ILogger<LanguageAdvertiser> logger) : BackgroundService
{
    private readonly WorkerOptions options = options.Value;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (languages.All.Count == 0)
            logger.LogError("No language toolchain was found on this host: this worker can judge nothing");

        using var timer = new PeriodicTimer(options.HeartbeatInterval);
        do
        {
            try
            {
                await store.AdvertiseLanguagesAsync(options.Id, languages.All, stoppingToken);
            }
            catch (NpgsqlException e)
            {
                // The next heartbeat tries again; judging does not depend on this.
                logger.LogWarning(e, "Could not advertise languages");
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await store.WithdrawLanguagesAsync(options.Id, cancellationToken);
        }
        catch (NpgsqlException e)
        {
            logger.LogWarning(e, "Could not withdraw languages; they expire when last_seen grows old");
        }
    }
}
