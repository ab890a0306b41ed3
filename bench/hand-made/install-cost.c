// install-cost RUNS A.bpf B.bpf ...: installs each seccomp program (an array of struct sock_filter, as the sandbox
// hands it to its C helper) in a fresh child, with prctl(PR_SET_NO_NEW_PRIVS) and seccomp(SECCOMP_SET_MODE_FILTER)
// as the helper does; the files interleaved run by run so that machine noise hits all alike. Prints each one's
// length and the median, p10 and p90 of the install time. Part of bench/hand-made/run.sh.
#define _GNU_SOURCE
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>
static double now(void) { struct timespec t; clock_gettime(CLOCK_MONOTONIC, &t); return t.tv_sec * 1e9 + t.tv_nsec; }
static int cmp(const void *a, const void *b) { double x = *(double *)a, y = *(double *)b; return x < y ? -1 : x > y; }
int main(int argc, char **argv) {
    int runs = atoi(argv[1]), n = argc - 2;
    struct sock_fprog prog[16];
    double *d[16];
    for (int k = 0; k < n; k++) {
        struct sock_filter *buf = malloc(4096 * sizeof *buf);
        FILE *f = fopen(argv[k + 2], "rb");
        prog[k].len = fread(buf, sizeof *buf, 4096, f);
        prog[k].filter = buf;
        d[k] = malloc(runs * sizeof(double));
    }
    for (int i = 0; i < runs; i++)
        for (int k = 0; k < n; k++) {
            int p[2]; pipe(p);
            if (fork() == 0) {
                double t = now();
                prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
                if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog[k])) _exit(2);
                double e = now() - t;
                write(p[1], &e, sizeof e);
                _exit(0);
            }
            read(p[0], &d[k][i], sizeof(double)); wait(NULL); close(p[0]); close(p[1]);
        }
    for (int k = 0; k < n; k++) {
        qsort(d[k], runs, sizeof(double), cmp);
        printf("%-40s %4u instructions: install median %5.1f us, p10 %5.1f, p90 %5.1f\n", argv[k + 2], prog[k].len,
               d[k][runs / 2] / 1e3, d[k][runs / 10] / 1e3, d[k][runs * 9 / 10] / 1e3);
    }
    return 0;
}
