/*
 * raw_syscall.h: a system call that leaves errno alone (it returns -errno instead), for the code that
 * must not touch libc's per-thread state: spawn.c's child before "go" (it shares the parent thread's
 * errno), and init.c, which runs without libc at all.
 */
#ifndef JUDGE_RAW_SYSCALL_H
#define JUDGE_RAW_SYSCALL_H

static inline long raw_syscall(long number, long a, long b, long c, long d)
{
#if defined(__x86_64__)
    long ret;
    register long r10 __asm__("r10") = d;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(number), "D"(a), "S"(b), "d"(c), "r"(r10) : "rcx", "r11", "memory");
    return ret;
#elif defined(__aarch64__)
    register long x8 __asm__("x8") = number;
    register long x0 __asm__("x0") = a;
    register long x1 __asm__("x1") = b;
    register long x2 __asm__("x2") = c;
    register long x3 __asm__("x3") = d;
    __asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2), "r"(x3) : "memory");
    return x0;
#else
#error "raw_syscall: no system call instruction for this architecture"
#endif
}

#endif
