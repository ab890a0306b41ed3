using System.IO.MemoryMappedFiles;
using System.Text;
using Judge.Data;
using Judge.Sandbox;

namespace Judge.Worker.Judging;

/// <summary>
/// One test's input and answer as its runs see them. A problem's test is two files of the worker's cache
/// (<see cref="TestDataCache"/>): the program reads the input as its stdin, jury programs (a custom checker, a package's
/// validator) read both through read-only binds at <see cref="InputPath"/> and <see cref="AnswerPath"/>, and the built-in
/// checkers compare the output with a read-only mapping of the answer, which the kernel pages in as it is read: neither
/// file is ever copied or read whole into the worker's memory, whatever its size. A submission's own test is text from its
/// JSON (small, held already): given as bytes, and written to a volume only when a jury program asks for files.
/// </summary>
public sealed class JuryFiles : IDisposable
{
    public const string InputPath = "/data/input";
    public const string AnswerPath = "/data/answer";

    private readonly ISandbox sandbox;
    private readonly TestDataCache.Lease? input, answer;
    private readonly byte[]? inputBytes, answerBytes;
    private MemoryMappedFile? mapping;
    private MemoryMappedViewAccessor? view;
    private unsafe byte* mapped;
    private SandboxVolume? volume;

    private JuryFiles(ISandbox sandbox, TestDataCache.Lease? input, TestDataCache.Lease? answer, byte[]? inputBytes, byte[]? answerBytes)
    {
        this.sandbox = sandbox;
        (this.input, this.answer, this.inputBytes, this.answerBytes) = (input, answer, inputBytes, answerBytes);
    }

    public static async Task<JuryFiles> OpenAsync(TestCase test, TestDataCache cache, ISandbox sandbox, CancellationToken cancellationToken)
    {
        if (test.InputFile is null)
            return new JuryFiles(sandbox, null, null, Encoding.UTF8.GetBytes(test.Input), test.ExpectedOutput is null ? null : Encoding.UTF8.GetBytes(test.ExpectedOutput));
        var input = await cache.AcquireAsync(test.InputFile, cancellationToken);
        try
        {
            var answer = test.AnswerFile is null ? null : await cache.AcquireAsync(test.AnswerFile, cancellationToken);
            return new JuryFiles(sandbox, input, answer, null, null);
        }
        catch
        {
            input.Dispose();
            throw;
        }
    }

    /// <summary>The spec with the test's input as its stdin.</summary>
    public SandboxSpec WithStdin(SandboxSpec spec) =>
        input is not null ? spec with { StdinPath = input.Path, Stdin = null } : spec with { Stdin = SandboxInput.FromBytes(inputBytes), StdinPath = null };

    /// <summary>The expected output, for a built-in checker; empty for a plain run.</summary>
    public unsafe ReadOnlySpan<byte> Answer
    {
        get
        {
            if (answer is null)
                return answerBytes;
            if (view is null)
                Map(answer.Path);
            return mapped is null ? [] : new ReadOnlySpan<byte>(mapped + view!.PointerOffset, checked((int)(view.Capacity - view.PointerOffset)));
        }
    }

    private unsafe void Map(string path)
    {
        var length = new FileInfo(path).Length;
        if (length == 0)
            return; // an empty file cannot be mapped; its answer is empty
        mapping = MemoryMappedFile.CreateFromFile(path, FileMode.Open, mapName: null, 0, MemoryMappedFileAccess.Read);
        view = mapping.CreateViewAccessor(0, length, MemoryMappedFileAccess.Read);
        view.SafeMemoryMappedViewHandle.AcquirePointer(ref mapped);
    }

    /// <summary>Binds that show the input and the answer (empty for a plain run) read-only at <see cref="InputPath"/> and
    /// <see cref="AnswerPath"/>, for a jury program.</summary>
    public IReadOnlyList<BindMount> Binds()
    {
        if (input is not null)
            return answer is null ? [new BindMount(input.Path, InputPath)] : [new BindMount(input.Path, InputPath), new BindMount(answer.Path, AnswerPath)];
        if (volume is null)
        {
            volume = sandbox.CreateVolume("jury-");
            volume.WriteFile("input", inputBytes);
            volume.WriteFile("answer", answerBytes);
        }
        return [new BindMount(volume.HostPath, Path.GetDirectoryName(InputPath)!)];
    }

    public unsafe void Dispose()
    {
        if (view is not null)
        {
            if (mapped is not null)
                view.SafeMemoryMappedViewHandle.ReleasePointer();
            view.Dispose();
        }
        mapping?.Dispose();
        volume?.Dispose();
        input?.Dispose();
        answer?.Dispose();
    }
}
