/*
 * spawn.c: the clone() -> execve() window of a Judge sandbox run.
 *
 * Theory of operation
 * -------------------
 * Everything that is policy (which namespaces, which mounts, which ids, which limits, the seccomp
 * program) is decided and marshalled by C# (SandboxRunner, MountPlan, NativeSpawn). This file only carries it out,
 * in the one place where managed code cannot run: between clone() and execve() of the child.
 *
 * Like glibc's posix_spawn and .NET's pal_process.c, the child is created with CLONE_VM so the large
 * .NET process is not copied; unlike them it is not CLONE_VFORK, because the parent has work to do
 * while the child waits: write the child's uid_map/gid_map (the child may not map host ids itself)
 * and put it in its cgroup. The steps:
 *
 *   parent                                   child (new user, pid, mount, net, ipc, uts ns): PID 1
 *   ------                                   -----
 *   block all signals, clone() ------------> reset signal handlers, wait for "go" (raw syscalls only)
 *   uid_map, gid_map
 *   write pid to each cgroup.procs
 *   send "go" -----------------------------> become the namespace's root (drop host groups);
 *                                            new cgroup ns; mounts in order, pivot_root, detach old
 *                                            root; hostname; loopback; then vfork the program:
 *                                              PID 2: rlimits; stdio; mark fds CLOEXEC; drop bounding
 *                                              set; gid/uid; clear capabilities; no_new_privs;
 *                                              seccomp (last); execve
 *                                            once it has exec'd: drop bounding set, execveat init.c's
 *                                            judge-init, which reaps, forwards signals and writes the
 *                                            program's wait status to the status pipe
 *   read error pipe: EOF = both exec'd <----- or a {stage, index, errno} record, then _exit(127)
 *
 * The program is not PID 1, because PID 1 of a namespace ignores the signals it raises itself
 * (SIGXFSZ past the file size limit, SIGABRT from abort()), which would then mean nothing.
 *
 * Both children share the parent's memory until they exec, so they only read what C# marshalled,
 * call plain syscall wrappers (no malloc, no stdio, no locks), and write nothing but their own
 * stacks. Credentials change through raw syscall(SYS_setres[ug]id, ...), never glibc's setresuid and
 * friends: in a multithreaded process those take a glibc lock and signal every thread of the
 * process, and the child would do it with the parent's thread list (a lock held at clone time is
 * held forever). They also share the calling thread's errno (CLONE_VM without a TLS of their own):
 * until "go" the child makes only raw syscalls, which leave errno alone, because the parent thread
 * reads errno then; after "go" the parent thread only blocks on the error pipe until both have exec'd.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/close_range.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <net/if.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "raw_syscall.h"

/* Must match NativeSpawn.MountKind, NativeSpawn.Stage and the structs of NativeSpawn.cs: the _Static_asserts below fix
 * the layouts here, and judge_spawn_layout hands them to a test that compares them with the C# side's. */
enum mount_kind { MOUNT_DIR = 0, MOUNT_SYMLINK = 1, MOUNT_FILE = 2, MOUNT_MOUNT = 3, MOUNT_REMOUNT = 4 };

enum stage {
    STAGE_NONE = 0, STAGE_CLONE, STAGE_UID_MAP, STAGE_GID_MAP, STAGE_CGROUP,
    STAGE_RELEASE, STAGE_CGROUP_NS, STAGE_MOUNT_PRIVATE, STAGE_MOUNT, STAGE_PIVOT_ROOT,
    STAGE_DETACH_OLD_ROOT, STAGE_HOSTNAME, STAGE_LOOPBACK, STAGE_RLIMIT, STAGE_STDIO, STAGE_CLOSE_FDS,
    STAGE_CHDIR, STAGE_SETGROUPS, STAGE_SETGID, STAGE_SETUID, STAGE_CAPS, STAGE_NO_NEW_PRIVS,
    STAGE_SECCOMP, STAGE_EXEC, STAGE_START_PROGRAM, STAGE_EXEC_INIT, STAGE_KILLED_BEFORE_EXEC,
};

