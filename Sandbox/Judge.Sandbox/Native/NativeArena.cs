using System.Runtime.InteropServices;
using System.Text;

namespace Judge.Sandbox.Native;

/// <summary>Unmanaged memory for one spawn request: everything the C side reads, freed together.</summary>
internal sealed unsafe class NativeArena : IDisposable
{
    private readonly List<nint> _blocks = [];

    public nint String(string? value)
    {
        if (value is null)
            return 0;
        int length = Encoding.UTF8.GetByteCount(value);
        byte* p = (byte*)Allocate(length + 1);
        Encoding.UTF8.GetBytes(value, new Span<byte>(p, length));
        p[length] = 0;
        return (nint)p;
    }

    /// <summary>A NULL-terminated array of C strings, as execve wants.</summary>
    public nint StringArray(IReadOnlyList<string> values)
    {
        nint* array = (nint*)Allocate((values.Count + 1) * sizeof(nint));
        for (int i = 0; i < values.Count; i++)
            array[i] = String(values[i]);
        array[values.Count] = 0;
        return (nint)array;
    }

    public nint Array<T>(ReadOnlySpan<T> values) where T : unmanaged
    {
        if (values.IsEmpty)
            return 0;
        T* p = (T*)Allocate(values.Length * sizeof(T));
        values.CopyTo(new Span<T>(p, values.Length));
        return (nint)p;
    }

    private void* Allocate(int bytes)
    {
        void* p = NativeMemory.Alloc((nuint)Math.Max(bytes, 1));
        _blocks.Add((nint)p);
        return p;
    }

    public void Dispose()
    {
        foreach (nint block in _blocks)
            NativeMemory.Free((void*)block);
        _blocks.Clear();
    }
}
