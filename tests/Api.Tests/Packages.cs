using Judge.Api.Problems;
using Judge.Api.Validation;

namespace Judge.Api.Tests;

/// <summary>A Kattis package read as the upload reads it (<see cref="KattisPackage.TryRead"/>, the shipped options), without HTTP.</summary>
internal static class Packages
{
    /// <returns>The problem (null when the package is refused) and every fault under its key (<c>file:PATH</c>). A zip that is
    /// not read as a Kattis package at all fails the test.</returns>
    public static (KattisProblem? Problem, Dictionary<string, string[]> Errors) Read(params (string Name, string Content)[] files)
    {
        using var zip = ProblemArchiveTests.Zip(files);
        var errors = new ValidationErrors();
        using var staging = new TestDataStaging();
        Assert.True(KattisPackage.TryRead(zip, null, new JudgeOptions(), staging, "file", errors, out var problem), "not read as a Kattis package");
        return (problem, errors.ToDictionary());
    }
}