struct mount_op {
    int32_t kind;
    int32_t mode;
    const char *source;
    const char *target;
    const char *fstype;
    const char *data;
    uint64_t flags;
};

struct rlimit_op {
    int32_t resource;
    int32_t pad;
    uint64_t value;
};

struct spawn_request {
    const char *const *argv;
    const char *const *envp;
    const char *cwd;
    const char *hostname;
    const char *new_root;          /* host directory the tmpfs root is built on */
    const struct mount_op *mounts; /* executed in order, targets are absolute host paths under new_root */
    const struct rlimit_op *rlimits;
    const struct sock_filter *seccomp;
    const char *uid_map;
    const char *gid_map;
    const int32_t *cgroup_fds;     /* open cgroup.procs files, one per hierarchy */
    int32_t mount_count;
    int32_t rlimit_count;
    int32_t seccomp_count;
    int32_t cgroup_fd_count;
    int32_t stdin_fd, stdout_fd, stderr_fd; /* -1: keep the caller's */
    uint32_t uid, gid;             /* ids inside the sandbox */
    int32_t loopback_up;
    int32_t keep_root;             /* uid 0 inside: still drop every capability */
    int32_t init_fd;               /* open judge-init executable (init.c), exec'd as PID 1 */
};

struct spawn_error {
    int32_t stage;
    int32_t index;
    int32_t error;
};

#include <stddef.h>
_Static_assert(sizeof(struct mount_op) == 48 && offsetof(struct mount_op, flags) == 40, "mount_op layout");
_Static_assert(sizeof(struct rlimit_op) == 16 && offsetof(struct rlimit_op, value) == 8, "rlimit_op layout");
_Static_assert(sizeof(struct spawn_request) == 136 && offsetof(struct spawn_request, mount_count) == 88 &&
               offsetof(struct spawn_request, init_fd) == 132, "spawn_request layout");
_Static_assert(sizeof(struct spawn_error) == 12 && offsetof(struct spawn_error, error) == 8, "spawn_error layout");

/* Sizes and field offsets of the structs C# fills, in declaration order, for the layout test (NativeSpawnLayoutTests).
 * Returns how many numbers there are; writes at most `capacity` of them. */
int judge_spawn_layout(int32_t *out, int32_t capacity)
{
#define FIELDS(type, ...) sizeof(struct type), __VA_ARGS__
    const size_t layout[] = {
        FIELDS(mount_op, offsetof(struct mount_op, kind), offsetof(struct mount_op, mode), offsetof(struct mount_op, source),
               offsetof(struct mount_op, target), offsetof(struct mount_op, fstype), offsetof(struct mount_op, data),
               offsetof(struct mount_op, flags)),
        FIELDS(rlimit_op, offsetof(struct rlimit_op, resource), offsetof(struct rlimit_op, pad), offsetof(struct rlimit_op, value)),
        FIELDS(spawn_request, offsetof(struct spawn_request, argv), offsetof(struct spawn_request, envp),
               offsetof(struct spawn_request, cwd), offsetof(struct spawn_request, hostname), offsetof(struct spawn_request, new_root),
               offsetof(struct spawn_request, mounts), offsetof(struct spawn_request, rlimits), offsetof(struct spawn_request, seccomp),
               offsetof(struct spawn_request, uid_map), offsetof(struct spawn_request, gid_map), offsetof(struct spawn_request, cgroup_fds),
               offsetof(struct spawn_request, mount_count), offsetof(struct spawn_request, rlimit_count),
               offsetof(struct spawn_request, seccomp_count), offsetof(struct spawn_request, cgroup_fd_count),
               offsetof(struct spawn_request, stdin_fd), offsetof(struct spawn_request, stdout_fd), offsetof(struct spawn_request, stderr_fd),
               offsetof(struct spawn_request, uid), offsetof(struct spawn_request, gid), offsetof(struct spawn_request, loopback_up),
               offsetof(struct spawn_request, keep_root), offsetof(struct spawn_request, init_fd)),
        FIELDS(spawn_error, offsetof(struct spawn_error, stage), offsetof(struct spawn_error, index), offsetof(struct spawn_error, error)),
    };
#undef FIELDS
    int32_t count = (int32_t)(sizeof layout / sizeof layout[0]);
    for (int32_t i = 0; i < count && i < capacity; i++)
        out[i] = (int32_t)layout[i];
    return count;
}

