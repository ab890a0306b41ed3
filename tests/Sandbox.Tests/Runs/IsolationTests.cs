using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;

namespace Judge.Sandbox.Tests.Runs;

/// <summary>Each test is a program that tries to reach something of the host, and an assertion that it could not.</summary>
[Collection(SandboxCollection.Name)]
public sealed partial class IsolationTests(SandboxFixture sandbox)
{
    private (SandboxResult Result, string Stdout) Run(string[] command, params string[] with) => Run(command, NetworkMode.None, with);

    private (SandboxResult Result, string Stdout) Run(string[] command, NetworkMode network, params string[] with)
    {
        string dir = sandbox.NewDirectory();
        string stdout = Path.Combine(dir, "stdout");
        SandboxResult result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = command,
            With = with,
            Limits = new SandboxLimits { CpuTime = TimeSpan.FromSeconds(2), WallTime = TimeSpan.FromSeconds(5), MemoryBytes = 64 << 20 },
            StdoutPath = stdout,
            StderrPath = stdout,
            Network = network,
        });
        return (result, File.ReadAllText(stdout));
    }

    [Fact]
    public void Program_sees_only_its_own_pid_namespace()
    {
        (SandboxResult result, string stdout) = Run(["/bin/sh", "-c", "echo $$ /proc/[0-9]*"]);

        ResultAssert.Status(SandboxStatus.Ok, result);
        // PID 1 is the sandbox's init; the program is PID 2, and sees no other process.
        Assert.Equal("2 /proc/1 /proc/2", stdout.Trim());
    }

    [Fact]
    public void Network_has_no_interface_but_loopback()
    {
        (SandboxResult result, string stdout) = Run(["/bin/sh", "-c", "while read line; do echo \"$line\"; done < /proc/net/dev"]);

        ResultAssert.Status(SandboxStatus.Ok, result);
        string[] interfaces = stdout.Split('\n').Skip(2).Where(l => l.Contains(':')).Select(l => l.Split(':')[0].Trim()).ToArray();
        Assert.Equal(["lo"], interfaces);
    }

    [Fact]
    public void Program_runs_in_a_network_namespace_other_than_the_hosts()
    {
        string host = new FileInfo("/proc/self/ns/net").LinkTarget!;

        (SandboxResult result, string stdout) = Run(["/usr/bin/readlink", "/proc/self/ns/net"]);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.StartsWith("net:[", stdout);
        Assert.NotEqual(host, stdout.Trim());
    }

    [Fact]
    public void Program_cannot_connect_to_a_port_open_on_the_host_loopback()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        string program = sandbox.CompileC(Programs.Connect);

        (SandboxResult result, string stdout) = Run([program, port.ToString()]);

        ResultAssert.Status(SandboxStatus.RuntimeError, result);
        Assert.StartsWith("connect failed", stdout);
        Assert.False(listener.Pending());
    }

    [Fact]
    public void Loopback_network_is_the_sandboxs_own_and_still_does_not_reach_the_host()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int hostPort = ((IPEndPoint)listener.LocalEndpoint).Port;
        string program = sandbox.CompileC(Programs.LoopbackEcho);

        (SandboxResult result, string stdout) = Run([program, hostPort.ToString()], NetworkMode.Loopback);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("own loopback works; host port: connect failed", stdout.Trim());
        Assert.False(listener.Pending());
    }

    [Fact]
    public void Program_cannot_read_a_host_file_outside_its_root()
    {
        string secret = Path.Combine(sandbox.NewDirectory(), "secret.txt");
        File.WriteAllText(secret, "host secret");
        File.SetUnixFileMode(secret, (UnixFileMode)0b110_100_100);

        (SandboxResult result, string stdout) = Run(["/bin/cat", secret]);

        ResultAssert.Status(SandboxStatus.RuntimeError, result);
        Assert.DoesNotContain("host secret", stdout);
        Assert.Contains("No such file", stdout);
    }

    [Fact]
    public void Program_does_not_see_a_SysV_shared_memory_segment_of_the_host()
    {
        int key = Random.Shared.Next(0x10000, 0x7fffffff);
        int id = ShmGet(key, 4096, 0x200 /* IPC_CREAT */ | 0b110_110_110);
        Assert.True(id >= 0, "the test could not create a SysV segment on the host");
        try
        {
            string program = sandbox.CompileC(Programs.ShmGet);

            (SandboxResult result, string stdout) = Run([program, key.ToString()]);

            ResultAssert.Status(SandboxStatus.RuntimeError, result);
            Assert.StartsWith("shmget failed: No such file", stdout);
        }
        finally
        {
            ShmCtl(id, 0 /* IPC_RMID */, 0);
        }
    }

    [Fact]
    public void Program_cannot_change_the_hosts_hostname()
    {
        string before = File.ReadAllText("/proc/sys/kernel/hostname");
        string program = sandbox.CompileC(Programs.Hostname);

        (SandboxResult result, string stdout) = Run([program]);

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("sandbox sethostname failed", stdout.Trim());
        Assert.Equal(before, File.ReadAllText("/proc/sys/kernel/hostname"));
    }

    [Fact]
    public void Program_is_not_host_root_and_runs_unprivileged_inside()
    {
        (SandboxResult result, string stdout) = Run(["/bin/sh", "-c", "read inside outside count < /proc/self/uid_map; echo $inside $outside $count"]);

        ResultAssert.Status(SandboxStatus.Ok, result);
        string[] map = stdout.Trim().Split(' ');
        Assert.Equal("0", map[0]);
        Assert.NotEqual("0", map[1]);
        Assert.True(uint.Parse(map[1]) >= sandbox.Runner.Options.HostIdRangeStart);

        string program = sandbox.CompileC(Programs.Ids);
        (result, stdout) = Run([program]);
        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("uid 1000 euid 1000 caps 0", stdout.Trim());
    }

    [LibraryImport("libc", EntryPoint = "shmget")]
    private static partial int ShmGet(int key, nint size, int flags);

    [LibraryImport("libc", EntryPoint = "shmctl")]
    private static partial int ShmCtl(int id, int command, nint buffer);

    private static class Programs
    {
        public const string Connect = """
            #include <arpa/inet.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <errno.h>
            #include <sys/socket.h>
            int main(int argc, char **argv) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(atoi(argv[1])) };
                inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
                if (connect(fd, (struct sockaddr *)&a, sizeof a) < 0) { printf("connect failed: %s\n", strerror(errno)); return 1; }
                printf("connected\n");
                return 0;
            }
            """;

        /// <summary>Listens on 127.0.0.1 inside, connects to itself, then tries the host's port.</summary>
        public const string LoopbackEcho = """
            #include <arpa/inet.h>
            #include <stdio.h>
            #include <stdlib.h>
            #include <sys/socket.h>
            static int dial(int port) {
                int fd = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
                inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
                return connect(fd, (struct sockaddr *)&a, sizeof a);
            }
            int main(int argc, char **argv) {
                int server = socket(AF_INET, SOCK_STREAM, 0);
                struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(7000) };
                inet_pton(AF_INET, "127.0.0.1", &a.sin_addr);
                if (bind(server, (struct sockaddr *)&a, sizeof a) < 0 || listen(server, 1) < 0 || dial(7000) < 0) { printf("own loopback failed\n"); return 1; }
                printf("own loopback works; host port: %s\n", dial(atoi(argv[1])) < 0 ? "connect failed" : "connected");
                return 0;
            }
            """;

        public const string ShmGet = """
            #include <stdio.h>
            #include <stdlib.h>
            #include <string.h>
            #include <errno.h>
            #include <sys/shm.h>
            int main(int argc, char **argv) {
                int id = shmget(atoi(argv[1]), 0, 0);
                if (id < 0) { printf("shmget failed: %s\n", strerror(errno)); return 1; }
                printf("found segment %d\n", id);
                return 0;
            }
            """;

        public const string Hostname = """
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
                char name[256] = {0};
                gethostname(name, sizeof name - 1);
                printf("%s %s\n", name, sethostname("evil", 4) == 0 ? "sethostname worked" : "sethostname failed");
                return 0;
            }
            """;

        public const string Ids = """
            #include <stdio.h>
            #include <unistd.h>
            #include <linux/capability.h>
            #include <sys/syscall.h>
            int main(void) {
                struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
                struct __user_cap_data_struct d[2] = {0};
                syscall(SYS_capget, &h, d);
                printf("uid %d euid %d caps %x\n", getuid(), geteuid(), d[0].effective | d[0].permitted | d[1].effective | d[1].permitted);
                return 0;
            }
            """;
    }
}
