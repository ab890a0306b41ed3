using Judge.Sandbox;
using Microsoft.Extensions.Logging;

namespace Judge.Worker.Judging;

/// <summary>
/// The directories of one submission: a trusted scratch directory for the runs' standard streams
/// (never mounted into a sandbox), and the boxes that sandboxes see. Everything is removed, without
/// following links or decoding names, when the submission is done; what cannot be removed is logged as an error.
/// </summary>
internal sealed class Workspace : IDisposable
{
    public const string EmptyInput = "empty.in";

    private readonly WorkerOptions options;
    private readonly ILogger logger;
    private readonly List<string> boxes = [];

    public string Scratch { get; }

    /// <param name="scratchBytes">The size of this submission's scratch tmpfs: the most its files there can take at once.
    /// It is a space of its own, so a submission that fills it cannot take what another submission's runs need.</param>
    public Workspace(WorkerOptions options, ILogger logger, long scratchBytes)
    {
        this.options = options;
        this.logger = logger;
        Directory.CreateDirectory(options.ScratchDirectory, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        Directory.CreateDirectory(options.BoxDirectory);
        Scratch = SafeFiles.CreateFreshDirectory(options.ScratchDirectory, "submission-", scratchBytes);
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

    /// <summary>Removes files from the scratch directory once they have been read, so that a submission holds at most
    /// one test's files there at a time.</summary>
    public void RemoveScratch(params string[] names)
    {
        foreach (var name in names)
            Remove(ScratchPath(name));
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
            try
            {
                SafeFiles.RemoveTree(path);
            }
            catch (IOException e)
            {
                // Once more: the first failure may be passing (a mount still busy while the run's last process exits).
                logger.LogWarning(e, "Could not remove {Path}; trying once more", path);
                SafeFiles.RemoveTree(path);
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // Not the submission's fault, so not its verdict: but space or a mount is left behind, which an operator must hear of.
            logger.LogError(e, "Could not remove {Path}; it is left behind", path);
        }
    }
}
