namespace Judge.Api;

/// <summary>The <c>Judge</c> configuration section.</summary>
public sealed class JudgeOptions
{
    public const string Section = "Judge";

    /// <summary>How long <c>?wait=true</c> holds a request before answering 202.</summary>
    public int WaitTimeoutSeconds { get; set; } = 30;

    /// <summary>A worker's languages count as offered while it was seen within this many seconds.</summary>
    public int WorkerTimeoutSeconds { get; set; } = 60;

    /// <summary>A submission still queued this long after its last publish is published again.</summary>
    public int RequeueAfterSeconds { get; set; } = 30;

    /// <summary>A submission compiling or running this long after its last publish is published again: its
    /// worker lost the database for longer than its retries. Keep it above the longest possible judging.</summary>
    public int StuckAfterSeconds { get; set; } = 3600;

    /// <summary>How long a request waits for the broker before leaving the publish to the sweeper.</summary>
    public int PublishTimeoutSeconds { get; set; } = 5;

    /// <summary>Test stdout and stderr in responses are cut to this many UTF-8 bytes.</summary>
    public int OutputPreviewBytes { get; set; } = 65536;

    public int MaxSourceBytes { get; set; } = 256 * 1024;

    /// <summary>Most tests in one submission or problem.</summary>
    public int MaxTests { get; set; } = 1000;

    /// <summary>Largest single input or expected output in a zip upload.</summary>
    public long MaxTestFileBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest zip upload, and the most its files may add up to once unpacked.</summary>
    public long MaxUploadBytes { get; set; } = 256L * 1024 * 1024;

    public LimitOptions Limits { get; set; } = new();
}

public sealed class LimitOptions
{
    public int DefaultCpuTimeMs { get; set; } = 2000;
    public int MaxCpuTimeMs { get; set; } = 20000;

    /// <summary>When unset, the wall-time default follows from the CPU time (<c>Judge.Data.Limits.WallTimeFor</c>: twice it
    /// plus a second), within the maximum.</summary>
    public int? DefaultWallTimeMs { get; set; }
    public int MaxWallTimeMs { get; set; } = 60000;

    public int DefaultMemoryKb { get; set; } = 262144;
    public int MaxMemoryKb { get; set; } = 1048576;

    public int DefaultProcesses { get; set; } = 64;
    public int MaxProcesses { get; set; } = 256;

    public int DefaultOutputKb { get; set; } = 65536;
    public int MaxOutputKb { get; set; } = 1048576;
}
