namespace Judge.Api.Access;

/// <summary>
/// <c>dotnet Judge.Api.dll key create NAME [--admin]</c> and <c>key revoke NAME</c>, against the database the Api's
/// settings name (<c>make key</c> and <c>make key-revoke</c> run these through scripts/key.sh). Create prints the
/// key as its last line, and the callback signing secret before it: neither is stored in a form that can be shown again.
/// </summary>
public static class KeyCommand
{
    private const string Usage = "usage: key create NAME [--admin] | key revoke NAME";

    public static async Task<int> RunAsync(IServiceProvider services, string[] args, TextWriter output, TextWriter error)
    {
        var keys = services.GetRequiredService<ApiKeyStore>();
        try
        {
            switch (args)
            {
                case ["create", var name, .. var flags] when flags.All(f => f == "--admin"):
                    var created = await keys.CreateAsync(name, isAdmin: flags.Length > 0, CancellationToken.None);
                    await output.WriteLineAsync($"created {(created.IsAdmin ? "admin " : "")}key \"{created.Name}\" ({created.Id})");
                    await output.WriteLineAsync($"callback signing secret (HMAC-SHA256, hex): {created.SigningSecret}");
                    await output.WriteLineAsync("the key (send it as 'Authorization: Bearer KEY'; it is not stored and cannot be shown again):");
                    await output.WriteLineAsync(created.Key);
                    return 0;
                case ["revoke", var name]:
                    if (await keys.RevokeAsync(name, CancellationToken.None))
                    {
                        await output.WriteLineAsync($"revoked key \"{name}\"");
                        return 0;
                    }
                    await error.WriteLineAsync($"no live key named \"{name}\"");
                    return 1;
                default:
                    await error.WriteLineAsync(Usage);
                    return 2;
            }
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException)
        {
            await error.WriteLineAsync(e.Message);
            return 1;
        }
    }
}
