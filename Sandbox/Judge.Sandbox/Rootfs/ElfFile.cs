using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Judge.Sandbox.Rootfs;

/// <summary>What the dynamic loader needs to know about an ELF executable or shared object.</summary>
/// <param name="Is64Bit">ELFCLASS64 rather than ELFCLASS32.</param>
/// <param name="Machine">e_machine (62 = x86_64, 183 = aarch64); a library only satisfies an object of the same class and machine.</param>
/// <param name="Interpreter">PT_INTERP, or null for a static binary or a plain shared object.</param>
/// <param name="RunPath">DT_RUNPATH entries, unexpanded.</param>
/// <param name="RPath">DT_RPATH entries, unexpanded.</param>
internal sealed record ElfInfo(
    bool Is64Bit,
    ushort Machine,
    string? Interpreter,
    IReadOnlyList<string> Needed,
    IReadOnlyList<string> RunPath,
    IReadOnlyList<string> RPath);

/// <summary>
/// A small reader for little-endian ELF files: the program headers, then the dynamic section
/// (found through PT_DYNAMIC) and its string table (DT_STRTAB is a virtual address, mapped back to
/// a file offset through the PT_LOAD segment that covers it). Reads only the bytes it needs, so a
/// 100 MB compiler costs a few small reads.
/// <para>
/// Kept rather than a library because both candidates parse every section on load, symbol tables
/// included, where the loader's view needs four small reads. Measured (docs/benchmarks.md, "ELF
/// reader"; Release, median): ELFSharp 2.17.3 made the DT_NEEDED closure of /usr/bin/python3 take
/// 5.5-7.2 ms instead of 0.18-0.27 ms, cc1's 34 ms instead of 0.7-1.0 ms, and the C toolchain's image
/// plan 370-540 ms instead of 160-175 ms; LibObjectFile 2.3.1 alone takes 8.5 ms to load python3 and
/// 132 ms for cc1. Each CLI run plans its image afresh, so that is paid per run there.
/// </para>
/// </summary>
internal static class ElfFile
{
    const ushort ExecutableType = 2, SharedObjectType = 3;
    const uint LoadSegment = 1, DynamicSegment = 2, InterpreterSegment = 3;
    const long NeededTag = 1, StringTableTag = 5, StringTableSizeTag = 10, RPathTag = 15, RunPathTag = 29;
    const int MaxTableBytes = 16 << 20;

    /// <summary>
    /// Reads an executable or shared object. Returns null when the file is not ELF, is big-endian,
    /// or is some other kind of ELF (relocatable objects, core dumps), which the loader never maps.
    /// Throws <see cref="InvalidDataException"/> for a file that claims to be ELF but is malformed.
    /// </summary>
    public static ElfInfo? TryRead(string path)
    {
        using var file = File.OpenHandle(path);
        var header = ReadAt(file, 0, 64, path, allowShort: true);
        if (header.Length < 52 || !IsMagic(header) || header[5] != 1 /* ELFDATA2LSB */)
            return null;
        bool is64 = header[4] switch
        {
            1 => false,
            2 => true,
            _ => throw Malformed(path, "unknown ELF class"),
        };
        if (is64 && header.Length < 64)
            throw Malformed(path, "truncated header");

        ushort type = U16(header, 16);
        if (type is not (ExecutableType or SharedObjectType))
            return null;
        ushort machine = U16(header, 18);
        long programHeaderOffset = is64 ? (long)U64(header, 32) : U32(header, 28);
        int programHeaderSize = U16(header, is64 ? 54 : 42);
        int programHeaderCount = U16(header, is64 ? 56 : 44);
        if (programHeaderSize < (is64 ? 56 : 32))
            throw Malformed(path, "program header entries too small");

        var table = ReadAt(file, programHeaderOffset, programHeaderSize * programHeaderCount, path);
        var segments = new List<Segment>(programHeaderCount);
        for (int i = 0; i < programHeaderCount; i++)
            segments.Add(Segment.Parse(table.AsSpan(i * programHeaderSize, programHeaderSize), is64));

        string? interpreter = null;
        if (segments.FirstOrDefault(s => s.Type == InterpreterSegment) is { } interp)
            interpreter = CString(ReadAt(file, interp.Offset, Checked(interp.FileSize, path), path), 0);

        var needed = new List<string>();
        var runPath = new List<string>();
        var rPath = new List<string>();
        if (segments.FirstOrDefault(s => s.Type == DynamicSegment) is { } dynamic)
        {
            var entries = ReadDynamicEntries(ReadAt(file, dynamic.Offset, Checked(dynamic.FileSize, path), path), is64);
            ulong? tableAddress = entries.FirstOrDefault(e => e.Tag == StringTableTag)?.Value;
            ulong? tableSize = entries.FirstOrDefault(e => e.Tag == StringTableSizeTag)?.Value;
            if (tableAddress is null || tableSize is null)
                throw Malformed(path, "dynamic section without DT_STRTAB/DT_STRSZ");

            var load = segments.FirstOrDefault(s => s.Type == LoadSegment
                && tableAddress >= s.VirtualAddress && tableAddress < s.VirtualAddress + s.FileSize)
                ?? throw Malformed(path, "DT_STRTAB is not inside any PT_LOAD segment");
            long tableOffset = (long)(tableAddress.Value - load.VirtualAddress) + load.Offset;
            var strings = ReadAt(file, tableOffset, Checked(tableSize.Value, path), path);

            foreach (var entry in entries)
            {
                var list = entry.Tag switch { NeededTag => needed, RunPathTag => runPath, RPathTag => rPath, _ => null };
                if (list is null)
                    continue;
                if (entry.Value >= (ulong)strings.Length)
                    throw Malformed(path, "dynamic string offset past DT_STRSZ");
                string text = CString(strings, (int)entry.Value);
                if (entry.Tag == NeededTag)
                    list.Add(text);
                else
                    list.AddRange(text.Split(':', StringSplitOptions.RemoveEmptyEntries));
            }
        }
        return new ElfInfo(is64, machine, interpreter, needed, runPath, rPath);
    }

