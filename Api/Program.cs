using Judge.Api;

// appsettings.json sits beside the dll, wherever the process is started from.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddJudgeApi();

var app = builder.Build();
await app.MigrateDatabaseAsync();
if (args is ["migrate"])
    return; // `dotnet Judge.Api.dll migrate`: apply the migrations, then exit
if (args is ["key", .. var keyArgs])
{
    // `dotnet Judge.Api.dll key create NAME [--admin]` / `key revoke NAME` (make key, make key-revoke)
    Environment.ExitCode = await Judge.Api.Access.KeyCommand.RunAsync(app.Services, keyArgs, Console.Out, Console.Error);
    return;
}

app.UseJudgeApi();
app.MapJudgeApi();
app.Run();

public partial class Program;
