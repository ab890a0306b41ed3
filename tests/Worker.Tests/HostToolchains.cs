using Judge.Sandbox;
using Judge.Worker.Languages;
using Microsoft.Extensions.Logging.Abstractions;

namespace Judge.Worker.Tests;

/// <summary>What the tests that judge in the real sandbox judge with: this host's languages, detected once per test
/// process (detection runs every toolchain's version command, the JVM ones taking seconds), and one sandbox runner.</summary>
internal static class HostToolchains
{
    private static readonly Lazy<LanguageSet> Detected = new(() =>
        new LanguageSet(new LanguageDetector(NullLogger<LanguageDetector>.Instance).Detect(LanguageCatalog.ForThisHost())));

    public static LanguageSet Set => Detected.Value;

    public static Language[] Languages => [.. Detected.Value.All.Select(l => l.Language)];

    public static readonly ISandbox Sandbox = new SandboxRunner();
}
