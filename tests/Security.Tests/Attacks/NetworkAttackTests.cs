using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;

namespace Judge.Security.Tests.Attacks;

/// <summary>
/// Programs that try to reach the network. With the network off the sandbox has only a down
/// loopback; with loopback on it is the sandbox's own, never the host's. Both modes are attacked.
/// </summary>
[Collection(AttackCollection.Name)]
public sealed class NetworkAttackTests(AttackFixture sandbox)
{
    public static TheoryData<NetworkMode> Modes => new() { NetworkMode.None, NetworkMode.Loopback };

    private const string Connect = """
        #include <arpa/inet.h>
        #include <sys/socket.h>
        int main(int argc, char **argv)
        {
            /* argv: ip port ip port ... */
            for (int i = 1; i + 1 < argc; i += 2) {
                struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[i + 1])) };
                inet_pton(AF_INET, argv[i], &addr.sin_addr);
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                long rc = connect(fd, (struct sockaddr *)&addr, sizeof addr);
                printf("connect %s:%s %s\n", argv[i], argv[i + 1], rc < 0 ? strerrorname_np(errno) : "ok");
                close(fd);
            }
            return 0;
        }
        """;

    /// <summary>Every IPv4 address of the host, loopback first.</summary>
    private static List<IPAddress> HostAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => a.AddressFamily == AddressFamily.InterNetwork)
            .OrderByDescending(IPAddress.IsLoopback)
            .ToList();

    [Theory, MemberData(nameof(Modes))]
    public void Tcp_to_host_services_fails(NetworkMode mode)
    {
        using var listener = new TcpListener(IPAddress.Any, 0);
        listener.Start();
        string port = ((IPEndPoint)listener.LocalEndpoint).Port.ToString();
        var args = new List<string> { sandbox.CompileC(Connect) };
        foreach (IPAddress address in HostAddresses())
            args.AddRange([address.ToString(), port]);
        // PostgreSQL and RabbitMQ on their usual ports and on the private ones `make test` runs them on.
        args.AddRange(["127.0.0.1", "5432", "127.0.0.1", "5672", "127.0.0.1", "55432", "127.0.0.1", "55672"]);

        AttackRun run = sandbox.Run(args, adjust: spec => spec with { Network = mode });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal((args.Count - 1) / 2, run.Lines.Length);
        Assert.All(run.Lines, line => Assert.Matches(" (ENETUNREACH|ECONNREFUSED)$", line));
        Assert.False(listener.Pending(), "a connection reached the host");
        sandbox.AssertNextRunWorks();
    }

    [Theory, MemberData(nameof(Modes))]
    public void Udp_to_the_host_does_not_arrive(NetworkMode mode)
    {
        using var receiver = new UdpClient(new IPEndPoint(IPAddress.Any, 0));
        string port = ((IPEndPoint)receiver.Client.LocalEndPoint!).Port.ToString();
        string program = sandbox.CompileC("""
            #include <arpa/inet.h>
            #include <sys/socket.h>
            int main(int argc, char **argv)
            {
                struct sockaddr_in addr = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(argv[2])) };
                inet_pton(AF_INET, argv[1], &addr.sin_addr);
                int fd = socket(AF_INET, SOCK_DGRAM, 0);
                report("sendto", sendto(fd, "leak", 4, 0, (struct sockaddr *)&addr, sizeof addr));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, "127.0.0.1", port], adjust: spec => spec with { Network = mode });

        ResultAssert.Status(SandboxStatus.Ok, run);
        // With loopback on, the datagram leaves, into the sandbox's own loopback.
        Assert.Equal(mode == NetworkMode.None ? "sendto ENETUNREACH\n" : "sendto ok\n", run.Stdout);
        Thread.Sleep(200);
        Assert.Equal(0, receiver.Available);
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public void Raw_and_packet_sockets_are_refused_even_to_root_inside()
    {
        string program = sandbox.CompileC("""
            #include <netinet/in.h>
            #include <sys/socket.h>
            int main(void)
            {
                report("raw_icmp", socket(AF_INET, SOCK_RAW, IPPROTO_ICMP));
                report("raw_ip", socket(AF_INET, SOCK_RAW, IPPROTO_RAW));
                report("packet", socket(AF_PACKET, SOCK_RAW, htons(3 /* ETH_P_ALL */)));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { RunAsRoot = true, Network = NetworkMode.Loopback });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(["raw_icmp EPERM", "raw_ip EPERM", "packet EPERM"], run.Lines);
        sandbox.AssertNextRunWorks();
    }

    [Theory, MemberData(nameof(Modes))]
    public void Netlink_shows_only_the_sandbox_loopback(NetworkMode mode)
    {
        // glibc's if_nameindex asks the kernel over a NETLINK_ROUTE socket (RTM_GETLINK).
        string program = sandbox.CompileC("""
            #include <net/if.h>
            int main(void)
            {
                struct if_nameindex *all = if_nameindex();
                if (!all) {
                    report("if_nameindex", -1);
                    return 1;
                }
                for (struct if_nameindex *i = all; i->if_index != 0; i++)
                    printf("interface %s\n", i->if_name);
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program], adjust: spec => spec with { Network = mode });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal(["interface lo"], run.Lines);
        Assert.True(NetworkInterface.GetAllNetworkInterfaces().Length > 1, "the host has only loopback, so this test proves nothing here");
        sandbox.AssertNextRunWorks();
    }

    [Theory, MemberData(nameof(Modes))]
    public void Abstract_unix_socket_of_the_host_is_unreachable(NetworkMode mode)
    {
        string name = $"judge-test-{Guid.NewGuid():N}";
        using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        listener.Bind(new UnixDomainSocketEndPoint("\0" + name));
        listener.Listen();
        string program = sandbox.CompileC("""
            #include <stddef.h>
            #include <sys/socket.h>
            #include <sys/un.h>
            int main(int argc, char **argv)
            {
                struct sockaddr_un addr = { .sun_family = AF_UNIX };
                size_t len = strlen(argv[1]);
                memcpy(addr.sun_path + 1, argv[1], len); /* sun_path[0] = 0: the abstract namespace */
                int fd = socket(AF_UNIX, SOCK_STREAM, 0);
                report("connect_abstract", connect(fd, (struct sockaddr *)&addr, (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + len)));
                return 0;
            }
            """);

        AttackRun run = sandbox.Run([program, name], adjust: spec => spec with { Network = mode });

        ResultAssert.Status(SandboxStatus.Ok, run);
        Assert.Equal("connect_abstract ECONNREFUSED\n", run.Stdout);
        Assert.False(listener.Poll(0, SelectMode.SelectRead), "a connection reached the host's socket");
        sandbox.AssertNextRunWorks();
    }
}