    sealed record Segment(uint Type, long Offset, ulong VirtualAddress, ulong FileSize)
    {
        public static Segment Parse(ReadOnlySpan<byte> entry, bool is64) => is64
            ? new(U32(entry, 0), (long)U64(entry, 8), U64(entry, 16), U64(entry, 32))
            : new(U32(entry, 0), U32(entry, 4), U32(entry, 8), U32(entry, 16));
    }

    sealed record DynamicEntry(long Tag, ulong Value);

    static List<DynamicEntry> ReadDynamicEntries(byte[] section, bool is64)
    {
        int size = is64 ? 16 : 8;
        var entries = new List<DynamicEntry>();
        for (int at = 0; at + size <= section.Length; at += size)
        {
            long tag = is64 ? (long)U64(section, at) : (int)U32(section, at);
            if (tag == 0) // DT_NULL ends the table
                break;
            entries.Add(new(tag, is64 ? U64(section, at + 8) : U32(section, at + 4)));
        }
        return entries;
    }

    static byte[] ReadAt(SafeFileHandle file, long offset, int count, string path, bool allowShort = false)
    {
        if (offset < 0 || count < 0)
            throw Malformed(path, "offset out of range");
        var buffer = new byte[count];
        int total = 0;
        while (total < count)
        {
            int read = RandomAccess.Read(file, buffer.AsSpan(total), offset + total);
            if (read == 0)
                break;
            total += read;
        }
        if (total < count && !allowShort)
            throw Malformed(path, "truncated file");
        return total == count ? buffer : buffer[..total];
    }

    static int Checked(ulong size, string path) =>
        size <= MaxTableBytes ? (int)size : throw Malformed(path, "implausibly large table");

    static bool IsMagic(ReadOnlySpan<byte> b) => b[0] == 0x7f && b[1] == (byte)'E' && b[2] == (byte)'L' && b[3] == (byte)'F';

    static string CString(byte[] bytes, int start)
    {
        int end = Array.IndexOf(bytes, (byte)0, start);
        return Encoding.UTF8.GetString(bytes, start, (end < 0 ? bytes.Length : end) - start);
    }

    static ushort U16(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt16LittleEndian(b[at..]);
    static uint U32(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt32LittleEndian(b[at..]);
    static ulong U64(ReadOnlySpan<byte> b, int at) => BinaryPrimitives.ReadUInt64LittleEndian(b[at..]);

    static InvalidDataException Malformed(string path, string why) => new($"{path}: malformed ELF file ({why})");
}
