using Judge.Sandbox;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>
/// The directories of one submission: a trusted scratch directory for the runs' standard streams
/// (never mounted into a sandbox), and the boxes that sandboxes see. Everything is removed, without
/// following links, when the submission is done.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public const string EmptyInput = "empty.in";

    private readonly WorkerOptions options;
    private readonly ILogger logger;
    private readonly List<string> boxes = [];

    public string Scratch { get; }

    public Workspace(WorkerOptions options, ILogger logger)
    {
        this.options = options;
        this.logger = logger;
        Directory.CreateDirectory(options.ScratchDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(options.BoxDirectory);
        Scratch = SafeFiles.CreateFreshDirectory(options.ScratchDirectory, "submission-");
        // Runs without input still get a file: a null stdin would inherit the worker's own.
        SafeFiles.WriteNewFile(Scratch, EmptyInput, []);
    }

    public string ScratchPath(string name) => Path.Combine(Scratch, name);

    /// <summary>A box a sandbox writes in (a compile step, a custom checker): a tmpfs of its own, which caps what
    /// the sandbox can write at <see cref="WorkerOptions.BoxBytes"/>.</summary>
    public string NewBox(string prefix) => Add(SafeFiles.CreateFreshDirectory(options.BoxDirectory, prefix, options.BoxBytes));

    /// <summary>A box only the worker writes in, which sandboxes see read-only (the source of a language with nothing to
    /// compile): a plain directory in the box directory's tmpfs. A tmpfs of its own would cost a mount and an unmount
    /// on the host for every submission, to cap what nobody but the worker writes.</summary>
    public string NewReadOnlyBox(string prefix) => Add(SafeFiles.CreateFreshDirectory(options.BoxDirectory, prefix));

    private string Add(string box)
    {
        boxes.Add(box);
        return box;
    }

    public void RemoveBox(string box)
    {
        Remove(box);
        boxes.Remove(box);
    }

    /// <summary>Reads the start of a file the trusted side or a run's stdio redirection wrote into the scratch directory.
    /// Missing reads as empty.</summary>
    public byte[] ReadScratch(string name, long maxBytes, out bool truncated) =>
        SafeFiles.ReadFile(Scratch, name, maxBytes, out truncated) ?? [];

    /// <summary>Opens such a file to be read through, however large it is. Missing reads as empty.</summary>
    public Stream OpenScratch(string name) => SafeFiles.OpenRead(Scratch, name) ?? Stream.Null;

    public void Dispose()
    {
        foreach (var box in boxes)
            Remove(box);
        Remove(Scratch);
    }

    private void Remove(string path)
    {
        try
        {
            SafeFiles.RemoveTree(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A leftover directory is worth a warning, not a wrong verdict.
            logger.LogWarning(e, "Could not remove {Path}", path);
        }
    }
}
