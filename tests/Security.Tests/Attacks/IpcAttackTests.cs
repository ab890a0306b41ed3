using System.Runtime.InteropServices;

namespace Judge.Security.Tests.Attacks;

/// <summary>Programs that try to talk to the host, or to another submission running at the same time, through IPC.</summary>
[Collection(AttackCollection.Name)]
public sealed class IpcAttackTests(AttackFixture sandbox)
{
    private const int IpcCreat = 0x200, IpcExcl = 0x400, IpcRmid = 0;

    [DllImport("libc", SetLastError = true)]
    private static extern int shmget(int key, nuint size, int flags);

    [DllImport("libc", SetLastError = true)]
    private static extern int shmctl(int id, int command, nint buffer);

    [Fact]
    public void SysV_shared_memory_of_the_host_is_invisible()
    {
        int key = Random.Shared.Next(0x10000, int.MaxValue);
        int id = shmget(key, 4096, IpcCreat | IpcExcl | 0b110_110_110);
        Assert.True(id >= 0, $"could not create the host's segment: errno {Marshal.GetLastPInvokeError()}");
        string program = sandbox.CompileC("""
            #include <sys/ipc.h>
            #include <sys/shm.h>
            int main(int argc, char **argv)
            {
                struct shm_info info;
                report("shmget_host_key", shmget(atoi(argv[1]), 0, 0));
                int highest = shmctl(0, SHM_INFO, (struct shmid_ds *)&info);
                printf("segments %d\n", highest < 0 ? -1 : info.used_ids);
                report("shmat_host_id", (long)shmat(atoi(argv[2]), NULL, 0));
                return 0;
            }
            """);

        try
        {
            AttackRun run = sandbox.Run([program, key.ToString(), id.ToString()], adjust: spec => spec with { RunAsRoot = true });

            ResultAssert.Status(SandboxStatus.Ok, run);
            Assert.Equal(["shmget_host_key ENOENT", "segments 0", "shmat_host_id EINVAL"], run.Lines);
        }
        finally
        {
            shmctl(id, IpcRmid, 0);
        }
        sandbox.AssertNextRunWorks();
    }

    [Fact]
    public async Task Two_submissions_running_at_once_cannot_pass_a_byte()
    {
        // The writer publishes through every channel it can; the reader polls them all while both run.
        string program = sandbox.CompileC("""
            #include <stddef.h>
            #include <sys/file.h>
            #include <sys/ipc.h>
            #include <sys/shm.h>
            #include <sys/socket.h>
            #include <sys/un.h>
            #include <time.h>
            #define KEY 0x4a554447
            static const char sock_name[] = "\0judge-pair";
            static struct sockaddr_un sock_addr(void)
            {
                struct sockaddr_un a = { .sun_family = AF_UNIX };
                memcpy(a.sun_path, sock_name, sizeof sock_name - 1);
                return a;
            }
            static const socklen_t sock_len = offsetof(struct sockaddr_un, sun_path) + sizeof sock_name - 1;
            static void writer(void)
            {
                int id = shmget(KEY, 4096, IPC_CREAT | 0666);
                report("sysv_create", id);
                if (id >= 0)
                    *(char *)shmat(id, NULL, 0) = 'x';
                report("posix_shm_create", shm_open("/judge-pair", O_CREAT | O_RDWR, 0666));
                int fd = open("/tmp/judge-pair", O_CREAT | O_RDWR, 0666);
                report("tmp_file_lock", fd < 0 ? -1 : flock(fd, LOCK_EX));
                struct sockaddr_un a = sock_addr();
                int s = socket(AF_UNIX, SOCK_STREAM, 0);
                report("abstract_listen", bind(s, (struct sockaddr *)&a, sock_len) < 0 ? -1 : listen(s, 1));
                sleep(2);
            }
            static void reader(void)
            {
                int seen_sysv = 0, seen_posix = 0, seen_tmp = 0, seen_lock = 0, seen_sock = 0;
                struct timespec start, now;
                clock_gettime(CLOCK_MONOTONIC, &start);
                do {
                    seen_sysv |= shmget(KEY, 0, 0) >= 0;
                    int p = shm_open("/judge-pair", O_RDONLY, 0);
                    seen_posix |= p >= 0;
                    int fd = open("/tmp/judge-pair", O_RDONLY);
                    seen_tmp |= fd >= 0;
                    seen_lock |= fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0;
                    struct sockaddr_un a = sock_addr();
                    int s = socket(AF_UNIX, SOCK_STREAM, 0);
                    seen_sock |= connect(s, (struct sockaddr *)&a, sock_len) == 0;
                    close(s);
                    if (fd >= 0) close(fd);
                    if (p >= 0) close(p);
                    usleep(20000);
                    clock_gettime(CLOCK_MONOTONIC, &now);
                } while (now.tv_sec - start.tv_sec < 2);
                printf("seen sysv=%d posix=%d tmp=%d lock=%d socket=%d\n", seen_sysv, seen_posix, seen_tmp, seen_lock, seen_sock);
            }
            int main(int argc, char **argv)
            {
                if (argc > 1 && strcmp(argv[1], "writer") == 0)
                    writer();
                else
                    reader();
                return 0;
            }
            """);

        Task<AttackRun> writing = Task.Run(() => sandbox.Run([program, "writer"]));
        Task<AttackRun> reading = Task.Run(() => sandbox.Run([program, "reader"]));
        AttackRun writer = await writing, reader = await reading;

        ResultAssert.Status(SandboxStatus.Ok, writer);
        ResultAssert.Status(SandboxStatus.Ok, reader);
        // The writer really did publish (POSIX shm has no /dev/shm to live in; file locks are refused everywhere, as a
        // channel through the inodes runs share: SharedInodeAttackTests), and the reader saw none of it.
        Assert.Equal(["sysv_create ok", "posix_shm_create ENOENT", "tmp_file_lock ENOLCK", "abstract_listen ok"], writer.Lines);
        Assert.Equal("seen sysv=0 posix=0 tmp=0 lock=0 socket=0\n", reader.Stdout);
        sandbox.AssertNextRunWorks();
    }
}
