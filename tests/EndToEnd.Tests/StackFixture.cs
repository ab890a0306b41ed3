using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

[CollectionDefinition(Name)]
public sealed class StackCollection : ICollectionFixture<StackFixture>
{
    public const string Name = "judge stack";
}

/// <summary>One Judge (Api, Worker, fresh database and virtual host) for the whole test run.</summary>
public sealed class StackFixture : IAsyncLifetime
{
    /// <summary>Generous: a verdict takes seconds, but other test projects may be loading both cores meanwhile.</summary>
    public static readonly TimeSpan VerdictTimeout = TimeSpan.FromMinutes(3);

    public JudgeStack Stack { get; private set; } = null!;
    public JudgeClient Client => Stack.Client;

    public async Task InitializeAsync()
    {
        var log = Path.Combine(AppContext.BaseDirectory, "logs", $"e2e-{DateTime.Now:yyyyMMdd-HHmmss}-{Environment.ProcessId}.log");
        // The Api's own wait covers a busy queue; JudgeClient polls past it anyway.
        Stack = await JudgeStack.StartAsync(log, new Dictionary<string, string> { ["Judge__WaitTimeoutSeconds"] = "60" });
    }

    public Task<Submission> JudgeAsync(SubmissionRequest request) => Client.JudgeAsync(request, VerdictTimeout);

    public async Task DisposeAsync() => await Stack.DisposeAsync();
}
