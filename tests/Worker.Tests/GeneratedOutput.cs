namespace Judge.Worker.Tests;

/// <summary>
/// A program's output made up as it is read: <paramref name="head"/>, then <paramref name="pattern"/> repeated up to
/// <paramref name="length"/> bytes in all. A gibibyte of it costs no memory, as a sparse file costs the program none.
/// </summary>
internal sealed class GeneratedOutput(byte[] head, byte[] pattern, long length) : Stream
{
    private long position;

    public long BytesRead => position;

    public static GeneratedOutput Of(string head, string pattern, long length) =>
        new(System.Text.Encoding.UTF8.GetBytes(head), System.Text.Encoding.UTF8.GetBytes(pattern), length);

    public override int Read(byte[] buffer, int offset, int count)
    {
        var into = buffer.AsSpan(offset, (int)Math.Min(count, length - position));
        var fromHead = (int)Math.Clamp(head.Length - position, 0, into.Length);
        head.AsSpan((int)Math.Min(position, head.Length), fromHead).CopyTo(into);
        Fill(into[fromHead..], (position + fromHead - head.Length) % pattern.Length);
        position += into.Length;
        return into.Length;
    }

    /// <summary>The pattern from <paramref name="phase"/> on: one period by hand, then doubled (quick enough for gibibytes).</summary>
    private void Fill(Span<byte> into, long phase)
    {
        var period = Math.Min(pattern.Length, into.Length);
        for (var i = 0; i < period; i++)
            into[i] = pattern[(int)((phase + i) % pattern.Length)];
        for (var filled = period; filled < into.Length; filled *= 2)
            into[..filled][..Math.Min(filled, into.Length - filled)].CopyTo(into[filled..]);
    }

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => length;
    public override long Position { get => position; set => throw new NotSupportedException(); }
    public override void Flush() { }
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