struct child_args {
    const struct spawn_request *req;
    int go_fd;
    int err_fd;
    int status_fd;                 /* write end of the status pipe, for judge-init */
    char *program_stack;           /* top of the program's stack, until it has exec'd */
};

struct program_args {
    const struct spawn_request *req;
    int err_fd;
    /* Set just before execve and cleared if it fails: shared memory until the exec, so PID 1 can tell
     * "exec'd" from "killed before it got there" once vfork returns. */
    volatile int exec_attempted;
};

/* Two stacks: PID 1's from the top, the program's from the middle. */
#define CHILD_STACK_SIZE (256 * 1024)


static void write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return;
        p += n;
        len -= (size_t)n;
    }
}

static _Noreturn void child_fail(int err_fd, int stage, int index)
{
    struct spawn_error e = { stage, index, errno };
    write_all(err_fd, &e, sizeof e);
    _exit(127);
}

/* Every signal back to its default: the program must not inherit the worker's handlers (they point
 * into the .NET runtime) nor what it ignores (the runtime ignores SIGPIPE). The kernel's struct
 * sigaction with a NULL handler is SIG_DFL; glibc's wrapper would write errno for the signals it
 * reserves. */
static void reset_signals(void)
{
    struct { void *handler; unsigned long flags; void *restorer; uint64_t mask; } dfl = { 0 };
    for (int sig = 1; sig < NSIG; sig++) {
        if (sig != SIGKILL && sig != SIGSTOP)
            raw_syscall(SYS_rt_sigaction, sig, (long)&dfl, 0, sizeof dfl.mask);
    }
}

static int wait_for_go(int go_fd)
{
    char byte;
    long n;
    do {
        n = raw_syscall(SYS_read, go_fd, (long)&byte, 1, 0);
    } while (n == -EINTR);
    return n == 1 ? 0 : -1;
}

