using Judge.EndToEnd;

namespace Judge.Faults.Tests;

/// <summary>The submissions the fault tests send: small Python programs (no compile step), checked against tests.</summary>
public static class Programs
{
    /// <summary>Roomy wall time: a fault test loads the machine, and a TLE here would be a false alarm.</summary>
    private static readonly Limits Quick = new(CpuTimeMs: 2000, WallTimeMs: 10_000, MemoryKb: 128 * 1024, OutputKb: 64);

    /// <summary>Doubles its input; two tests, both accepted.</summary>
    public static SubmissionRequest Doubling(int n) => new("python3", "print(int(input()) * 2)\n")
    {
        Tests = [new TestCase($"{n}\n", $"{2 * n}\n"), new TestCase($"{n + 1}\n", $"{2 * n + 2}\n")],
        Limits = Quick,
    };

    public const int DoublingTests = 2;

    /// <summary>Doubles its input, sleeping first (no CPU used) on its first test only, so that a test can catch it being
    /// judged without waiting twice; two tests.</summary>
    public static SubmissionRequest Sleeping(int n, double seconds) =>
        new("python3", $"import time\nn = int(input())\nif n % 2 == 0:\n    time.sleep({seconds})\nprint(n * 2)\n")
        {
            Tests = [new TestCase($"{2 * n}\n", $"{4 * n}\n"), new TestCase($"{2 * n + 1}\n", $"{4 * n + 2}\n")],
            Limits = Quick with { WallTimeMs = (int)(2 * seconds * 1000) + 10_000 },
        };

    /// <summary>The smallest useful submission, for the burst: one test.</summary>
    public static SubmissionRequest Tiny(int n) => new("python3", "print(int(input()) * 2)\n")
    {
        Tests = [new TestCase($"{n}\n", $"{2 * n}\n")],
        Limits = Quick,
    };
}
