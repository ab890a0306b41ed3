using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using Dapper;
using Npgsql;

namespace Judge.Api.Access;

/// <summary>A key as the Api knows it: never the key itself, only what it stands for.</summary>
public sealed record ApiKey(Guid Id, string Name, bool IsAdmin);

/// <summary>A key just made: the only time the key and its signing secret are seen in full.</summary>
/// <param name="SigningSecret">Hex; the HMAC-SHA256 secret that signs this key's callbacks.</param>
public sealed record CreatedApiKey(Guid Id, string Name, bool IsAdmin, string Key, string SigningSecret);

/// <summary>
/// API keys: 32 random bytes, shown once, stored as their SHA-256. A key is a tenant (see <see cref="Caller"/>).
/// The same code serves <c>make key</c> (<see cref="KeyCommand"/>), the authentication handler and the tests.
/// </summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource)
{
    public const string Prefix = "judge_";
    public const int MaxNameLength = 100;

    public async Task<CreatedApiKey> CreateAsync(string name, bool isAdmin, CancellationToken cancellationToken)
    {
        if (!IsValidName(name))
            throw new ArgumentException($"A key name is 1 to {MaxNameLength} letters, digits, '.', '_', '-' or '@'; \"{name}\" is not.", nameof(name));
        var key = Prefix + Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));
        var secret = RandomNumberGenerator.GetBytes(32);
        var id = Guid.CreateVersion7();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        try
        {
            await connection.ExecuteAsync(new CommandDefinition(InsertSql,
                new { id, name, KeyHash = Hash(key), SigningSecret = secret, isAdmin }, cancellationToken: cancellationToken));
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
        {
            throw new InvalidOperationException($"A key named \"{name}\" exists already; revoke it first (make key-revoke NAME={name}).", e);
        }
        return new CreatedApiKey(id, name, isAdmin, key, Convert.ToHexStringLower(secret));
    }

    private const string InsertSql = """
        INSERT INTO api_keys (id, name, key_hash, signing_secret, is_admin) VALUES (@id, @name, @KeyHash, @SigningSecret, @isAdmin)
        """;

    /// <summary>Revokes the live key of that name; false when there is none.</summary>
    public async Task<bool> RevokeAsync(string name, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteAsync(new CommandDefinition(RevokeSql, new { name }, cancellationToken: cancellationToken)) > 0;
    }

    private const string RevokeSql = "UPDATE api_keys SET revoked_at = now() WHERE name = @name AND revoked_at IS NULL";

    /// <summary>The live key, or null for a key that is unknown or revoked.</summary>
    public async Task<ApiKey?> FindAsync(string key, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.QuerySingleOrDefaultAsync<ApiKey>(new CommandDefinition(FindSql, new { KeyHash = Hash(key) }, cancellationToken: cancellationToken));
    }

    private const string FindSql = "SELECT id, name, is_admin AS isAdmin FROM api_keys WHERE key_hash = @KeyHash AND revoked_at IS NULL";

    /// <summary>The secret that signs the callbacks of a key's submissions.</summary>
    public async Task<byte[]?> SigningSecretAsync(Guid keyId, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        return await connection.ExecuteScalarAsync<byte[]?>(new CommandDefinition(
            "SELECT signing_secret FROM api_keys WHERE id = @keyId", new { keyId }, cancellationToken: cancellationToken));
    }

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));

    public static bool IsValidName(string name) =>
        name.Length is > 0 and <= MaxNameLength && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-' or '@');
}
