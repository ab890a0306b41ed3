using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Judge.Api.Judge0;

/// <summary>Judge0's <c>/about</c>, <c>/version</c>, <c>/config_info</c> and <c>/workers</c>, with this server's real values.</summary>
public static class Judge0InfoApi
{
    public static IEndpointRouteBuilder MapJudge0InfoApi(this IEndpointRouteBuilder api)
    {
        api.MapGet("/about", GetAbout);
        api.MapGet("/version", GetVersion);
        api.MapGet("/config_info", GetConfigInfo);
        api.MapGet("/workers", GetWorkers);
        return api;
    }

    public static IResult GetAbout(IOptions<Judge0Options> options) => Judge0Json.Ok(new JsonObject
    {
        ["version"] = Judge0Options.EmulatedVersion,
        ["homepage"] = options.Value.Homepage,
        ["source_code"] = options.Value.SourceCode,
        ["maintainer"] = options.Value.Maintainer,
    });

    public static IResult GetVersion() => Results.Text(Judge0Options.EmulatedVersion, "text/plain");

    /// <summary>Every key of Judge0 1.13's <c>config_info</c> (and master's <c>disable_implicit_base64_encoding</c>), each
    /// saying what this server does; the limits are our own API's (<c>Judge:Limits</c>).</summary>
    public static IResult GetConfigInfo(IOptions<JudgeOptions> judge, IOptions<Judge0Options> options)
    {
        var limits = judge.Value.Limits;
        var judge0 = options.Value;
        var callbacks = judge.Value.Callbacks;
        var cpu = limits.DefaultCpuTimeMs / 1000m;
        var wall = Math.Min(limits.DefaultWallTimeMs ?? Judge.Data.Limits.WallTimeMsFor((long)Math.Ceiling((cpu + (decimal)judge0.CpuExtraTimeSeconds) * 1000)),
            limits.MaxWallTimeMs);
        return Judge0Json.Ok(new JsonObject
        {
            ["maintenance_mode"] = false,
            ["enable_wait_result"] = true,
            ["enable_compiler_options"] = false,
            ["allowed_languages_for_compile_options"] = new JsonArray(),
            ["enable_command_line_arguments"] = true,
            ["enable_submission_delete"] = true,
            ["enable_callbacks"] = true,
            ["callbacks_max_tries"] = callbacks.MaxAttempts,
            ["callbacks_timeout"] = (double)callbacks.TimeoutSeconds,
            ["enable_additional_files"] = true,
            ["max_queue_size"] = judge0.MaxQueueSize,
            ["cpu_time_limit"] = cpu,
            ["max_cpu_time_limit"] = limits.MaxCpuTimeMs / 1000m,
            ["cpu_extra_time"] = judge0.CpuExtraTimeSeconds,
            ["max_cpu_extra_time"] = judge0.MaxCpuExtraTimeSeconds,
            ["wall_time_limit"] = wall / 1000m,
            ["max_wall_time_limit"] = limits.MaxWallTimeMs / 1000m,
            ["memory_limit"] = limits.DefaultMemoryKb,
            ["max_memory_limit"] = limits.MaxMemoryKb,
            // Without stack_limit, the stack may grow as large as the memory limit.
            ["stack_limit"] = limits.DefaultMemoryKb,
            ["max_stack_limit"] = limits.MaxMemoryKb,
            ["max_processes_and_or_threads"] = limits.DefaultProcesses,
            ["max_max_processes_and_or_threads"] = limits.MaxProcesses,
            ["enable_per_process_and_thread_time_limit"] = false,
            ["allow_enable_per_process_and_thread_time_limit"] = false,
            ["enable_per_process_and_thread_memory_limit"] = false,
            ["allow_enable_per_process_and_thread_memory_limit"] = false,
            ["max_file_size"] = Math.Min(judge0.FileSizeKb, limits.MaxOutputKb),
            ["max_max_file_size"] = Math.Min(judge0.MaxFileSizeKb, limits.MaxOutputKb),
            ["number_of_runs"] = judge0.NumberOfRuns,
            ["max_number_of_runs"] = judge0.MaxNumberOfRuns,
            ["redirect_stderr_to_stdout"] = judge0.RedirectStderrToStdout,
            ["max_extract_size"] = judge.Value.MaxSourceBytes / 1024, // KB, as Judge0 counts it: all of a submission's files
            ["enable_batched_submissions"] = true,
            ["max_submission_batch_size"] = judge0.MaxSubmissionBatchSize,
            ["submission_cache_duration"] = 0.0,
            ["use_docs_as_homepage"] = false,
            ["allow_enable_network"] = false,
            ["enable_network"] = false,
            ["disable_implicit_base64_encoding"] = true,
        });
    }

    /// <summary>One queue, as Judge0 describes its Resque queue: what waits, how many workers are live, how many
    /// submissions are being judged.</summary>
    public static async Task<IResult> GetWorkers(Judge0Store store, CancellationToken cancellationToken)
    {
        var (available, queued, working) = await store.WorkersAsync(cancellationToken);
        return Judge0Json.Ok(new JsonArray(new JsonObject
        {
            ["queue"] = "judge",
            ["size"] = queued,
            ["available"] = available,
            ["idle"] = Math.Max(0, available - working),
            ["working"] = working,
            ["paused"] = 0,
            ["failed"] = 0,
        }));
    }
}
