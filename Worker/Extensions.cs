using Judge.Data;
using Judge.Messaging;
using Judge.Sandbox;
using Judge.Worker.Data;
using Judge.Worker.Judging;
using Judge.Worker.Languages;
using Judge.Worker.Messaging;
using Judge.Worker.Observability;
using MassTransit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Judge.Worker;

public static class Extensions
{
    /// <summary>Everything the worker is: judging, the database, the sandbox, and the bus.</summary>
    public static IHostApplicationBuilder AddJudgeWorker(this IHostApplicationBuilder builder)
    {
        builder.Services.AddJudging(builder.Configuration);
        // One runner for the process; it runs at most one sandbox per slot, however many submissions are in flight.
        var sandboxOptions = builder.Configuration.GetSection("Sandbox").Get<SandboxOptions>() ?? new SandboxOptions();
        var slots = builder.Configuration.GetSection(WorkerOptions.Section).Get<WorkerOptions>()?.Slots ?? new WorkerOptions().Slots;
        var runner = new SandboxRunner(sandboxOptions with { ConcurrentRuns = slots });
        builder.Services.AddSingleton(runner);
        builder.Services.AddSingleton<ISandbox>(runner);
        // Registered before the bus, so it runs before the first message is consumed.
        builder.Services.AddHostedService<SandboxStartup>();
        builder.Services.AddHostedService<LanguageAdvertiser>();

        var broker = builder.Configuration.GetRabbitMqOptions();
        builder.Services.AddMassTransit(bus =>
        {
            bus.AddJudgeConsumers();
            bus.UsingRabbitMq((context, rabbitMq) =>
            {
                rabbitMq.Host(broker);
                rabbitMq.ConfigureEndpoints(context);
            });
        });
        builder.Services.AddOptions<MassTransitHostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) =>
        {
            host.WaitUntilStarted = true;
            // On shutdown, judging in progress is cancelled after this long; its message goes back to the broker.
            host.ConsumerStopTimeout = worker.Value.ShutdownGrace;
        });
        // The host's own limit on stopping must leave MassTransit the grace period and the time to hand messages back.
        builder.Services.AddOptions<HostOptions>().Configure<IOptions<WorkerOptions>>((host, worker) => host.ShutdownTimeout = worker.Value.ShutdownTimeout);
        builder.AddWorkerObservability();
        return builder;
    }

    /// <summary>Judging without a sandbox or a bus (tests bring their own): options, database, languages, the judge.</summary>
    public static IServiceCollection AddJudging(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<WorkerOptions>(configuration.GetSection(WorkerOptions.Section));
        var connectionString = configuration.GetConnectionString("Judge")
            ?? throw new InvalidOperationException("ConnectionStrings:Judge is not set (environment: ConnectionStrings__Judge)");
        services.AddNpgsqlDataSource(connectionString, JudgeDataSource.Configure);
        services.AddSingleton<JudgingStore>();
        services.AddSingleton<LanguageDetector>();
        services.AddSingleton(provider => new LanguageSet(provider.GetRequiredService<LanguageDetector>()
            .Detect(LanguageCatalog.ForThisHost(provider.GetRequiredService<IOptions<WorkerOptions>>().Value.RustToolchain))));
        services.AddSingleton<TestDataCache>();
        services.AddSingleton<SubmissionJudge>();
        services.AddSingleton<InputValidationStore>();
        services.AddSingleton<InputValidation>();
        return services;
    }

    public static void AddJudgeConsumers(this IBusRegistrationConfigurator bus)
    {
        bus.AddConsumer<JudgeSubmissionConsumer, JudgeSubmissionConsumerDefinition>();
        bus.AddConsumer<JudgeSubmissionFaultConsumer, JudgeSubmissionFaultConsumerDefinition>();
        bus.AddConsumer<ValidateProblemInputsConsumer, ValidateProblemInputsConsumerDefinition>();
    }
}
