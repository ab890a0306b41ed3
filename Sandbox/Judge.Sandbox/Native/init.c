/*
 * init.c: PID 1 of a Judge sandbox's pid namespace (judge-init, a static executable).
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
 *   - every signal is blocked and taken with sigwaitinfo: SIGCHLD means reap, anything else (sent
 *     from outside, or by the program to PID 1) is passed on to the program;
 *   - every child that ends is reaped, orphans of the program included, so nothing stays a zombie;
 *   - when the program ends, its wait status, exactly as the kernel gave it, is written to the
 *     status pipe, and init exits: the kernel then kills what the program left running.
 *
 * Nothing here trusts the program: it cannot signal init (a kill from inside is queued, then only
 * forwarded back to the program), cannot read or write init's memory (init is not dumpable, and the
 * program has no capability), and init reads no input from the sandbox besides wait statuses.
 *
 * Usage (by spawn.c only): judge-init PROGRAM_PID STATUS_FD
 */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

static int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

int main(int argc, char **argv)
{
    if (argc != 3)
        return 2;
    pid_t program = (pid_t)strtol(argv[1], NULL, 10);
    int status_fd = (int)strtol(argv[2], NULL, 10);

    /* Not dumpable: /proc/1/mem and friends stay closed to the program even when it runs as uid 0 inside. */
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
    sigset_t all;
    sigfillset(&all);
    sigprocmask(SIG_SETMASK, &all, NULL);

    for (;;) {
        int status;
        pid_t ended;
        while ((ended = waitpid(-1, &status, WNOHANG | __WALL)) > 0) {
            if (ended == program)
                _exit(write_all(status_fd, &status, sizeof status) == 0 ? 0 : 3);
        }
        if (ended < 0 && errno == ECHILD)
            _exit(4); /* the program is gone without a status: cannot happen while we are its parent */

        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig > 0 && sig != SIGCHLD)
            kill(program, sig);
    }
}
