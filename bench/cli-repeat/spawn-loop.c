/* The floor a sandboxed run is compared with: posix_spawn and wait for the same program, N times, in C. */
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>

extern char **environ;

int main(int argc, char **argv)
{
    if (argc != 3) {
        fprintf(stderr, "usage: spawn-loop N PROGRAM\n");
        return 2;
    }
    int n = atoi(argv[1]);
    char *args[] = { argv[2], NULL };
    for (int i = 0; i < n; i++) {
        pid_t pid;
        int status;
        if (posix_spawn(&pid, argv[2], NULL, NULL, args, environ) != 0 || waitpid(pid, &status, 0) != pid)
            return 1;
    }
    return 0;
}
