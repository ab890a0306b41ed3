using System.Security.Cryptography;
using System.Text;

namespace Judge.Data;

/// <summary>
/// A Kattis package's own output validator, or its interactive validator (the <c>validator</c> column of
/// <c>problem_validators</c>): its source files, compiled by the worker as <see cref="Language"/> (a worker language
/// id: <c>c</c>, <c>cpp17</c>, <c>python3</c>, <c>java</c>), and run as <c>validator input answer feedback_dir
/// [arguments]</c>. Exit 42 accepts, 43 rejects, anything else is the validator's failure.
/// </summary>
/// <param name="Name">Where it came from in the package (<c>output_validators/check</c>), for messages.</param>
/// <param name="Main">The file that is run (Python) or the class that has <c>main</c> (Java); null for C and C++,
/// where every source file is compiled into one program.</param>
/// <param name="Scoring">The problem is a scoring problem: an accepted test's score is the validator's <c>score.txt</c>, if it writes one.</param>
public sealed record KattisValidator(
    string Name,
    string Language,
    bool Interactive,
    bool Scoring,
    IReadOnlyList<ValidatorFile> Files,
    IReadOnlyList<string> Arguments,
    string? Main = null,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? GroupArguments = null)
{
    /// <summary>The arguments for a test of <paramref name="group"/>: its group's own (testdata.yaml's
    /// <c>output_validator_flags</c>), where they differ from <see cref="Arguments"/>.</summary>
    public IReadOnlyList<string> ArgumentsFor(string? group) =>
        group is not null && GroupArguments?.GetValueOrDefault(group) is { } arguments ? arguments : Arguments;

    /// <summary>What is compiled, named by its content: the same digest is the same program.</summary>
    public string Digest()
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        foreach (var part in Files.OrderBy(f => f.Name, StringComparer.Ordinal).SelectMany(f => new[] { f.Name, f.Content }).Prepend(Main ?? "").Prepend(Language))
        {
            var bytes = Encoding.UTF8.GetBytes(part);
            hash.AppendData(BitConverter.GetBytes(bytes.Length));
            hash.AppendData(bytes);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }
}

/// <summary>One file of a validator, by its name in the validator's folder (no folders: a validator is one flat folder).</summary>
public sealed record ValidatorFile(string Name, string Content);
