using System.Net;
using Judge.Api.Validation;

namespace Judge.Api.Callbacks;

public static class CallbackRules
{
    public const int MaxUrlLength = 2048;

    /// <summary>An absolute http or https URL. A literal address must be one a callback may reach; a name is
    /// checked when the callback is sent, against every address it resolves to.</summary>
    public static Uri? Resolve(string? url, CallbackAddresses addresses, string field, ValidationErrors errors)
    {
        if (url is null)
            return null;
        if (url.Length > MaxUrlLength)
        {
            errors.Add(field, $"Must be at most {MaxUrlLength} characters.");
            return null;
        }
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https") || string.IsNullOrEmpty(uri.Host))
        {
            errors.Add(field, "Must be an absolute http or https URL.");
            return null;
        }
        if (IPAddress.TryParse(uri.IdnHost.Trim('[', ']'), out var literal) && !addresses.IsAllowed(literal))
        {
            errors.Add(field, $"{literal} is a loopback, private, link-local or multicast address; callbacks go to public addresses only.");
            return null;
        }
        return uri;
    }
}
