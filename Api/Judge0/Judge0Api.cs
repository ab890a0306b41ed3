namespace Judge.Api.Judge0;

/// <summary>
/// The Judge0 CE 1.13 compatible surface (issue 10, docs/judge0-compatibility.md), beside <c>/api/v1</c> on the same
/// host, under <c>Judge0:PathPrefix</c>: Judge0 clients work unchanged against our submissions, queue and workers.
/// </summary>
public static class Judge0Api
{
    public const string CorsPolicy = "judge0";

    public static void AddJudge0Api(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(Judge0Options.Section);
        builder.Services.Configure<Judge0Options>(section);
        builder.Services.AddSingleton<Judge0Store>();
        builder.Services.AddSingleton<Judge0CallbackBody>();
        var origins = section.Get<Judge0Options>()?.CorsOrigins ?? [];
        builder.Services.AddCors(cors => cors.AddPolicy(CorsPolicy, policy =>
        {
            // Browser clients (Judge0's own IDE among them) call from other origins, with X-Auth-Token.
            if (origins.Length == 0 || origins.Contains("*"))
                policy.AllowAnyOrigin();
            else
                policy.WithOrigins(origins);
            policy.AllowAnyHeader().WithMethods("GET", "POST", "DELETE");
        }));
    }

    public static void MapJudge0Api(this WebApplication app)
    {
        var options = app.Configuration.GetSection(Judge0Options.Section).Get<Judge0Options>() ?? new Judge0Options();
        if (!options.Enabled)
            return;
        var judge0 = app.MapGroup(options.PathPrefix.TrimEnd('/'))
            .RequireCors(CorsPolicy)
            .ExcludeFromDescription();
        judge0.MapJudge0SubmissionsApi();
        judge0.MapJudge0LanguagesApi();
        judge0.MapJudge0StatusesApi();
        judge0.MapJudge0InfoApi();
    }
}
