namespace Judge.Sandbox.Tests.Runs;

/// <summary>Stdin given as bytes or as another run's output, and output captured in memory files the sandbox owns.</summary>
[Collection(SandboxCollection.Name)]
public sealed class StdioTests(SandboxFixture sandbox)
{
    private static readonly SandboxLimits Limits = new() { CpuTime = TimeSpan.FromSeconds(5), WallTime = TimeSpan.FromSeconds(30), Processes = 8 };

    [Fact]
    public void Stdin_given_as_bytes_is_what_the_program_reads_byte_for_byte()
    {
        byte[] input = [.. "line one\n"u8, 0xff, 0xfe, 0x00, .. "not UTF-8\n"u8];

        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/bin/cat"],
            Limits = Limits,
            Stdin = SandboxInput.FromBytes(input),
            CaptureOutput = true,
        });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal(input, result.Stdout!.ReadStart(1 << 10, out bool truncated));
        Assert.False(truncated);
        Assert.Equal(0, result.Stderr!.Length);
    }

    [Fact]
    public void A_program_can_neither_rewrite_nor_truncate_the_input_it_was_given()
    {
        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = [sandbox.CompileC(Programs.TamperWithStdin)],
            Limits = Limits,
            Stdin = SandboxInput.FromBytes("the jury's input\n"u8.ToArray()),
            CaptureOutput = true,
        });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("write refused, truncate refused, still: the jury's input\n", ReadAll(result.Stdout!));
    }

    [Fact]
    public void Captured_output_past_the_output_limit_ends_the_run_as_output_limit_and_holds_no_more_than_the_limit()
    {
        const long limit = 64 << 10;

        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/usr/bin/yes"],
            Limits = Limits with { OutputBytes = limit },
            CaptureOutput = true,
        });

        ResultAssert.Status(SandboxStatus.OutputLimit, result);
        Assert.InRange(result.Stdout!.Length, 1, limit);
    }

    /// <summary>The BEAM's case: its JIT sizes a memory file of its own (ftruncate) far past a small output limit.</summary>
    [Theory]
    [InlineData(null, SandboxStatus.OutputLimit)]
    [InlineData(64L << 20, SandboxStatus.Ok)]
    public void A_memory_file_past_the_output_limit_needs_a_larger_file_size_limit(long? fileSizeBytes, SandboxStatus expected)
    {
        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = [sandbox.CompileC(Programs.SizesMemoryFile)],
            Limits = Limits with { OutputBytes = 64 << 10, FileSizeBytes = fileSizeBytes },
            CaptureOutput = true,
        });

        ResultAssert.Status(expected, result);
        if (expected == SandboxStatus.Ok)
            Assert.Equal("sized 16 MiB\n", ReadAll(result.Stdout!));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void With_a_larger_file_size_limit_output_past_the_output_limit_still_ends_the_run_at_once_as_output_limit(int fd)
    {
        const long limit = 64 << 10;

        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            // Writes four times the limit, then waits: only the runner's watch can end it before the wall time.
            Command = [sandbox.CompileC(Programs.WritesThenWaits), fd.ToString(System.Globalization.CultureInfo.InvariantCulture)],
            Limits = Limits with { OutputBytes = limit, FileSizeBytes = 64L << 20, WallTime = TimeSpan.FromSeconds(60) },
            CaptureOutput = true,
        });

        ResultAssert.Status(SandboxStatus.OutputLimit, result);
        Assert.InRange(fd == 1 ? result.Stdout!.Length : result.Stderr!.Length, limit, 4 * limit);
        Assert.InRange(result.WallTimeMs, 0, 20_000);
    }

    [Fact]
    public void One_runs_output_is_another_runs_input_from_its_start_and_stays_readable_after()
    {
        using var first = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/bin/cat"],
            Limits = Limits,
            Stdin = SandboxInput.FromBytes("passed along\n"u8.ToArray()),
            CaptureOutput = true,
        });

        using var second = sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/bin/cat"],
            Limits = Limits,
            Stdin = SandboxInput.FromOutput(first.Stdout!),
            CaptureOutput = true,
        });

        ResultAssert.Status(SandboxStatus.Ok, second);
        Assert.Equal("passed along\n", ReadAll(second.Stdout!));
        Assert.Equal("passed along\n", ReadAll(first.Stdout!));
    }

    [Fact]
    public void Stderr_merged_into_stdout_is_one_output_in_the_order_written()
    {
        using var result = sandbox.Runner.Run(new SandboxSpec
        {
            Command = [sandbox.CompileC(Programs.Interleaves)],
            Limits = Limits,
            CaptureOutput = true,
            StderrToStdout = true,
        });

        ResultAssert.Status(SandboxStatus.Ok, result);
        Assert.Equal("out 1\nerr 2\nout 3\n", ReadAll(result.Stdout!));
        Assert.Null(result.Stderr);
    }

    [Fact]
    public void Stdin_given_both_as_a_host_file_and_as_bytes_is_refused_before_anything_starts()
    {
        var error = Assert.Throws<SandboxSpecException>(() => sandbox.Runner.Run(new SandboxSpec
        {
            Command = ["/bin/cat"],
            StdinPath = "/etc/hostname",
            Stdin = SandboxInput.FromBytes("x"u8.ToArray()),
        }));

        Assert.Contains("not both", error.Message);
    }

    private static string ReadAll(CapturedOutput output)
    {
        using var reader = new StreamReader(output.OpenRead());
        return reader.ReadToEnd();
    }

    private static class Programs
    {
        public const string Interleaves = """
            #include <unistd.h>
            int main(void) { write(1, "out 1\n", 6); write(2, "err 2\n", 6); write(1, "out 3\n", 6); return 0; }
            """;

        public const string SizesMemoryFile = """
            #define _GNU_SOURCE
            #include <stdio.h>
            #include <sys/mman.h>
            #include <unistd.h>
            int main(void) {
                int fd = memfd_create("code", 0);
                if (fd < 0 || ftruncate(fd, 16 << 20) != 0) return 2;
                printf("sized 16 MiB\n");
                return 0;
            }
            """;

        /// <summary>Writes 256 KiB to the descriptor given, then sleeps for a minute.</summary>
        public const string WritesThenWaits = """
            #include <stdlib.h>
            #include <string.h>
            #include <unistd.h>
            int main(int argc, char **argv) {
                static char block[4096];
                memset(block, 'x', sizeof block);
                int fd = argc > 1 ? atoi(argv[1]) : 1;
                for (int i = 0; i < 64; i++)
                    if (write(fd, block, sizeof block) != sizeof block) return 2;
                sleep(60);
                return 0;
            }
            """;

        /// <summary>Tries to change its stdin, then reads it from the start.</summary>
        public const string TamperWithStdin = """
            #include <stdio.h>
            #include <unistd.h>
            int main(void) {
                char buf[256];
                const char *w = pwrite(0, "forged", 6, 0) < 0 ? "write refused" : "write allowed";
                const char *t = ftruncate(0, 0) < 0 ? "truncate refused" : "truncate allowed";
                ssize_t n = pread(0, buf, sizeof buf - 1, 0);
                buf[n < 0 ? 0 : n] = 0;
                printf("%s, %s, still: %s", w, t, buf);
                return 0;
            }
            """;
    }
}
