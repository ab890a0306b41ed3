using System.Net;
using System.Net.Sockets;

namespace Judge.Api.Callbacks;

/// <summary>
/// Which addresses a callback may reach: public unicast ones, and those in <see cref="CallbackOptions.AllowedNetworks"/>.
/// Loopback, private, shared (CGNAT), link-local, unique-local, multicast, broadcast, unspecified and reserved
/// addresses are refused, so that a callback cannot be aimed at the Api's own host or network.
/// </summary>
public sealed class CallbackAddresses
{
    private static readonly IPNetwork[] Refused =
    [
        IPNetwork.Parse("0.0.0.0/8"),        // "this network", unspecified
        IPNetwork.Parse("10.0.0.0/8"),       // private
        IPNetwork.Parse("100.64.0.0/10"),    // shared address space (carrier-grade NAT)
        IPNetwork.Parse("127.0.0.0/8"),      // loopback
        IPNetwork.Parse("169.254.0.0/16"),   // link-local (cloud metadata services live here)
        IPNetwork.Parse("172.16.0.0/12"),    // private
        IPNetwork.Parse("192.0.0.0/24"),     // IETF protocol assignments
        IPNetwork.Parse("192.168.0.0/16"),   // private
        IPNetwork.Parse("198.18.0.0/15"),    // benchmarking
        IPNetwork.Parse("224.0.0.0/4"),      // multicast
        IPNetwork.Parse("240.0.0.0/4"),      // reserved, and broadcast
        IPNetwork.Parse("::/128"),           // unspecified
        IPNetwork.Parse("::1/128"),          // loopback
        IPNetwork.Parse("64:ff9b:1::/48"),   // local-use NAT64
        IPNetwork.Parse("fc00::/7"),         // unique-local
        IPNetwork.Parse("fe80::/10"),        // link-local
        IPNetwork.Parse("fec0::/10"),        // site-local (deprecated)
        IPNetwork.Parse("ff00::/8"),         // multicast
    ];

    private readonly IPNetwork[] _allowed;

    public CallbackAddresses(IEnumerable<string> allowedNetworks) =>
        _allowed = allowedNetworks.Select(n => IPNetwork.TryParse(n, out var network)
            ? network
            : throw new InvalidOperationException($"Judge:Callbacks:AllowedNetworks: \"{n}\" is not a network in CIDR form (10.1.2.0/24).")).ToArray();

    public bool IsAllowed(IPAddress address)
    {
        // An IPv4 address written as IPv6 (::ffff:127.0.0.1) is judged as the IPv4 address it is.
        if (address.IsIPv4MappedToIPv6)
            address = address.MapToIPv4();
        if (address.AddressFamily is not (AddressFamily.InterNetwork or AddressFamily.InterNetworkV6))
            return false;
        if (_allowed.Any(n => n.Contains(address)))
            return true;
        return !Refused.Any(n => n.Contains(address));
    }
}
