using ELFSharp.ELF;
using ELFSharp.ELF.Sections;
using ELFSharp.ELF.Segments;

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
/// Reads executables and shared objects with ELFSharp: PT_INTERP from the program headers, and DT_NEEDED,
/// DT_RUNPATH and DT_RPATH from the dynamic section, their strings from the string table DT_STRTAB points at.
/// The files come from images an administrator names, but a tree may hold anything: whatever a malformed file
/// makes the library throw becomes an <see cref="InvalidDataException"/> that names the file.
/// </summary>
internal static class ElfFile
{
    /// <summary>
    /// Reads an executable or shared object. Returns null when the file is not ELF, is big-endian,
    /// or is some other kind of ELF (relocatable objects, core dumps), which the loader never maps.
    /// Throws <see cref="InvalidDataException"/> for a file that claims to be ELF but is malformed.
    /// </summary>
    public static ElfInfo? TryRead(string path)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 4096);
        try
        {
            if (!ELFReader.TryLoad(stream, shouldOwnStream: false, out IELF? elf))
                return null;
            using (elf)
            {
                return elf switch
                {
                    _ when elf.Endianess != ELFSharp.Endianess.LittleEndian => null,
                    _ when elf.Type is not (FileType.Executable or FileType.SharedObject) => null,
                    ELF<ulong> elf64 => Read(elf64, stream.Length, x => x),
                    ELF<uint> elf32 => Read(elf32, stream.Length, x => x),
                    _ => throw new InvalidDataException($"unknown ELF class {elf.Class}"),
                };
            }
        }
        catch (Exception e)
        {
            // Opening the file is outside: what fails from here on (a read past the end, a seek to an offset the file
            // claims, an index or a size out of range) says the file is malformed, whatever ELFSharp threw.
            throw new InvalidDataException($"{path}: malformed ELF file ({e.Message})", e);
        }
    }

    static ElfInfo Read<T>(ELF<T> elf, long fileLength, Func<T, ulong> value) where T : struct
    {
        string? interpreter = null;
        if (elf.Segments.FirstOrDefault(s => s.Type == SegmentType.Interpreter) is { } interp)
        {
            CheckInside(interp.Offset, (ulong)interp.FileSize, fileLength, "PT_INTERP");
            interpreter = CString(interp.GetFileContents(), 0);
        }

        var needed = new List<string>();
        var runPath = new List<string>();
        var rPath = new List<string>();
        var dynamic = elf.TryGetSection(".dynamic", out var section) ? section as DynamicSection<T> : null;
        if (dynamic is null)
        {
            // The loader reads the dynamic table through PT_DYNAMIC; ELFSharp reads it through the section headers,
            // which every toolchain writes. A file with the one and not the other would lose its libraries silently.
            if (elf.Segments.Any(s => s.Type == SegmentType.Dynamic))
                throw new InvalidDataException("a PT_DYNAMIC segment but no dynamic section");
            return new ElfInfo(elf.Class == Class.Bit64, (ushort)elf.Machine, interpreter, needed, runPath, rPath);
        }
        CheckInside(value(dynamic.Offset), value(dynamic.Size), fileLength, "the dynamic section");
        DynamicEntry<T>[] entries = [.. dynamic.Entries.TakeWhile(e => e.Tag != DynamicTag.Null)];

        ulong stringTableAddress = entries.Where(e => e.Tag == DynamicTag.StrTab).Select(e => value(e.Value)).FirstOrDefault();
        var strings = elf.TryGetSection(".dynstr", out var named) && named is StringTable<T> table && value(table.LoadAddress) == stringTableAddress
            ? table
            : throw new InvalidDataException("no .dynstr string table where DT_STRTAB points");
        ulong stringTableSize = value(strings.Size);
        CheckInside(value(strings.Offset), stringTableSize, fileLength, "the dynamic string table");

        foreach (var entry in entries)
        {
            var list = entry.Tag switch
            {
                DynamicTag.Needed => needed,
                DynamicTag.RunPath => runPath,
                DynamicTag.RPath => rPath,
                _ => null,
            };
            if (list is null)
                continue;
            ulong offset = value(entry.Value);
            if (offset >= stringTableSize)
                throw new InvalidDataException("dynamic string offset past DT_STRSZ");
            string text = strings[(long)offset];
            if (entry.Tag == DynamicTag.Needed)
                list.Add(text);
            else
                list.AddRange(text.Split(':', StringSplitOptions.RemoveEmptyEntries));
        }
        return new ElfInfo(elf.Class == Class.Bit64, (ushort)elf.Machine, interpreter, needed, runPath, rPath);
    }

    /// <summary>A table that claims to lie past the end of the file is refused before anything reads or allocates it.</summary>
    static void CheckInside(long offset, ulong size, long fileLength, string what)
    {
        if (offset < 0 || size > (ulong)fileLength || (ulong)offset > (ulong)fileLength - size)
            throw new InvalidDataException($"{what} lies outside the file");
    }

    static void CheckInside(ulong offset, ulong size, long fileLength, string what) =>
        CheckInside(offset > long.MaxValue ? -1 : (long)offset, size, fileLength, what);

    static string CString(byte[] bytes, int start)
    {
        int end = Array.IndexOf(bytes, (byte)0, start);
        return System.Text.Encoding.UTF8.GetString(bytes, start, (end < 0 ? bytes.Length : end) - start);
    }
}
