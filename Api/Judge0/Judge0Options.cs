namespace Judge.Api.Judge0;

/// <summary>
/// The <c>Judge0</c> configuration section: the Judge0 CE 1.13 compatible surface (docs/judge0-compatibility.md). Its
/// time, memory and process limits are the <c>Judge:Limits</c> of our own API; what only Judge0 has is here.
/// </summary>
public sealed class Judge0Options
{
    public const string Section = "Judge0";

    /// <summary>The version of Judge0 CE whose API this surface speaks, as <c>/about</c> and <c>/version</c> report it.</summary>
    public const string EmulatedVersion = "1.13.1";

    public bool Enabled { get; set; } = true;

    /// <summary>Where the surface lives: <c>/</c>, as Judge0 clients expect, or e.g. <c>/judge0</c>.</summary>
    public string PathPrefix { get; set; } = "/";

    /// <summary>Origins allowed to call from a browser; empty or <c>*</c>: any origin, as Judge0 allows by default.</summary>
    public string[] CorsOrigins { get; set; } = [];

    /// <summary>Accepted values of <see cref="AuthzHeader"/> for listing and deleting submissions; empty: those are open
    /// to whoever is authenticated (Judge0's <c>AUTHZ_TOKEN</c>).</summary>
    public string[] AuthzTokens { get; set; } = [];
    public string AuthzHeader { get; set; } = "X-Auth-User";

    /// <summary>Submissions waiting in the queue (status queued, all APIs) beyond which creating one answers 503.</summary>
    public int MaxQueueSize { get; set; } = 100;

    public int MaxSubmissionBatchSize { get; set; } = 20;

    /// <summary>Extra CPU time granted before a run is killed: a program within it is still "Time Limit Exceeded" but
    /// gets its real time reported, as isolate's <c>--extra-time</c>.</summary>
    public double CpuExtraTimeSeconds { get; set; } = 0;
    public double MaxCpuExtraTimeSeconds { get; set; } = 5;

    /// <summary>The output limit (<c>max_file_size</c>). Smaller than our own API's: the whole output of a Judge0
    /// submission is stored and sent back, as Judge0 does.</summary>
    public int FileSizeKb { get; set; } = 1024;
    public int MaxFileSizeKb { get; set; } = 4096;

    public int NumberOfRuns { get; set; } = 1;
    public int MaxNumberOfRuns { get; set; } = 20;

    public bool RedirectStderrToStdout { get; set; }

    /// <summary>Shown by <c>/about</c>.</summary>
    public string? Homepage { get; set; }
    public string? SourceCode { get; set; }
    public string? Maintainer { get; set; }
}
