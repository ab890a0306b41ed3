using System.Reflection;
using System.Security.Claims;

namespace Judge.Api.Access;

/// <summary>
/// The key a request came with, as a tenant: it sees and changes only what it owns; an admin key sees all.
/// Handlers take it as a parameter; the fallback authorization policy has already made sure there is one.
/// </summary>
public sealed record Caller(Guid KeyId, bool IsAdmin)
{
    public const string KeyIdClaim = "judge:key_id";
    public const string AdminRole = "admin";

    /// <summary>The owner a query is limited to: null (everything) for an admin.</summary>
    public Guid? OwnerFilter => IsAdmin ? null : KeyId;

    /// <summary>The caller of a request that needed a key (every one but the probes').</summary>
    public static Caller Of(HttpContext context) =>
        From(context.User) ?? throw new InvalidOperationException($"{context.Request.Path} needs the caller but allows anonymous requests.");

    public static Caller? From(ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirstValue(KeyIdClaim), out var id) ? new Caller(id, user.IsInRole(AdminRole)) : null;

    /// <summary>Minimal APIs bind a parameter of this type with this method.</summary>
    public static ValueTask<Caller?> BindAsync(HttpContext context, ParameterInfo parameter) =>
        ValueTask.FromResult<Caller?>(From(context.User)
            ?? throw new InvalidOperationException($"{context.Request.Path} takes a {nameof(Caller)} but allows anonymous requests."));
}
