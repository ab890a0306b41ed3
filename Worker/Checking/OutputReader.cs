namespace Judge.Worker.Checking;

/// <summary>
/// A program's output, read forward through one fixed buffer: however large the output (a sparse file of a gibibyte,
/// one line without end), a checker holds at most <see cref="BufferBytes"/> of it.
/// </summary>
internal sealed class OutputReader(Stream stream)
{
    public const int BufferBytes = 64 << 10;

    private readonly byte[] buffer = new byte[BufferBytes];
    private int start, end;
    private bool ended;

    /// <summary>The bytes read and not yet skipped: at least <paramref name="count"/> (at most <see cref="BufferBytes"/>)
    /// unless the output ends sooner. Empty only at the end of the output.</summary>
    public ReadOnlySpan<byte> Peek(int count = 1)
    {
        if (end - start < count && !ended)
        {
            buffer.AsSpan(start, end - start).CopyTo(buffer);
            end -= start;
            start = 0;
            while (end < count && !ended)
            {
                var read = stream.Read(buffer, end, buffer.Length - end);
                ended = read == 0;
                end += read;
            }
        }
        return buffer.AsSpan(start, end - start);
    }

    public void Skip(int count) => start += count;
}