static int run_mounts(const struct spawn_request *req, int *failed_index)
{
    for (int i = 0; i < req->mount_count; i++) {
        const struct mount_op *m = &req->mounts[i];
        int rc = 0;
        *failed_index = i;
        switch (m->kind) {
        case MOUNT_DIR:
            rc = mkdir(m->target, (mode_t)m->mode);
            if (rc < 0 && errno == EEXIST)
                rc = 0;
            break;
        case MOUNT_SYMLINK:
            rc = symlink(m->source, m->target);
            break;
        case MOUNT_FILE:
            rc = mknod(m->target, S_IFREG | (mode_t)m->mode, 0);
            if (rc < 0 && errno == EEXIST)
                rc = 0;
            break;
        case MOUNT_MOUNT:
        case MOUNT_REMOUNT:
            rc = mount(m->source, m->target, m->fstype, (unsigned long)m->flags, m->data);
            break;
        default:
            errno = EINVAL;
            rc = -1;
        }
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int bring_up_loopback(void)
{
    struct ifreq ifr;
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    memset(&ifr, 0, sizeof ifr);
    memcpy(ifr.ifr_name, "lo", 3);
    ifr.ifr_flags = IFF_UP | IFF_RUNNING;
    int rc = ioctl(fd, SIOCSIFFLAGS, &ifr);
    close(fd);
    return rc;
}

/* The bounding and ambient sets, while we still hold CAP_SETPCAP: no exec can regain a capability. */
static int drop_bounding_set(void)
{
    for (int cap = 0; cap <= 63; cap++) {
        if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0 && errno != EINVAL)
            return -1;
    }
    if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
        return -1;
    return 0;
}

/* Effective, permitted, inheritable: after this even uid 0 inside holds no capability. */
static int clear_capabilities(void)
{
    struct __user_cap_header_struct header = { .version = _LINUX_CAPABILITY_VERSION_3, .pid = 0 };
    struct __user_cap_data_struct data[2];
    memset(data, 0, sizeof data);
    return (int)syscall(SYS_capset, &header, data);
}

/* PID 2: the program. Everything that limits or unprivileges it, then execve. */
static int program_main(void *arg)
{
    struct program_args *p = arg;
    const struct spawn_request *req = p->req;
    int err = p->err_fd;

    for (int i = 0; i < req->rlimit_count; i++) {
        struct rlimit rl = { (rlim_t)req->rlimits[i].value, (rlim_t)req->rlimits[i].value };
        if (setrlimit(req->rlimits[i].resource, &rl) < 0)
            child_fail(err, STAGE_RLIMIT, i);
    }

    const int stdio[3] = { req->stdin_fd, req->stdout_fd, req->stderr_fd };
    for (int fd = 0; fd < 3; fd++) {
        if (stdio[fd] >= 0 && dup2(stdio[fd], fd) < 0)
            child_fail(err, STAGE_STDIO, fd);
    }
    /* Every other descriptor closes at exec; the error pipe stays open until then. */
    if (syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        child_fail(err, STAGE_CLOSE_FDS, 0);

    if (chdir(req->cwd) < 0)
        child_fail(err, STAGE_CHDIR, 0);

    if (drop_bounding_set() < 0)
        child_fail(err, STAGE_CAPS, 0);
    if (!req->keep_root && syscall(SYS_setresgid, req->gid, req->gid, req->gid) < 0)
        child_fail(err, STAGE_SETGID, 0);
    if (!req->keep_root && syscall(SYS_setresuid, req->uid, req->uid, req->uid) < 0)
        child_fail(err, STAGE_SETUID, 0);
    if (clear_capabilities() < 0)
        child_fail(err, STAGE_CAPS, 0);

    if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        child_fail(err, STAGE_NO_NEW_PRIVS, 0);
    if (req->seccomp_count > 0) {
        struct sock_fprog prog = { (unsigned short)req->seccomp_count, (struct sock_filter *)req->seccomp };
        if (prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog, 0, 0) < 0)
            child_fail(err, STAGE_SECCOMP, 0);
    }

    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    p->exec_attempted = 1;
    execve(req->argv[0], (char *const *)req->argv, (char *const *)req->envp);
    p->exec_attempted = 0;
    child_fail(err, STAGE_EXEC, 0);
}

/* Decimal text of a non-negative int, for judge-init's arguments (no stdio between clone and exec). */
static void format_int(char *out, int value)
{
    char digits[12];
    int n = 0;
    do {
        digits[n++] = (char)('0' + value % 10);
        value /= 10;
    } while (value > 0);
    while (n > 0)
        *out++ = digits[--n];
    *out = '\0';
}

/* PID 1: the namespaces' setup, then the program as PID 2, then judge-init in this process's place. */
static int child_main(void *arg)
{
    const struct child_args *a = arg;
    const struct spawn_request *req = a->req;
    int err = a->err_fd;
    int index = 0;

    reset_signals();
    if (wait_for_go(a->go_fd) < 0) {
        errno = ECANCELED;
        child_fail(err, STAGE_RELEASE, 0);
    }
    close(a->go_fd);

    /* Until now we carried the caller's host credentials, which the new namespace cannot map (files
     * we create would fail with EOVERFLOW). Become its root, and shed the caller's supplementary
     * groups: setgroups stays allowed because the mapping was written by host root, and the program
     * can never call it again, as it ends with no capabilities. */
    if (syscall(SYS_setresgid, 0, 0, 0) < 0)
        child_fail(err, STAGE_SETGID, 0);
    if (syscall(SYS_setgroups, 0, NULL) < 0)
        child_fail(err, STAGE_SETGROUPS, 0);
    if (syscall(SYS_setresuid, 0, 0, 0) < 0)
        child_fail(err, STAGE_SETUID, 0);

    /* Now inside the run's cgroup: make it our cgroup namespace root. Optional on old kernels. */
    if (unshare(CLONE_NEWCGROUP) < 0 && errno != EINVAL)
        child_fail(err, STAGE_CGROUP_NS, 0);

    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
        child_fail(err, STAGE_MOUNT_PRIVATE, 0);
    if (run_mounts(req, &index) < 0)
        child_fail(err, STAGE_MOUNT, index);

    /* pivot_root(".", ".") stacks the old root under the new one; detaching it leaves only ours. */
    if (chdir(req->new_root) < 0 || syscall(SYS_pivot_root, ".", ".") < 0)
        child_fail(err, STAGE_PIVOT_ROOT, 0);
    if (umount2(".", MNT_DETACH) < 0)
        child_fail(err, STAGE_DETACH_OLD_ROOT, 0);

    if (sethostname(req->hostname, strlen(req->hostname)) < 0)
        child_fail(err, STAGE_HOSTNAME, 0);
    if (req->loopback_up && bring_up_loopback() < 0)
        child_fail(err, STAGE_LOOPBACK, 0);

    /* CLONE_VFORK: we go on only once the program has exec'd or died, and its stack is free again. */
    struct program_args p = { req, err, 0 };
    pid_t program = clone(program_main, a->program_stack, CLONE_VM | CLONE_VFORK | SIGCHLD, &p);
    if (program < 0)
        child_fail(err, STAGE_START_PROGRAM, 0);
    if (!p.exec_attempted) {
        /* It wrote why to the error pipe first, or was killed before it could (its cgroup's limits, say). */
        errno = ECHILD;
        child_fail(err, STAGE_KILLED_BEFORE_EXEC, 0);
    }

    /* judge-init runs with no capability (root inside regains none across exec without a bounding set),
     * and with no descriptor but the status pipe. */
    char program_text[12], status_text[12];
    format_int(program_text, program);
    format_int(status_text, a->status_fd);
    char *const init_argv[] = { "judge-init", program_text, status_text, NULL };
    char *const init_envp[] = { NULL };
    if (drop_bounding_set() < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
        syscall(SYS_close_range, 0, ~0U, CLOSE_RANGE_CLOEXEC) < 0 || fcntl(a->status_fd, F_SETFD, 0) < 0) {
        kill(program, SIGKILL);
        child_fail(err, STAGE_EXEC_INIT, 0);
    }
    syscall(SYS_execveat, req->init_fd, "", init_argv, init_envp, AT_EMPTY_PATH);
    kill(program, SIGKILL);
    child_fail(err, STAGE_EXEC_INIT, 0);
}

/* Parent side only (an ordinary thread, so stdio is fine here): writes text to a /proc/<pid> file. */
static int write_proc_file(pid_t pid, const char *leaf, const char *text)
{
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, leaf);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    ssize_t len = (ssize_t)strlen(text);
    ssize_t n = write(fd, text, (size_t)len);
    int saved = errno;
    close(fd);
    errno = saved;
    return n == len ? 0 : -1;
}

