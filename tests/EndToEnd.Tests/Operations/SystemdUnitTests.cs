using System.Diagnostics;

namespace Judge.EndToEnd.Tests.Operations;

/// <summary>The units in deploy/systemd, as systemd itself reads them.</summary>
public sealed class SystemdUnitTests
{
    private static string Units => Path.Combine(Repository.Root, "deploy", "systemd");

    [Fact]
    public async Task The_systemd_units_pass_systemd_analyze_verify_without_a_warning()
    {
        var units = Directory.GetFiles(Units, "*.service").Order().ToList();
        Assert.Equal(["judge-api.service", "judge-worker.service"], units.Select(Path.GetFileName));

        var (exitCode, output) = await RunAsync("systemd-analyze", ["verify", .. units]);

        // verify exits 0 on some mistakes (an unknown key, a bad value) and only says so: any output is a failure.
        Assert.True(exitCode == 0 && output.Trim().Length == 0, $"systemd-analyze verify exited {exitCode}:\n{output}");
    }

    [Theory]
    [InlineData("judge-api.service")]
    [InlineData("judge-worker.service")]
    public void Each_unit_is_restarted_always_and_reads_its_connection_settings_from_an_environment_file(string unit)
    {
        var lines = File.ReadAllLines(Path.Combine(Units, unit)).Select(l => l.Trim()).ToList();

        Assert.Contains("Restart=always", lines);
        Assert.Contains("EnvironmentFile=/etc/judge/judge.env", lines);
    }

    [Fact]
    public void The_Api_runs_unprivileged_and_the_Worker_as_root_with_a_delegated_cgroup_and_a_bounded_capability_set()
    {
        var api = File.ReadAllLines(Path.Combine(Units, "judge-api.service")).Select(l => l.Trim()).ToList();
        var worker = File.ReadAllLines(Path.Combine(Units, "judge-worker.service")).Select(l => l.Trim()).ToList();

        Assert.Contains("DynamicUser=yes", api);
        Assert.Contains("CapabilityBoundingSet=", api);
        Assert.Contains("NoNewPrivileges=yes", api);
        Assert.Contains("Delegate=yes", worker);
        var capabilities = Assert.Single(worker, l => l.StartsWith("CapabilityBoundingSet=", StringComparison.Ordinal));
        Assert.DoesNotContain("~", capabilities); // a list of what it may keep, not of what it loses
        Assert.Contains("CAP_SYS_ADMIN", capabilities);
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command, IEnumerable<string> arguments)
    {
        var start = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
            start.ArgumentList.Add(argument);
        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException($"{command} could not be run ({e.Message}): it is in Debian's systemd package (apt-get install systemd)", e);
        }
        using (process)
        {
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            return (process.ExitCode, await stdout + await stderr);
        }
    }
}
