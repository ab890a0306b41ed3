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
}