static int write_pid(int fd, pid_t pid)
{
    char text[16];
    int n = snprintf(text, sizeof text, "%d", (int)pid);
    return write(fd, text, (size_t)n) == n ? 0 : -1;
}

/*
 * One child stack per calling thread, kept until the thread exits: the child is done with it once it
 * has exec'd or died, and unmapping it every run costs a TLB shootdown on every CPU the .NET process
 * runs on.
 */
static pthread_key_t stack_key;
static pthread_once_t stack_key_once = PTHREAD_ONCE_INIT;

static void free_child_stack(void *stack)
{
    munmap(stack, CHILD_STACK_SIZE);
}

static void make_stack_key(void)
{
    pthread_key_create(&stack_key, free_child_stack);
}

static void *thread_child_stack(void)
{
    pthread_once(&stack_key_once, make_stack_key);
    void *stack = pthread_getspecific(stack_key);
    if (stack != NULL)
        return stack;
    stack = mmap(NULL, CHILD_STACK_SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED)
        return NULL;
    if (pthread_setspecific(stack_key, stack) != 0) {
        munmap(stack, CHILD_STACK_SIZE);
        errno = ENOMEM;
        return NULL;
    }
    return stack;
}

/*
 * Starts the sandboxed program. Returns the pid of its namespace's init (a child of the calling
 * process, which exits when the program does) and, in *status_fd, the read end of a pipe where init
 * writes the program's wait status before it exits; or -1 with *error saying which step failed and
 * why, a failed child reaped and no pipe left open.
 */
