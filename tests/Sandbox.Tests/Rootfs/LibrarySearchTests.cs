using Judge.Sandbox.Rootfs;
using static Judge.Sandbox.Tests.Rootfs.RootfsTestFiles;

namespace Judge.Sandbox.Tests.Rootfs;

public sealed class LibrarySearchTests : IDisposable
{
    readonly TempDirectory temp = new();

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Closure_of_ls_holds_the_interpreter_and_libraries_of_libraries()
    {
        var elf = ElfFile.TryRead("/bin/ls")!;

        var closure = LibrarySearch.FromHost().Closure("/bin/ls", elf, requireAll: true);
        var names = closure.Select(Path.GetFileName).ToList();

        Assert.Contains(elf.Interpreter, closure);
        Assert.Contains("libc.so.6", names);
        Assert.Contains("libselinux.so.1", names);
        Assert.Contains("libpcre2-8.so.0", names); // needed by libselinux, not by ls itself
    }

    [Fact]
    public void Runpath_with_origin_is_searched_relative_to_the_executable()
    {
        Directory.CreateDirectory(temp.Join("bin"));
        Directory.CreateDirectory(temp.Join("lib"));
        File.WriteAllText(temp.Join("answer.c"), "int answer(void) { return 42; }\n");
        File.WriteAllText(temp.Join("main.c"), "int answer(void); int main(void) { return answer(); }\n");
        Gcc("-shared", "-fPIC", "-o", temp.Join("lib", "libanswer.so"), temp.Join("answer.c"));
        Gcc("-o", temp.Join("bin", "main"), temp.Join("main.c"), "-L" + temp.Join("lib"), "-lanswer",
            "-Wl,--enable-new-dtags,-rpath,$ORIGIN/../lib");
        var elf = ElfFile.TryRead(temp.Join("bin", "main"))!;

        var closure = LibrarySearch.FromHost().Closure(temp.Join("bin", "main"), elf, requireAll: true);

        Assert.Contains(temp.Join("bin", "..", "lib", "libanswer.so"), closure);
    }

    [Fact]
    public void Missing_library_is_named_in_the_error()
    {
        File.WriteAllText(temp.Join("answer.c"), "int answer(void) { return 42; }\n");
        File.WriteAllText(temp.Join("main.c"), "int answer(void); int main(void) { return answer(); }\n");
        Gcc("-shared", "-fPIC", "-o", temp.Join("libgone.so"), temp.Join("answer.c"));
        Gcc("-o", temp.Join("main"), temp.Join("main.c"), "-L" + temp.Path, "-lgone");
        File.Delete(temp.Join("libgone.so"));
        var elf = ElfFile.TryRead(temp.Join("main"))!;

        var error = Assert.Throws<FileNotFoundException>(() => LibrarySearch.FromHost().Closure(temp.Join("main"), elf, requireAll: true));

        Assert.Contains("libgone.so", error.Message);
    }

    [Fact]
    public void Ld_so_conf_includes_are_followed_in_order()
    {
        Directory.CreateDirectory(temp.Join("conf.d"));
        File.WriteAllText(temp.Join("ld.so.conf"), "# comment\n/first\ninclude conf.d/*.conf\n/last/\n");
        File.WriteAllText(temp.Join("conf.d", "b.conf"), "/from-b\n");
        File.WriteAllText(temp.Join("conf.d", "a.conf"), "/from-a # trailing comment\n");
        File.WriteAllText(temp.Join("conf.d", "ignored.txt"), "/not-this\n");

        Assert.Equal(["/first", "/from-a", "/from-b", "/last"], LdSoConf.Directories(temp.Join("ld.so.conf")));
    }
}
