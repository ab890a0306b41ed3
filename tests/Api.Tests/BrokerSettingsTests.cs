using System.Diagnostics;
using System.Text.RegularExpressions;
using Judge.Messaging;
using Microsoft.Extensions.Configuration;

namespace Judge.Api.Tests;

/// <summary>The bus settings the Api and the Worker share (<see cref="BusConfiguration"/>).</summary>
public sealed partial class BrokerSettingsTests
{
    [Fact]
    public void Without_settings_the_bus_goes_to_the_private_broker_that_the_services_script_runs()
    {
        var script = ServicesScriptEnvironment();
        var broker = new ConfigurationBuilder().Build().GetRabbitMqOptions();

        Assert.Equal(
            (script["Host"], script["Port"], script["VirtualHost"], script["Username"], script["Password"]),
            (broker.Host, broker.Port.ToString(), broker.VirtualHost, broker.Username, broker.Password));
    }

    [Fact]
    public void A_setting_in_the_section_wins_and_the_rest_keep_their_defaults()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["RabbitMq:Host"] = "rabbitmq",
            ["RabbitMq:Port"] = "5672",
        }).Build();

        var broker = configuration.GetRabbitMqOptions();

        Assert.Equal(("rabbitmq", (ushort)5672, "judge"), (broker.Host, broker.Port, broker.Username));
    }

    /// <summary>The <c>RabbitMq__*</c> lines of <c>scripts/services.sh env</c>, which only prints (it needs no running service).</summary>
    private static Dictionary<string, string> ServicesScriptEnvironment()
    {
        var root = new DirectoryInfo(AppContext.BaseDirectory);
        while (!File.Exists(Path.Combine(root.FullName, "Judge.sln")))
            root = root.Parent ?? throw new InvalidOperationException($"No Judge.sln above {AppContext.BaseDirectory}.");
        var start = new ProcessStartInfo("bash", [Path.Combine(root.FullName, "scripts", "services.sh"), "env"]) { RedirectStandardOutput = true };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);
        return ExportLine().Matches(output).ToDictionary(m => m.Groups["name"].Value, m => m.Groups["value"].Value);
    }

    [GeneratedRegex(@"^export RabbitMq__(?<name>\w+)='(?<value>[^']*)'$", RegexOptions.Multiline)]
    private static partial Regex ExportLine();
}
