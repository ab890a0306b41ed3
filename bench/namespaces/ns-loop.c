/* Creates and destroys namespaces N times: clone() a child with the given namespace flags, which exits at once, and
 * wait for it. With no flags it is a plain fork; the difference is what creating and tearing down those namespaces
 * costs. With "dir=PATH" it also makes and removes the directory PATH-<pid> each time: given a path in a cgroup
 * hierarchy, that is what creating and removing a run's cgroup costs.
 * Usage: ns-loop N [user] [pid] [mount] [net] [ipc] [uts] [cgroup] [dir=PATH] */
#define _GNU_SOURCE
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char stack[64 * 1024];

static int child(void *arg)
{
    (void)arg;
    _exit(0);
}

int main(int argc, char **argv)
{
    static const struct { const char *name; int flag; } kinds[] = {
        { "user", CLONE_NEWUSER }, { "pid", CLONE_NEWPID }, { "mount", CLONE_NEWNS }, { "net", CLONE_NEWNET },
        { "ipc", CLONE_NEWIPC }, { "uts", CLONE_NEWUTS }, { "cgroup", CLONE_NEWCGROUP },
    };
    if (argc < 2) {
        fprintf(stderr, "usage: ns-loop N [user] [pid] [mount] [net] [ipc] [uts] [cgroup]\n");
        return 2;
    }
    int flags = SIGCHLD;
    char dir[4096] = "";
    for (int i = 2; i < argc; i++) {
        if (strncmp(argv[i], "dir=", 4) == 0) {
            snprintf(dir, sizeof dir, "%s-%d", argv[i] + 4, (int)getpid());
            continue;
        }
        size_t k = 0;
        while (k < sizeof kinds / sizeof kinds[0] && strcmp(kinds[k].name, argv[i]) != 0)
            k++;
        if (k == sizeof kinds / sizeof kinds[0]) {
            fprintf(stderr, "unknown namespace %s\n", argv[i]);
            return 2;
        }
        flags |= kinds[k].flag;
    }
    for (int i = 0, n = atoi(argv[1]); i < n; i++) {
        if (dir[0] != 0 && (mkdir(dir, 0755) != 0 || rmdir(dir) != 0)) {
            perror(dir);
            return 1;
        }
        if (flags == SIGCHLD && dir[0] != 0)
            continue;
        pid_t pid = clone(child, stack + sizeof stack, flags, NULL);
        int status;
        if (pid < 0 || waitpid(pid, &status, 0) != pid) {
            perror("clone");
            return 1;
        }
    }
    return 0;
}
