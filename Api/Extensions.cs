using System.Text.Json.Serialization;
using Judge.Api.Access;
using Judge.Api.Health;
using Judge.Api.Judge0;
using Judge.Api.Languages;
using Judge.Api.Observability;
using Judge.Api.Problems;
using Judge.Api.Submissions;
using Judge.Contracts;
using Judge.Data;
using Judge.Messaging;
using MassTransit;
using Npgsql;

namespace Judge.Api;

public static class Extensions
{
    public static void AddJudgeApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.Configure<JudgeOptions>(builder.Configuration.GetSection(JudgeOptions.Section));

        var connectionString = builder.Configuration.GetConnectionString("Judge")
            ?? throw new InvalidOperationException("ConnectionStrings:Judge is not set (environment: ConnectionStrings__Judge).");
        services.AddNpgsqlDataSource(connectionString, JudgeDataSource.Configure);
        services.AddSingleton<SubmissionStore>();
        services.AddSingleton<JudgementStore>();
        services.AddSingleton<ProblemStore>();
        services.AddSingleton<LanguageStore>();
        services.AddSingleton<VerificationStore>();
        services.AddScoped<InputValidation>();

        services.AddSingleton<SubmissionDispatcher>();
        services.AddSingleton<SubmissionDoneListener>();
        services.AddHostedService(provider => provider.GetRequiredService<SubmissionDoneListener>());
        services.AddSingleton<QueuedSubmissionSweeper>();
        services.AddHostedService(provider => provider.GetRequiredService<QueuedSubmissionSweeper>());

        var broker = builder.Configuration.GetRabbitMqOptions();
        services.AddMassTransit(bus =>
        {
            bus.ConfigureHealthCheckOptions(health =>
            {
                health.Name = "broker";
                health.Tags.Add(HealthApi.ReadyTag);
            });
            // The database, not the broker's confirm, makes sure a submission is judged: the sweeper publishes
            // again whatever is still queued after a while, confirmed or not. Waiting for the confirm only made
            // the broker sync its disk per message.
            bus.AddRequestClient<ValidateProblemInputs>();
            bus.UsingRabbitMq((_, transport) => transport.Host(broker, host => host.PublisherConfirmation = false));
        });
        services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: [HealthApi.ReadyTag]);

        // Bad input must reach the client as problem details: binding failures throw, and the handler answers them.
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.AddExceptionHandler<UnavailableExceptionHandler>();
        services.Configure<RouteHandlerOptions>(options => options.ThrowOnBadRequest = true);
        // "5" is not a number: a wrong type is a bad request, not something to guess about.
        // A key given twice is ambiguous (which one counts?): refused, not guessed about either.
        services.ConfigureHttpJsonOptions(options =>
        {
            options.SerializerOptions.NumberHandling = JsonNumberHandling.Strict;
            options.SerializerOptions.AllowDuplicateProperties = false;
        });
        services.AddOpenApi();
        builder.AddJudge0Api();
        builder.AddApiObservability();
        builder.AddAccessControl();
    }

    public static Task MigrateDatabaseAsync(this WebApplication app) =>
        Migrator.MigrateAsync(app.Services.GetRequiredService<NpgsqlDataSource>(), app.Lifetime.ApplicationStopping);

    public static void UseJudgeApi(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseCors();
        app.UseAccessControl();
    }

    public static void MapJudgeApi(this WebApplication app)
    {
        var v1 = app.MapGroup("/api/v1");
        v1.MapSubmissionsApi();
        v1.MapProblemsApi();
        v1.MapRejudgeApi();
        v1.MapVerifyApi();
        v1.MapLanguagesApi();
        v1.MapHealthApi();
        app.MapOpenApi().AllowAnonymous();
        app.MapJudge0Api();
        app.MapMetrics().AllowAnonymous(); // loopback only (Api/Observability): no key needed from this host
    }
}
