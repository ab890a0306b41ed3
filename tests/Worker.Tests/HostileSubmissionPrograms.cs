using Judge.Testing;
using System.Text;

namespace Judge.Worker.Tests;

/// <summary>The sources the hostile submissions send, as a user would type them into the API.</summary>
internal static class HostileSubmissionPrograms
{
    public const string CSum = """
        #include <stdio.h>
        int main(void) { long a, b; if (scanf("%ld %ld", &a, &b) != 2) return 1; printf("%ld\n", a + b); return 0; }
        """;

    /// <summary>Prints one line per attempt: "&lt;what&gt; ok" when the call succeeded, "&lt;what&gt; &lt;ERRNO&gt;" when it failed.</summary>
    private const string CPrelude = """
        #define _GNU_SOURCE
        #include <dirent.h>
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <stdlib.h>
        #include <string.h>
        #include <sys/stat.h>
        #include <unistd.h>

        """ + HostPrograms.CReport + "\n";

    /// <summary>Every name the worker or the runner uses for a file after a compile or a run, and a few that look like "..".</summary>
    public static readonly string[] WorkerFileNames =
        ["main", "main.c", "stdout", "stderr", "empty.in", "test-1.in", "test-1.out", "test-1.err", "program.compile.err", "result.json", "...", "..main"];

    /// <summary>
    /// At run time, plants links in /box and /tmp at every name the worker touches, pointing at a host
    /// canary file, the canary's directory and /etc/shadow; then tries to hard-link a host file and to
    /// replace the program under the read-only /prog.
    /// </summary>
    public static string CPlantLinks(string canaryFile, string canaryDirectory)
    {
        var names = string.Join(", ", WorkerFileNames.Select(name => $"\"{name}\""));
        return CPrelude + $$"""
            static const char *const names[] = { {{names}} };
            static const char *const dirs[] = { "/box", "/tmp" };

            static int plant(const char *target, const char *dir, const char *name)
            {
                char path[512];
                snprintf(path, sizeof path, "%s/%s", dir, name);
                return symlink(target, path) == 0;
            }

            int main(void)
            {
                int planted = 0;
                for (size_t d = 0; d < 2; d++) {
                    for (size_t n = 0; n < sizeof names / sizeof names[0]; n++)
                        planted += plant("{{canaryFile}}", dirs[d], names[n]);
                    planted += plant("/etc/shadow", dirs[d], "shadow");
                    planted += plant("{{canaryDirectory}}", dirs[d], "host-dir");
                    char nested[64];
                    snprintf(nested, sizeof nested, "%s/nested", dirs[d]);
                    mkdir(nested, 0755);
                    planted += plant("{{canaryFile}}", nested, "stdout");
                }
                printf("planted %d links\n", planted);
                report("write_through_link", open("/box/stdout", O_WRONLY | O_TRUNC));
                report("hardlink_passwd", link("/etc/passwd", "/box/passwd"));
                report("hardlink_program", link("/prog/main", "/box/main-copy"));
                report("open_program_for_writing", open("/prog/main", O_WRONLY));
                report("unlink_program", unlink("/prog/main"));
                report("rename_over_program", rename("/prog/main.c", "/prog/main"));
                report("create_in_prog", open("/prog/planted", O_WRONLY | O_CREAT, 0644));
                return 0;
            }
            """;
    }

    /// <summary>Prints its own environment, then the environment of every process it can see in /proc.</summary>
    public const string CPrintEnvironments = CPrelude + """
        extern char **environ;

        int main(void)
        {
            for (char **e = environ; *e; e++)
                printf("environ %s\n", *e);
            DIR *proc = opendir("/proc");
            if (!proc)
                return 1;
            for (struct dirent *entry; (entry = readdir(proc)) != NULL;) {
                if (strspn(entry->d_name, "0123456789") != strlen(entry->d_name))
                    continue;
                char path[300], buffer[1 << 16];
                snprintf(path, sizeof path, "/proc/%s/environ", entry->d_name);
                int fd = open(path, O_RDONLY);
                if (fd < 0)
                    continue;
                ssize_t length = read(fd, buffer, sizeof buffer - 1);
                close(fd);
                if (length <= 0)
                    continue;
                buffer[length] = '\0';
                for (ssize_t start = 0; start < length; start += strlen(buffer + start) + 1)
                    printf("pid %s %s\n", entry->d_name, buffer + start);
            }
            closedir(proc);
            return 0;
        }
        """;

    /// <summary>2^30 initializers from 31 macro definitions: minutes of preprocessing and gigabytes of memory.</summary>
    public static string CMacroBomb()
    {
        var source = new StringBuilder("#define A0 1,\n");
        for (var i = 1; i <= 30; i++)
            source.Append($"#define A{i} A{i - 1} A{i - 1}\n");
        return source.Append("int big[] = { A30 };\nint main(void) { return big[0] - 1; }\n").ToString();
    }

    /// <summary>An include that never ends: the preprocessor reads zeros until something stops it.</summary>
    public const string CIncludeDevZero = "#include \"/dev/zero\"\nint main(void) { return 0; }\n";

