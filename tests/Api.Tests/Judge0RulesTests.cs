using System.Text;
using Judge.Api.Judge0;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>How the Judge0 surface derives statuses and writes values, as Judge0 does.</summary>
public sealed class Judge0RulesTests
{
    private static (Judge0Status Status, string? Message) Derive(Verdict verdict, int? exitCode = 0, int? signal = null, long cpuMs = 10,
        string? expected = null, string stdout = "") =>
        Judge0Statuses.Derive(SubmissionStatus.Done, verdict, null, new Judge0Run(verdict, exitCode, signal, cpuMs, null), 1.0m, expected,
            Encoding.UTF8.GetBytes(stdout));

    [Theory]
    [InlineData(11, 7)]
    [InlineData(25, 8)]
    [InlineData(8, 9)]
    [InlineData(6, 10)]
    [InlineData(9, 12)]
    [InlineData(10, 12)]
    public void A_fatal_signal_maps_to_Judge0s_runtime_error(int signal, int status) =>
        Assert.Equal(status, Derive(Verdict.RE, exitCode: null, signal: signal).Status.Id);

    [Fact]
    public void Non_zero_exit_is_NZEC_with_isolates_message()
    {
        var (status, message) = Derive(Verdict.RE, exitCode: 3);
        Assert.Equal(11, status.Id);
        Assert.Equal("Exited with error status 3", message);
    }

    [Fact]
    public void Our_MLE_and_OLE_map_to_the_nearest_status_and_say_why()
    {
        var mle = Derive(Verdict.MLE);
        var ole = Derive(Verdict.OLE);
        Assert.Equal(12, mle.Status.Id);
        Assert.StartsWith("Memory limit exceeded", mle.Message);
        Assert.Equal(8, ole.Status.Id);
        Assert.StartsWith("Output limit exceeded", ole.Message);
    }

    [Fact]
    public void A_run_past_the_CPU_limit_within_the_extra_time_is_a_time_limit()
    {
        Assert.Equal(5, Derive(Verdict.AC, cpuMs: 1001).Status.Id);
        Assert.Equal(5, Derive(Verdict.TLE).Status.Id);
    }

    [Theory]
    [InlineData("3  \n\n\n", "3", 3)]
    [InlineData("a \nb\t\n", "a\nb", 3)]
    [InlineData("\n3\n", "3\n", 4)]
    [InlineData("4\n", "3\n", 4)]
    public void Output_is_compared_after_right_trimming_every_line(string stdout, string expected, int status) =>
        Assert.Equal(status, Derive(Verdict.WA, expected: expected, stdout: stdout).Status.Id);

    [Fact]
    public void Queued_running_compile_error_and_exec_format_error_have_their_statuses()
    {
        Assert.Equal(1, Judge0Statuses.Derive(SubmissionStatus.Queued, null, null, null, 1, null, null).Status.Id);
        Assert.Equal(2, Judge0Statuses.Derive(SubmissionStatus.Running, null, null, null, 1, null, null).Status.Id);
        Assert.Equal(6, Judge0Statuses.Derive(SubmissionStatus.Done, Verdict.CE, null, null, 1, null, null).Status.Id);
        Assert.Equal(14, Judge0Statuses.Derive(SubmissionStatus.Done, Verdict.IE, "execve: ENOEXEC", null, 1, null, null).Status.Id);
        Assert.Equal(13, Judge0Statuses.Derive(SubmissionStatus.Done, Verdict.IE, "database away", null, 1, null, null).Status.Id);
    }

    [Fact]
    public void Base64_is_written_as_Rubys_encode64_and_values_as_Rails_writes_them()
    {
        Assert.Equal("aGVsbG8sIEp1ZGdlMAo=\n", Judge0Output.Base64("hello, Judge0\n"u8));
        var long64 = Judge0Output.Base64(new byte[60]);
        Assert.Equal([60, 20, 0], long64.Split('\n').Select(l => l.Length));
        Assert.Equal(new byte[60], Judge0Output.FromBase64(long64));
        Assert.Equal("0.002", Judge0Output.Seconds(2));
        Assert.Equal("5.0", Judge0Output.Decimal(5));
        Assert.Equal("2026-01-02T03:04:05.006Z", Judge0Output.Timestamp(new DateTime(2026, 1, 2, 3, 4, 5, 6, DateTimeKind.Utc)));
        Assert.Equal("C (GCC 12.2.0)", Judge0Languages.NameOf(Judge0Languages.Find(50)!, "gcc (Debian 12.2.0-14) 12.2.0"));
    }
}