int judge_spawn(const struct spawn_request *req, struct spawn_error *error, int32_t *status_fd)
{
    int go[2] = { -1, -1 }, err[2] = { -1, -1 }, status[2] = { -1, -1 };
    pid_t pid = -1;
    int stage = STAGE_NONE;
    sigset_t all, old;

    memset(error, 0, sizeof *error);
    *status_fd = -1;
    if (pipe2(go, O_CLOEXEC) < 0 || pipe2(err, O_CLOEXEC) < 0 || pipe2(status, O_CLOEXEC) < 0) {
        error->stage = STAGE_CLONE;
        error->error = errno;
        goto out;
    }
    void *stack = thread_child_stack();
    if (stack == NULL) {
        error->stage = STAGE_CLONE;
        error->error = errno;
        goto out;
    }

    struct child_args args = { req, go[0], err[1], status[1], (char *)stack + CHILD_STACK_SIZE / 2 };
    int flags = CLONE_VM | CLONE_NEWUSER | CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWNET | CLONE_NEWIPC |
                CLONE_NEWUTS | SIGCHLD;

    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pid = clone(child_main, (char *)stack + CHILD_STACK_SIZE, flags, &args);
    if (pid < 0) {
        stage = STAGE_CLONE;
        goto fail;
    }
    close(go[0]);
    go[0] = -1;
    close(err[1]);
    err[1] = -1;
    close(status[1]);
    status[1] = -1;

    /* Parent side: the child is blocked on "go" and touches no errno until then. */
    if (write_proc_file(pid, "uid_map", req->uid_map) < 0) {
        stage = STAGE_UID_MAP;
        goto fail;
    }
    if (write_proc_file(pid, "gid_map", req->gid_map) < 0) {
        stage = STAGE_GID_MAP;
        goto fail;
    }
    for (int i = 0; i < req->cgroup_fd_count; i++) {
        if (write_pid(req->cgroup_fds[i], pid) < 0) {
            error->index = i;
            stage = STAGE_CGROUP;
            goto fail;
        }
    }
    if (write(go[1], "g", 1) != 1) {
        stage = STAGE_RELEASE;
        goto fail;
    }

    /* EOF: the program and then init exec'd (the pipe is CLOEXEC). A record: a step failed. */
    struct spawn_error child_error;
    ssize_t n;
    do {
        n = read(err[0], &child_error, sizeof child_error);
    } while (n < 0 && errno == EINTR);
    if (n == (ssize_t)sizeof child_error) {
        *error = child_error;
        waitpid(pid, NULL, 0);
        pid = -1;
    } else if (n != 0) {
        error->stage = STAGE_EXEC;
        error->error = n < 0 ? errno : EPROTO;
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        pid = -1;
    } else {
        *status_fd = status[0];
        status[0] = -1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    goto out;

fail:
    error->stage = stage;
    error->error = errno;
    if (pid > 0) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        pid = -1;
    }
    pthread_sigmask(SIG_SETMASK, &old, NULL);
out:
    for (int i = 0; i < 2; i++) {
        if (go[i] >= 0)
            close(go[i]);
        if (err[i] >= 0)
            close(err[i]);
        if (status[i] >= 0)
            close(status[i]);
    }
    return pid;
}
