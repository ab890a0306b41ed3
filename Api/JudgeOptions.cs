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

    /// <summary>How long an upload waits for a worker to run its package's input validators on every test; past it the
    /// upload is answered 503 and nothing of it is kept.</summary>
    public int InputValidationTimeoutSeconds { get; set; } = 120;

    /// <summary>Test stdout and stderr in responses are cut to this many UTF-8 bytes.</summary>
    public int OutputPreviewBytes { get; set; } = 65536;

    public int MaxSourceBytes { get; set; } = 256 * 1024;

    /// <summary>Most tests in one submission or problem.</summary>
    public int MaxTests { get; set; } = 1000;

    /// <summary>Largest single input or answer file in a zip upload (any bytes, stored by digest).</summary>
    public long MaxTestFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Largest zip upload, and the most its test files may add up to once unpacked.</summary>
    public long MaxUploadBytes { get; set; } = 1024L * 1024 * 1024;

    /// <summary>Most UTF-8 bytes the inline tests of one request may add up to (inputs and expected outputs,
    /// or <c>stdin</c> and <c>expectedOutput</c>); more is answered 413.</summary>
    public long MaxTestsBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Largest JSON request body (submissions, problems); more is answered 413 before it is read.</summary>
    public long MaxRequestBytes { get; set; } = 80L * 1024 * 1024;

    public LimitOptions Limits { get; set; } = new();

    public AccessOptions Access { get; set; } = new();

    public CallbackOptions Callbacks { get; set; } = new();
}

/// <summary>API keys and what one key may use (<c>Judge:Access</c>).</summary>
public sealed class AccessOptions
{
    /// <summary>How long a key found in the database is trusted without asking again: a revoked key keeps working
    /// at most this long. 0 asks the database on every request.</summary>
    public int KeyCacheSeconds { get; set; } = 5;

    /// <summary>Requests per second one key may make on average (token bucket refill); 0 turns the limit off.</summary>
    public int RequestsPerSecond { get; set; } = 50;

    /// <summary>Requests one key may make at once after a quiet spell (token bucket size).</summary>
    public int RequestBurst { get; set; } = 200;

    /// <summary>Most submissions of one key that may wait for a verdict at once; 0 turns the cap off.</summary>
    public int MaxUnfinishedSubmissions { get; set; } = 1000;

    /// <summary>The <c>Retry-After</c> a submission over the cap is answered with.</summary>
    public int QueueFullRetryAfterSeconds { get; set; } = 5;
}

/// <summary>Delivery of <c>callbackUrl</c> (<c>Judge:Callbacks</c>).</summary>
public sealed class CallbackOptions
{
    /// <summary>Attempts before a callback is given up (the first included).</summary>
    public int MaxAttempts { get; set; } = 8;

    /// <summary>Wait before the second attempt; it doubles for each one after.</summary>
    public double FirstRetrySeconds { get; set; } = 2;

    /// <summary>The longest wait between two attempts.</summary>
    public double MaxRetrySeconds { get; set; } = 600;

    /// <summary>How long one attempt may take, connecting and redirects included.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>How often pending callbacks are looked for, besides right when a submission finishes.</summary>
    public double PollSeconds { get; set; } = 5;

    /// <summary>Networks (CIDR, e.g. <c>10.1.2.0/24</c>) a callback may reach although they are loopback, private,
    /// link-local or unique-local. Empty: only public addresses.</summary>
    public string[] AllowedNetworks { get; set; } = [];
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
