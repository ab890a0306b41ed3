using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Languages;

/// <summary>
/// Finds which of the catalog's languages this host can run: every program the language names
/// must exist, and its version command must succeed. Commands get their first element resolved
/// through links (Debian's alternatives) so the sandbox image holds the real binary.
/// </summary>
public sealed class LanguageDetector(ILogger<LanguageDetector> logger)
{
    private static readonly TimeSpan VersionTimeout = TimeSpan.FromSeconds(20);

    public IReadOnlyList<DetectedLanguage> Detect(IEnumerable<Language> candidates)
    {
        var detected = new List<DetectedLanguage>();
        foreach (var candidate in candidates)
        {
            var language = WithResolvedPrograms(candidate, out var missing);
            if (missing is not null)
            {
                logger.LogWarning("Language {Language} skipped: {Program} not found", candidate.Id, missing);
                continue;
            }
            var version = ReadVersion(language.VersionCommand, out var failure);
            if (version is null)
            {
                logger.LogWarning("Language {Language} skipped: {Command} failed: {Failure}", language.Id, language.VersionCommand[0], failure);
                continue;
            }
            logger.LogInformation("Language {Language}: {Version}", language.Id, version);
            detected.Add(new DetectedLanguage(language, version));
        }
        return detected;
    }

    internal static Language WithResolvedPrograms(Language language, out string? missing)
    {
        missing = null;
        var compile = language.Compile is null ? null : Resolve(language.Compile, ref missing);
        var thenCompile = new List<IReadOnlyList<string>>();
        foreach (var step in language.ThenCompile)
            thenCompile.Add(Resolve(step, ref missing));
        var run = Resolve(language.Run, ref missing);
        // The version command keeps its own name: gcc reports itself by the name it was run as.
        Resolve(language.VersionCommand, ref missing);
        return language with
        {
            Compile = compile,
            ThenCompile = thenCompile,
            Run = run,
            // Optional pieces (a library this distribution does not ship) are dropped rather than failing the image.
            CompileWith = language.CompileWith.Where(Exists).ToArray(),
            RunWith = language.RunWith.Where(Exists).ToArray(),
        };
    }

    private static IReadOnlyList<string> Resolve(IReadOnlyList<string> command, ref string? missing)
    {
        // The compiled program: it exists only in the sandbox, behind the /prog bind.
        if (command[0].StartsWith(Language.ProgramDirectory + "/", StringComparison.Ordinal))
            return command;
        var resolved = LanguageCatalog.ResolveLinks(command[0]);
        if (resolved is null)
        {
            missing ??= command[0];
            return command;
        }
        return [resolved, .. command.Skip(1)];
    }

    private static bool Exists(string path) => File.Exists(path) || Directory.Exists(path);

    /// <summary>The first non-empty line the command prints (stdout, else stderr: javac and java use stderr).</summary>
    internal static string? ReadVersion(IReadOnlyList<string> command, out string? failure)
    {
        var start = new ProcessStartInfo(command[0])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in command.Skip(1))
            start.ArgumentList.Add(argument);
        try
        {
            using var process = Process.Start(start)!;
            process.StandardInput.Close();
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(VersionTimeout))
            {
                process.Kill(entireProcessTree: true);
                failure = "timed out";
                return null;
            }
            if (process.ExitCode != 0)
            {
                failure = $"exit code {process.ExitCode}";
                return null;
            }
            failure = null;
            var line = FirstLine(stdout.Result) ?? FirstLine(stderr.Result);
            return line is null ? "unknown" : line.Length > 200 ? line[..200] : line;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            failure = e.Message;
            return null;
        }
    }

    private static string? FirstLine(string text) =>
        text.Split('\n').Select(line => line.Trim()).FirstOrDefault(line => line.Length > 0);
}

/// <summary>The languages this worker offers, by id. Detected once, when first asked for.</summary>
public sealed class LanguageSet(IReadOnlyList<DetectedLanguage> languages)
{
    public IReadOnlyList<DetectedLanguage> All { get; } = languages;

    private readonly Dictionary<string, Language> byId = languages.ToDictionary(l => l.Language.Id, l => l.Language);

    public Language? Find(string id) => byId.GetValueOrDefault(id);

    /// <summary>The languages with nothing to compile: their submissions go straight from queued to running.</summary>
    public IReadOnlyList<string> Uncompiled { get; } = [.. languages.Where(l => l.Language.Compile is null).Select(l => l.Language.Id)];
}