    /// <summary>One error per line: hundreds of kilobytes of diagnostics.</summary>
    public static string CErrorFlood(int lines) => string.Concat(Enumerable.Repeat("int x = @;\n", lines));

    /// <summary>An initialised array: a .data section of that size for the assembler (into /tmp) and the linker (into /box) to write.</summary>
    public static string CHugeDataSection(string sizeExpression) =>
        $"char big[{sizeExpression}] = {{1}};\nint main(void) {{ return big[0] - 1; }}\n";

    public const string PascalIncludesItself = "{$I main.pas}\nbegin\nend.\n";

    /// <summary>Each macro expands to two of the one before: Free Pascal grinds through the expansion for a long time.</summary>
    public static string PascalMacroBomb()
    {
        var source = new StringBuilder("{$macro on}\n{$define a0:=1}\n");
        for (var i = 1; i <= 30; i++)
            source.Append($"{{$define a{i}:=a{i - 1}+a{i - 1}}}\n");
        return source.Append("var x: int64;\nbegin\n  x := a30;\n  writeln(x);\nend.\n").ToString();
    }

    /// <summary>A constant table of <paramref name="tableMiB"/> MiB in the binary, all read, plus <paramref name="allocateMiB"/> MiB
    /// allocated and touched; prints the sum of the table, which the tests expect as the output.</summary>
    public static string CConstantTable(int tableMiB, int allocateMiB) => $$"""
        #include <stdio.h>
        #include <stdlib.h>
        #define TABLE ({{tableMiB}}L << 20)
        static const unsigned char table[TABLE] = { 1 };
        int main(void)
        {
            unsigned long sum = 0;
            for (long i = 0; i < TABLE; i += 4096)
                sum += ((volatile const unsigned char *)table)[i];
            /* volatile: the compiler must neither drop the allocation nor the writes that touch its pages. */
            volatile char *heap = malloc(({{allocateMiB}}L << 20) + 1);
            if (!heap)
                return 3;
            for (long i = 0; i <= ({{allocateMiB}}L << 20); i += 4096)
                heap[i] = 7;
            printf("%lu\n", sum + (unsigned long)heap[0] - 7);
            return 0;
        }
        """;

    /// <summary>Reserves a GiB behind its (empty) stdout, which would have filled a scratch space the worker shares,
    /// and says on stderr what the kernel answered.</summary>
    public const string CReserveBehindStdout = """
        #define _GNU_SOURCE
        #include <errno.h>
        #include <fcntl.h>
        #include <stdio.h>
        #include <string.h>
        int main(void)
        {
            int rc = fallocate(1, 1 /* FALLOC_FL_KEEP_SIZE */, 0, 1L << 30);
            fprintf(stderr, "fallocate %s\n", rc == 0 ? "ok" : strerrorname_np(errno));
            return 0;
        }
        """;

    /// <summary>Prints the answer, then makes its stdout a sparse file of <paramref name="bytes"/>: no time, no memory, no
    /// disk, and all of it zeros for the worker to read.</summary>
    public static string CSparseStdout(long bytes) => $$"""
        #include <unistd.h>
        int main(void) { if (write(1, "3\n", 2) != 2) return 2; return ftruncate(1, {{bytes}}L) == 0 ? 0 : 1; }
        """;

    /// <summary>Newlines and nothing else, 64 MiB of them: a line per byte for the lines checker.</summary>
    public const string CBareNewlines = """
        #include <stdio.h>
        #include <string.h>
        static char newlines[1 << 20];
        int main(void)
        {
            memset(newlines, '\n', sizeof newlines);
            for (int i = 0; i < 64; i++)
                if (fwrite(newlines, 1, sizeof newlines, stdout) != sizeof newlines)
                    return 1;
            return 0;
        }
        """;

    /// <summary>A custom checker (testlib convention) that accepts, leaving files whose names are not valid UTF-8 in its box.</summary>
    public const string CCheckerLeavingUndecodableNames = """
        #include <fcntl.h>
        #include <unistd.h>
        int main(void)
        {
            const char *names[] = { "\xff\xfe", "a\x80b", "\xc3" };
            for (int i = 0; i < 3; i++)
                close(open(names[i], O_WRONLY | O_CREAT, 0644));
            return 0;
        }
        """;

    /// <summary>59 letters, then an emoji: its UTF-16 halves fall on either side of a wrong answer message's 60-char cut.</summary>
    public const string CEmojiAtTheCut = """
        #include <stdio.h>
        int main(void) { printf("%s\xF0\x9F\x98\x80" "b\n", "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"); return 0; }
        """;

    /// <summary>A testlib-style checker that reads the whole of the program's output and rejects it, saying how much it read.</summary>
    public const string CCheckerCountingOutput = """
        #include <stdio.h>
        int main(int argc, char **argv)
        {
            if (argc != 4)
                return 3;
            FILE *output = fopen(argv[2], "rb");
            if (!output) {
                perror(argv[2]);
                return 3;
            }
            static char buffer[1 << 16];
            long long total = 0;
            for (size_t n; (n = fread(buffer, 1, sizeof buffer, output)) > 0;)
                total += n;
            fprintf(stderr, "read %lld bytes of output\n", total);
            return 1;
        }
        """;
}
