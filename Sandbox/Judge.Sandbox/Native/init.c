/*
 * init.c: PID 1 of a Judge sandbox's pid namespace (judge-init, a static executable without libc).
 *
 * Theory of operation
 * -------------------
 * The init of a pid namespace is special: a signal it gets from inside with the default action is
 * dropped, and when it exits the kernel kills everything else in the namespace. A program run as
 * PID 1 would therefore never die of SIGXFSZ, SIGABRT or any signal it raises itself, and report
 * EFBIG, "exited 0" or whatever follows instead. So spawn.c's child, once it has built the
 * namespaces, starts the program as PID 2 (vfork, so the program is exec'd before anything else
 * happens) and then execs this file in its own place. From here on:
 *
 *   - every signal is blocked and taken with rt_sigtimedwait: SIGCHLD means reap, anything else
 *     (sent from outside, or by the program to PID 1) is passed on to the program;
 *   - every child that ends is reaped, orphans of the program included, so nothing stays a zombie;
 *   - when the program ends, its wait status, exactly as the kernel gave it, is written to the
 *     status pipe, and init exits: the kernel then kills what the program left running.
 *
 * Nothing here trusts the program: it cannot signal init (a kill from inside is queued, then only
 * forwarded back to the program), cannot read or write init's memory (init is not dumpable, and the
 * program has no capability), and init reads no input from the sandbox besides wait statuses.
 *
 * No libc: every run execs this file, and a static glibc's start-up (CPU feature probing, TLS, stdio)
 * tripled the cost of that exec (docs/benchmarks.md). So: our own entry point, raw system calls, and
 * nothing that needs a thread pointer (hence -fno-stack-protector in the build).
 *
 * Usage (by spawn.c only): judge-init PROGRAM_PID STATUS_FD
 */
#include <asm/unistd.h>
#include <linux/prctl.h>
#include <linux/wait.h>

#include "raw_syscall.h"

#define SIGCHLD 17       /* the same on x86_64 and arm64 */
#define ECHILD 10
#define SIGSET_BYTES 8   /* the kernel's sigset_t, for rt_sig* */

/* The kernel starts us with argc, then argv, on the stack; the entry point hands that address to init_main. */
__attribute__((noreturn, used)) void init_main(long *stack);
__asm__(".text\n.global _start\n_start:\n"
#if defined(__x86_64__)
        "    mov %rsp, %rdi\n    and $-16, %rsp\n    call init_main\n    hlt\n"
#elif defined(__aarch64__)
        "    mov x0, sp\n    bl init_main\n    brk #0\n"
#endif
);

static __attribute__((noreturn)) void exit_with(int code)
{
    for (;;)
        raw_syscall(__NR_exit_group, code, 0, 0, 0);
}

static int parse_int(const char *text)
{
    int value = 0;
    for (; *text >= '0' && *text <= '9'; text++)
        value = value * 10 + (*text - '0');
    return value;
}

static int write_all(int fd, const char *p, long len)
{
    while (len > 0) {
        long n = raw_syscall(__NR_write, fd, (long)p, len, 0);
        if (n == -4 /* EINTR */)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= n;
    }
    return 0;
}

void init_main(long *stack)
{
    long argc = stack[0];
    char **argv = (char **)(stack + 1);
    if (argc != 3)
        exit_with(2);
    int program = parse_int(argv[1]);
    int status_fd = parse_int(argv[2]);

    /* Not dumpable: /proc/1/mem and friends stay closed to the program even when it runs as uid 0 inside. */
    raw_syscall(__NR_prctl, PR_SET_DUMPABLE, 0, 0, 0);
    unsigned long all = ~0UL;
    raw_syscall(__NR_rt_sigprocmask, 2 /* SIG_SETMASK */, (long)&all, 0, SIGSET_BYTES);

    for (;;) {
        int status;
        long ended;
        while ((ended = raw_syscall(__NR_wait4, -1, (long)&status, WNOHANG | __WALL, 0)) > 0) {
            if (ended == program)
                exit_with(write_all(status_fd, (const char *)&status, sizeof status) == 0 ? 0 : 3);
        }
        if (ended == -ECHILD)
            exit_with(4); /* the program is gone without a status: cannot happen while we are its parent */

        char info[128]; /* siginfo_t */
        long sig = raw_syscall(__NR_rt_sigtimedwait, (long)&all, (long)info, 0, SIGSET_BYTES);
        if (sig > 0 && sig != SIGCHLD)
            raw_syscall(__NR_kill, program, sig, 0, 0);
    }
}
