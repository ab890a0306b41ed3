using Judge.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

var builder = Host.CreateApplicationBuilder(args);
builder.AddJudgeWorker();
var host = builder.Build();
var lifetime = host.Services.GetRequiredService<IHostApplicationLifetime>();
try
{
    host.Run();
}
catch (Exception) when (lifetime.ApplicationStopping.IsCancellationRequested)
{
    // Stopped (Ctrl-C, SIGTERM) while still starting: MassTransit reports its cancelled bus start as a
    // fault, already logged. Stopping was asked for, so this is a normal exit, not a crash.
}
