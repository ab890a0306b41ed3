using System.Text;
using System.Text.Json.Nodes;
using Judge.Data;

namespace Judge.Api.Judge0;

/// <summary>
/// A submission as Judge0 1.13's serializer writes it: its attributes (the columns of Judge0's <c>submissions</c> table
/// but <c>id</c>, then <c>status</c> and <c>language</c>), in that order, only those asked for with <c>fields</c>.
/// </summary>
public static class Judge0SubmissionView
{
    /// <summary>Every attribute, what <c>fields=*</c> gives: exactly Judge0 1.13's.</summary>
    public static readonly IReadOnlyList<string> Attributes =
    [
        "source_code", "language_id", "stdin", "expected_output", "stdout", "status_id", "created_at", "finished_at", "time",
        "memory", "stderr", "token", "number_of_runs", "cpu_time_limit", "cpu_extra_time", "wall_time_limit", "memory_limit",
        "stack_limit", "max_processes_and_or_threads", "enable_per_process_and_thread_time_limit",
        "enable_per_process_and_thread_memory_limit", "max_file_size", "compile_output", "exit_code", "exit_signal", "message",
        "wall_time", "compiler_options", "command_line_arguments", "redirect_stderr_to_stdout", "callback_url",
        "additional_files", "enable_network", "started_at", "queued_at", "updated_at", "queue_host", "execution_host",
        "status", "language",
    ];

    /// <summary>What a submission shows when no <c>fields</c> are asked for.</summary>
    public static readonly IReadOnlyList<string> DefaultFields = ["token", "time", "memory", "stdout", "stderr", "compile_output", "message", "status"];

    /// <summary>The attributes <paramref name="fields"/> asks for (Judge0's comma-separated list, <c>*</c> for all);
    /// null with the unknown names in <paramref name="invalid"/>.</summary>
    public static IReadOnlySet<string>? Requested(string? fields, out IReadOnlyList<string> invalid)
    {
        var names = (fields ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        invalid = names.Where(n => n != "*" && !Attributes.Contains(n)).ToList();
        if (invalid.Count > 0)
            return null;
        if (names.Contains("*"))
            return Attributes.ToHashSet();
        return (names.Length == 0 ? DefaultFields : names).ToHashSet();
    }

    public static JsonObject Write(Judge0Row row, IReadOnlySet<string> fields, bool base64, Judge0Languages.Names names)
    {
        var settings = DbJson.Deserialize<Judge0Settings>(row.Judge0);
        var run = row.TestVerdict is { } testVerdict ? new Judge0Run(testVerdict, row.ExitCode, row.Signal, row.CpuTimeMs ?? 0, row.TestMessage) : null;
        var (status, message) = Judge0Statuses.Derive(row.Status, row.Verdict, row.Message, run, settings.CpuTimeLimit, row.ExpectedOutput, row.Stdout);
        var finished = row.Status == SubmissionStatus.Done;

        JsonNode? Text(string? text) => text is null ? null : base64 ? Judge0Output.Base64(Encoding.UTF8.GetBytes(text)) : text;
        JsonNode? Bytes(byte[]? bytes, string field) => bytes is null ? null : base64 ? Judge0Output.Base64(bytes) : Judge0Output.Utf8(bytes, field);
        JsonNode? Time(DateTime? time) => time is { } t ? Judge0Output.Timestamp(t) : null;

        JsonNode? Value(string field) => field switch
        {
            "source_code" => Text(row.Source),
            "language_id" => settings.LanguageId,
            "stdin" => Text(row.Stdin),
            "expected_output" => Text(row.ExpectedOutput),
            // A submission finished without a run (a compile error) shows no output, as in Judge0.
            "stdout" => Bytes(finished && run is not null ? row.Stdout ?? [] : null, field),
            "status_id" => status.Id,
            "created_at" => Time(row.CreatedAt),
            "finished_at" => Time(row.FinishedAt),
            "time" => row.CpuTimeMs is { } cpu ? Judge0Output.Seconds(cpu) : null,
            "memory" => row.MemoryKb,
            "stderr" => Bytes(finished && run is not null ? row.Stderr ?? [] : null, field),
            "token" => row.Id.ToString(),
            "number_of_runs" => settings.NumberOfRuns,
            "cpu_time_limit" => Judge0Output.Decimal(settings.CpuTimeLimit),
            "cpu_extra_time" => Judge0Output.Decimal(settings.CpuExtraTime),
            "wall_time_limit" => Judge0Output.Decimal(settings.WallTimeLimit),
            "memory_limit" => settings.MemoryLimit,
            "stack_limit" => settings.StackLimit,
            "max_processes_and_or_threads" => settings.MaxProcessesAndOrThreads,
            "enable_per_process_and_thread_time_limit" => settings.EnablePerProcessAndThreadTimeLimit,
            "enable_per_process_and_thread_memory_limit" => settings.EnablePerProcessAndThreadMemoryLimit,
            "max_file_size" => settings.MaxFileSize,
            "compile_output" => Text(row.CompileOutput),
            "exit_code" => finished && run is not null ? row.ExitCode : null,
            "exit_signal" => row.Signal,
            "message" => Text(message),
            "wall_time" => row.WallTimeMs is { } wall ? Judge0Output.Seconds(wall) : null,
            "compiler_options" => settings.CompilerOptions,
            "command_line_arguments" => settings.CommandLineArguments,
            "redirect_stderr_to_stdout" => settings.RedirectStderrToStdout,
            "callback_url" => settings.CallbackUrl,
            "additional_files" => null,
            "enable_network" => settings.EnableNetwork,
            "started_at" => Time(row.StartedAt),
            "queued_at" => Time(row.CreatedAt),
            "updated_at" => Time(row.FinishedAt ?? row.StartedAt ?? row.CreatedAt),
            "queue_host" => null,
            "execution_host" => null,
            "status" => new JsonObject { ["id"] = status.Id, ["description"] = status.Description },
            "language" => new JsonObject { ["id"] = settings.LanguageId, ["name"] = names.Of(settings.LanguageId) },
            _ => throw new ArgumentOutOfRangeException(nameof(field), field, "not a Judge0 attribute"),
        };

        var json = new JsonObject();
        foreach (var field in Attributes)
            if (fields.Contains(field))
                json[field] = Value(field);
        return json;
    }
}
