using Judge.Sandbox.Rootfs;
using static Judge.Sandbox.Tests.Rootfs.RootfsTestFiles;

namespace Judge.Sandbox.Tests.Rootfs;

public sealed class ElfFileTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void True_is_a_64_bit_dynamic_executable_with_an_interpreter_and_libc()
    {
        var elf = ElfFile.TryRead("/bin/true");

        Assert.NotNull(elf);
        Assert.True(elf.Is64Bit);
        Assert.Contains(elf.Machine, new ushort[] { 62, 183 });
        Assert.NotNull(elf.Interpreter);
        Assert.StartsWith("/lib", elf.Interpreter);
        Assert.Contains("libc.so.6", elf.Needed);
    }

    [Fact]
    public void Python_lists_its_direct_libraries()
    {
        var elf = ElfFile.TryRead("/usr/bin/python3");

        Assert.NotNull(elf);
        Assert.Contains("libc.so.6", elf.Needed);
        Assert.Contains("libm.so.6", elf.Needed);
        Assert.Contains("libz.so.1", elf.Needed);
    }

    [Fact]
    public void Static_binary_has_no_interpreter_and_needs_nothing()
    {
        File.WriteAllText(temp.Join("hello.c"), "int main(void) { return 0; }\n");
        Gcc("-static", "-o", temp.Join("hello"), temp.Join("hello.c"));

        var elf = ElfFile.TryRead(temp.Join("hello"));

        Assert.NotNull(elf);
        Assert.Null(elf.Interpreter);
        Assert.Empty(elf.Needed);
    }

    [Fact]
    public void Shared_library_reports_its_runpath_unexpanded()
    {
        File.WriteAllText(temp.Join("lib.c"), "int answer(void) { return 42; }\n");
        Gcc("-shared", "-fPIC", "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../deps", "-o", temp.Join("libanswer.so"), temp.Join("lib.c"));

        var elf = ElfFile.TryRead(temp.Join("libanswer.so"));

        Assert.NotNull(elf);
        Assert.Equal(["$ORIGIN/../deps"], elf.RunPath);
        Assert.Empty(elf.RPath);
    }

    [Fact]
    public void Text_file_is_not_elf()
    {
        File.WriteAllText(temp.Join("notes.txt"), "not a program, long enough to fill an ELF header's worth of bytes\n");

        Assert.Null(ElfFile.TryRead(temp.Join("notes.txt")));
    }

    [Fact]
    public void File_with_elf_magic_but_garbage_after_it_is_reported_as_malformed()
    {
        var bytes = new byte[64];
        bytes[0] = 0x7f; bytes[1] = (byte)'E'; bytes[2] = (byte)'L'; bytes[3] = (byte)'F';
        bytes[4] = 2; bytes[5] = 1; bytes[16] = 3; // ELF64, little-endian, ET_DYN
        bytes[32] = 0xff; bytes[33] = 0xff; bytes[34] = 0xff; // program headers far past the end
        bytes[54] = 56; bytes[56] = 1;
        File.WriteAllBytes(temp.Join("broken.so"), bytes);

        var error = Assert.Throws<InvalidDataException>(() => ElfFile.TryRead(temp.Join("broken.so")));
        Assert.Contains("broken.so", error.Message);
    }

    /// <summary>Cut anywhere before the end of what the loader reads (the headers, the interpreter's name, the
    /// dynamic table and its strings, all in the first half of /bin/true), an executable is malformed, and said so.</summary>
    [Fact]
    public void Truncated_executable_is_reported_as_malformed()
    {
        byte[] whole = File.ReadAllBytes("/bin/true");
        string path = temp.Join("cut");

        foreach (int length in new[] { 52, 64, 100, 200, 1000, whole.Length / 2 })
        {
            File.WriteAllBytes(path, whole[..length]);

            var error = Assert.Throws<InvalidDataException>(() => ElfFile.TryRead(path));
            Assert.Contains($"{path}: malformed ELF file", error.Message);
        }
    }

    /// <summary>Whatever a hostile file holds, reading it ends in an answer or in <see cref="InvalidDataException"/>,
    /// never in another exception: the header of a real executable with random bytes overwritten, and random bytes
    /// behind a valid ELF identification.</summary>
    [Fact]
    public void Corrupted_or_random_elf_files_give_an_answer_or_a_malformed_file_error_and_nothing_else()
    {
        byte[] real = File.ReadAllBytes("/bin/true");
        var random = new Random(9);
        string path = temp.Join("hostile");
        var unexpected = new List<string>();

        for (int round = 0; round < 300; round++)
        {
            byte[] bytes;
            if (round % 2 == 0)
            {
                bytes = (byte[])real.Clone();
                for (int flips = 0; flips < 8; flips++)
                    bytes[random.Next(16, 1024)] = (byte)random.Next(256); // past e_ident: the headers and the tables
                // Also somewhere in the section headers at the end, where the dynamic section is found.
                bytes[random.Next(bytes.Length - 2048, bytes.Length)] = (byte)random.Next(256);
            }
            else
            {
                bytes = new byte[random.Next(64, 4096)];
                random.NextBytes(bytes);
                byte[] ident = [0x7f, (byte)'E', (byte)'L', (byte)'F', 2, 1, 1];
                ident.CopyTo(bytes, 0);
                bytes[16] = 3; bytes[17] = 0; // ET_DYN
            }
            File.WriteAllBytes(path, bytes);
            try
            {
                ElfFile.TryRead(path);
            }
            catch (InvalidDataException e)
            {
                Assert.Contains(path, e.Message);
            }
            catch (Exception e)
            {
                unexpected.Add($"round {round}: {e.GetType().Name}: {e.Message}");
            }
        }

        Assert.True(unexpected.Count == 0, string.Join("\n", unexpected));
    }
}
