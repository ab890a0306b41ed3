using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Judge.Api.Callbacks;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Judge0;

/// <summary>
/// A Judge0 create request made into one of our submissions with one test (stdin, expected_output), validated as
/// Judge0 validates it: the errors are Rails' (<c>{"field": ["message"]}</c>) for a 422. Values come as Rails takes
/// them, numbers and booleans also as strings. What we cannot honour safely is refused here (docs/judge0-compatibility.md).
/// </summary>
public static class Judge0SubmissionRequest
{
    public const int MaxArgumentsLength = 512;
    private const int MinMemoryKb = 2048;

    /// <summary>The submission to store, or null with Judge0's validation errors in <paramref name="errors"/>.</summary>
    /// <param name="callbacks">Where a <c>callback_url</c> may point.</param>
    public static NewSubmission? Validate(JsonObject body, bool base64, Judge0Languages.Names languages, JudgeOptions judge,
        Judge0Options options, CallbackAddresses callbacks, ValidationErrors errors)
    {
        var limits = judge.Limits;
        var read = new Reader(body, errors);

        var source = read.Text("source_code", base64);
        if (string.IsNullOrEmpty(source))
            errors.Add("source_code", "can't be blank");
        else if (Encoding.UTF8.GetByteCount(source) > judge.MaxSourceBytes)
            errors.Add("source_code", $"is too long (maximum is {judge.MaxSourceBytes} bytes)");
        var stdin = read.Text("stdin", base64);
        var expectedOutput = read.Text("expected_output", base64);

        var languageId = read.Integer("language_id");
        string? language = null;
        if (languageId is null && !errors.Has("language_id"))
            errors.Add("language_id", "can't be blank");
        else if (languageId is { } id)
        {
            var known = Judge0Languages.Find(id);
            if (known is null)
                errors.Add("language_id", $"language with id {id} doesn't exist");
            else if (!languages.IsLive(known))
                errors.Add("language_id", $"language with id {id} ({known.Label}) is not offered by any worker of this server");
            else
                language = known.Key;
        }

        var cpu = read.Number("cpu_time_limit") ?? limits.DefaultCpuTimeMs / 1000m;
        read.Check("cpu_time_limit", cpu, 0, limits.MaxCpuTimeMs / 1000m, seconds: true);
        var extra = read.Number("cpu_extra_time") ?? (decimal)options.CpuExtraTimeSeconds;
        read.Check("cpu_extra_time", extra, 0, (decimal)options.MaxCpuExtraTimeSeconds, zeroAllowed: true, seconds: true);
        var defaultWallMs = Math.Min(limits.DefaultWallTimeMs ?? Limits.WallTimeMsFor((long)Math.Ceiling((cpu + extra) * 1000)), limits.MaxWallTimeMs);
        var wall = read.Number("wall_time_limit") ?? defaultWallMs / 1000m;
        read.Check("wall_time_limit", wall, 0, limits.MaxWallTimeMs / 1000m, seconds: true);
        var memory = read.Integer("memory_limit") ?? limits.DefaultMemoryKb;
        if (read.Check("memory_limit", memory, 0, limits.MaxMemoryKb) && memory < MinMemoryKb)
            errors.Add("memory_limit", $"must be greater than or equal to {MinMemoryKb}");
        var stack = read.Integer("stack_limit");
        if (stack is not null)
            read.Check("stack_limit", stack.Value, 0, limits.MaxMemoryKb);
        var processes = read.Integer("max_processes_and_or_threads") ?? limits.DefaultProcesses;
        read.Check("max_processes_and_or_threads", processes, 0, limits.MaxProcesses);
        var fileSize = read.Integer("max_file_size") ?? Math.Min(options.FileSizeKb, limits.MaxOutputKb);
        read.Check("max_file_size", fileSize, 0, Math.Min(options.MaxFileSizeKb, limits.MaxOutputKb));
        var runs = read.Integer("number_of_runs") ?? options.NumberOfRuns;
        read.Check("number_of_runs", runs, 0, options.MaxNumberOfRuns);
        var redirect = read.Boolean("redirect_stderr_to_stdout") ?? options.RedirectStderrToStdout;

        // Our limits hold for the whole process tree, never per process: that cannot be switched off.
        var perProcessTime = read.Boolean("enable_per_process_and_thread_time_limit") ?? false;
        if (perProcessTime)
            errors.Add("enable_per_process_and_thread_time_limit", "this option cannot be enabled");
        var perProcessMemory = read.Boolean("enable_per_process_and_thread_memory_limit") ?? false;
        if (perProcessMemory)
            errors.Add("enable_per_process_and_thread_memory_limit", "this option cannot be enabled");
        var network = read.Boolean("enable_network") ?? false;
        if (network)
            errors.Add("enable_network", "this option cannot be enabled: programs never get a network here");

        var compilerOptions = read.Text("compiler_options", base64: false);
        if (!string.IsNullOrEmpty(compilerOptions))
            errors.Add("compiler_options", "setting compiler options is not allowed: every language compiles with fixed flags here");
        var arguments = read.Text("command_line_arguments", base64: false);
        if (arguments is { Length: > MaxArgumentsLength })
            errors.Add("command_line_arguments", $"is too long (maximum is {MaxArgumentsLength} characters)");
        // Judge0's webhook, sent by our callback sender: retried, signed, and never to an address it may not reach.
        var callbackUrl = read.Text("callback_url", base64: false) is { Length: > 0 } url ? url : null;
        var callback = CallbackRules.Resolve(callbackUrl, callbacks, "callback_url", errors);
        IReadOnlyList<SubmissionFile>? files = null;
        if (read.Text("additional_files", base64: false) is { Length: > 0 } additional && language is not null && !string.IsNullOrEmpty(source))
            files = Judge0AdditionalFiles.Read(additional, source, languages.Live[language], judge.MaxSourceBytes, errors);

        if (errors.Any)
            return null;

        var argv = arguments?.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) ?? [];
        var settings = new Judge0Settings(languageId!.Value, cpu, extra, wall, memory, stack ?? memory, processes, perProcessTime,
            perProcessMemory, fileSize, redirect, network, runs, compilerOptions, arguments, callbackUrl);
        return new NewSubmission(
            Guid.CreateVersion7(),
            language!,
            source!,
            ProblemId: null,
            Stdin: stdin ?? "",
            new Limits((int)Math.Ceiling((cpu + extra) * 1000), (int)Math.Ceiling(wall * 1000), memory, processes, fileSize),
            Checker: expectedOutput is null ? null : CheckerSpec.Default,
            Tests: [new TestCase(1, stdin ?? "", expectedOutput, 1)],
            new RunOptions(argv.Length == 0 ? null : argv, stack, redirect, runs, KeepOutput: true),
            DbJson.Serialize(settings),
            callback,
            // With additional files the program is one of several files, the one that runs; source_code stays stored as
            // well, for Judge0's fields to show it.
            files,
            files is null ? null : languages.Live[language!].SourceFile);
    }

    /// <summary>Reads a field as Rails would take it, adding Rails' messages for what it cannot take.</summary>
    private sealed class Reader(JsonObject body, ValidationErrors errors)
    {
        private JsonValue? Value(string field) => body[field] as JsonValue;

        public string? Text(string field, bool base64)
        {
            var value = Value(field);
            if (value is null)
                return null;
            var text = value.GetValueKind() switch
            {
                JsonValueKind.String => value.GetValue<string>(),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.ToJsonString(),
                _ => null,
            };
            if (text is null)
            {
                errors.Add(field, "is not a string");
                return null;
            }
            if (base64)
            {
                var bytes = Judge0Output.FromBase64(text);
                if (bytes is null)
                {
                    errors.Add(field, "is not valid Base64 (base64_encoded=true)");
                    return null;
                }
                try
                {
                    text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
                }
                catch (DecoderFallbackException)
                {
                    errors.Add(field, "must be UTF-8 text once decoded: this server stores sources and inputs as text");
                    return null;
                }
            }
            if (text.Contains('\0'))
            {
                errors.Add(field, "must not contain NUL characters");
                return null;
            }
            return text;
        }

        public decimal? Number(string field)
        {
            var value = Value(field);
            if (value is null)
                return null;
            if (value.GetValueKind() == JsonValueKind.Number && value.TryGetValue<decimal>(out var number))
                return number;
            if (value.GetValueKind() == JsonValueKind.String)
            {
                var text = value.GetValue<string>().Trim();
                if (text.Length == 0)
                    return null;
                if (decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out number))
                    return number;
            }
            errors.Add(field, "is not a number");
            return null;
        }

        /// <summary>An integer column: Rails keeps the whole part of a number with a fraction.</summary>
        public int? Integer(string field) => Number(field) is { } number
            ? number is > int.MaxValue or < int.MinValue ? Fail(field) : (int)decimal.Truncate(number)
            : null;

        private int? Fail(string field)
        {
            errors.Add(field, "is not a number");
            return null;
        }

        public bool? Boolean(string field)
        {
            var value = Value(field);
            if (value is null)
                return null;
            switch (value.GetValueKind())
            {
                case JsonValueKind.True: return true;
                case JsonValueKind.False: return false;
                case JsonValueKind.Number when value.TryGetValue<int>(out var number) && number is 0 or 1: return number == 1;
                case JsonValueKind.String:
                    var text = value.GetValue<string>().Trim().ToLowerInvariant();
                    if (text.Length == 0)
                        return null;
                    if (text is "true" or "1" or "t" or "on")
                        return true;
                    if (text is "false" or "0" or "f" or "off")
                        return false;
                    break;
            }
            errors.Add(field, "is not a boolean");
            return null;
        }

        /// <summary>Rails' numericality: greater than 0 (or equal where <paramref name="zeroAllowed"/>), at most the maximum.</summary>
        /// <param name="seconds">A float column: its maximum shows as Ruby shows a float ("15.0").</param>
        public bool Check(string field, decimal value, decimal min, decimal max, bool zeroAllowed = false, bool seconds = false)
        {
            if (errors.Has(field))
                return false;
            if (zeroAllowed ? value < min : value <= min)
                errors.Add(field, zeroAllowed ? $"must be greater than or equal to {min}" : $"must be greater than {min}");
            else if (value > max)
                errors.Add(field, $"must be less than or equal to {(seconds ? Judge0Output.Decimal(max) : max.ToString(CultureInfo.InvariantCulture))}");
            else
                return true;
            return false;
        }
    }
}
