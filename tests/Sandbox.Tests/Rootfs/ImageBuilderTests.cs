using System.Diagnostics;
using Judge.Sandbox.Rootfs;
using static Judge.Sandbox.Tests.Rootfs.RootfsTestFiles;

namespace Judge.Sandbox.Tests.Rootfs;

public sealed class ImageBuilderTests : IDisposable
{
    readonly TempDirectory temp = new();
    readonly string cache;

    public ImageBuilderTests() => cache = temp.Join("cache");

    public void Dispose() => temp.Dispose();

    [Fact]
    public void Image_of_sh_reproduces_the_host_links_down_to_the_interpreter()
    {
        var image = new ImageBuilder(cache).GetOrBuild(["/bin/sh"]);
        string interpreter = ElfFile.TryRead(RealPath("/bin/sh"))!.Interpreter!;

        Assert.Equal("usr/lib64", new FileInfo(Path.Join(image.Directory, "lib64")).LinkTarget);
        Assert.Equal(new FileInfo("/bin").LinkTarget, new FileInfo(Path.Join(image.Directory, "bin")).LinkTarget);
        Assert.Equal(new FileInfo("/bin/sh").LinkTarget, new FileInfo(Path.Join(image.Directory, "usr/bin/sh")).LinkTarget);
        string realInterpreter = Path.Join(image.Directory, RealPath(interpreter));
        Assert.True(File.Exists(realInterpreter) && new FileInfo(realInterpreter).LinkTarget is null, $"{realInterpreter} should be a regular file");
    }

    [Fact]
    public void Ls_runs_inside_a_chroot_of_its_image_and_sees_only_the_image()
    {
        var image = new ImageBuilder(cache).GetOrBuild(["/bin/ls"]);

        var (exitCode, listing, errors) = RunInChroot(image, "/bin/ls", "/");

        Assert.True(exitCode == 0, errors);
        Assert.DoesNotContain("etc", listing.Split('\n'));
        Assert.Contains("usr", listing.Split('\n'));
    }

    [Fact]
    public void Python_image_with_its_library_directory_can_import_extension_modules_in_a_chroot()
    {
        // _ssl lives in lib-dynload and needs libssl, which only the walk of the given tree finds.
        var image = new ImageBuilder(cache).GetOrBuild(["/usr/bin/python3", "/usr/lib/python3.11"]);

        var (exitCode, output, errors) = RunInChroot(image, "/usr/bin/python3", "-c", "import ssl, json; print(json.dumps(ssl.OPENSSL_VERSION_NUMBER > 0))");

        Assert.True(exitCode == 0, errors);
        Assert.Equal("true\n", output);
    }

    [Fact]
    public void Image_holds_exactly_the_given_file_and_no_host_etc()
    {
        File.WriteAllText(temp.Join("input.txt"), "hello");

        var image = new ImageBuilder(cache).GetOrBuild([temp.Join("input.txt")]);

        var expected = new List<string>();
        for (string? dir = Path.GetDirectoryName(temp.Path); dir is not null && dir != "/"; dir = Path.GetDirectoryName(dir))
            expected.Add(dir);
        expected.Add(temp.Path);
        expected.Add(temp.Join("input.txt"));
        expected.Sort(StringComparer.Ordinal);
        Assert.Equal(expected, ListImage(image.Directory));
    }

    [Fact]
    public void Same_request_twice_gets_the_same_directory_even_from_a_new_builder()
    {
        var builder = new ImageBuilder(cache);

        var first = builder.GetOrBuild(["/bin/true", "/bin/ls"]);
        var again = builder.GetOrBuild(["/bin/ls", "/bin/true"]);
        var fromAnotherBuilder = new ImageBuilder(cache).GetOrBuild(["/bin/true", "/bin/ls"]);

        Assert.Equal(first, again);
        Assert.Equal(first, fromAnotherBuilder);
        Assert.Single(Directory.GetFileSystemEntries(cache));
    }

    [Fact]
    public void Repeated_request_is_answered_from_memory_quickly()
    {
        var builder = new ImageBuilder(cache);
        var first = builder.GetOrBuild(["/bin/ls"]);

        var clock = Stopwatch.StartNew();
        for (int i = 0; i < 1000; i++)
            Assert.Equal(first, builder.GetOrBuild(["/bin/ls"]));
        clock.Stop();

        // A hit is a dozen lstat() calls; a rebuild would read ELF files and hash.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), $"1000 hits took {clock.Elapsed}");
    }

    [Fact]
    public void Changed_file_gets_a_new_image()
    {
        string tool = temp.Join("tool.txt");
        File.WriteAllText(tool, "version 1");
        var builder = new ImageBuilder(cache, recheckAfter: TimeSpan.Zero);
        var before = builder.GetOrBuild([tool]);

        File.WriteAllText(tool, "version 2, longer");
        var after = builder.GetOrBuild([tool]);

        Assert.NotEqual(before.Key, after.Key);
        Assert.Equal("version 2, longer", File.ReadAllText(Path.Join(after.Directory, tool)));
    }

    [Fact]
    public void File_added_to_a_given_directory_gets_a_new_image_from_the_same_builder()
    {
        Directory.CreateDirectory(temp.Join("tree"));
        File.WriteAllText(temp.Join("tree", "one.txt"), "1");
        var builder = new ImageBuilder(cache, recheckAfter: TimeSpan.Zero);
        var before = builder.GetOrBuild([temp.Join("tree")]);

        File.WriteAllText(temp.Join("tree", "two.txt"), "2");
        var after = builder.GetOrBuild([temp.Join("tree")]);

        Assert.NotEqual(before.Key, after.Key);
        Assert.True(File.Exists(Path.Join(after.Directory, temp.Join("tree", "two.txt"))));
    }

    [Fact]
    public void File_replaced_the_way_package_managers_do_gets_a_new_image_and_the_old_one_is_untouched()
    {
        string tool = temp.Join("tool.txt");
        File.WriteAllText(tool, "version 1");
        var builder = new ImageBuilder(cache, recheckAfter: TimeSpan.Zero);
        var before = builder.GetOrBuild([tool]);

        File.WriteAllText(temp.Join("tool.txt.new"), "version 2");
        File.Move(temp.Join("tool.txt.new"), tool, overwrite: true); // same size, new inode
        var after = builder.GetOrBuild([tool]);

        Assert.NotEqual(before.Key, after.Key);
        Assert.Equal("version 1", File.ReadAllText(Path.Join(before.Directory, tool)));
        Assert.Equal("version 2", File.ReadAllText(Path.Join(after.Directory, tool)));
    }

    [Fact]
    public void Concurrent_builders_share_one_directory_and_leave_no_temporary_files()
    {
        var shared = new ImageBuilder(cache);
        using var start = new Barrier(8);
        var results = new RootImage[8];
        var threads = Enumerable.Range(0, 8).Select(i => new Thread(() =>
        {
            // Half share a builder (threads of one process); half have their own, racing on the
            // final rename as separate processes would.
            var builder = i % 2 == 0 ? shared : new ImageBuilder(cache);
            start.SignalAndWait();
            results[i] = builder.GetOrBuild(["/bin/ls", "/usr/bin/python3"]);
        })).ToList();

        threads.ForEach(t => t.Start());
        threads.ForEach(t => t.Join());

        Assert.Single(results.Distinct());
        Assert.Equal([results[0].Directory], Directory.GetFileSystemEntries(cache));
    }

    [Fact]
    public void Link_in_a_given_directory_is_copied_as_a_link_and_never_followed()
    {
        string tree = temp.Join("tree");
        Directory.CreateDirectory(Path.Join(tree, "sub"));
        File.WriteAllText(Path.Join(tree, "sub", "data.txt"), "data");
        File.CreateSymbolicLink(Path.Join(tree, "shadow"), "/etc/shadow");
        File.CreateSymbolicLink(Path.Join(tree, "up"), "../../../../../../../tmp");
        var shadowBefore = FileStatus.Of("/etc/shadow");
        var tempBefore = Directory.GetFileSystemEntries(temp.Path);

        var image = new ImageBuilder(cache).GetOrBuild([tree]);

        string copied = Path.Join(image.Directory, tree);
        Assert.Equal("/etc/shadow", new FileInfo(Path.Join(copied, "shadow")).LinkTarget);
        Assert.Equal("../../../../../../../tmp", new FileInfo(Path.Join(copied, "up")).LinkTarget);
        Assert.Equal("data", File.ReadAllText(Path.Join(copied, "sub", "data.txt")));
        Assert.False(Directory.Exists(Path.Join(image.Directory, "etc")));
        Assert.Equal(shadowBefore, FileStatus.Of("/etc/shadow"));
        Assert.Equal(tempBefore.Append(cache).Distinct().Order(), Directory.GetFileSystemEntries(temp.Path).Order());
        Assert.Equal(["data.txt"], Directory.GetFileSystemEntries(Path.Join(tree, "sub")).Select(Path.GetFileName));
    }

    [Fact]
    public void Setuid_file_loses_its_setuid_bit_in_the_image_but_not_on_the_host()
    {
        string tool = temp.Join("tool");
        File.WriteAllText(tool, "#!/bin/true\n");
        var setuidMode = (UnixFileMode)0b110_111_101_101; // 06755
        File.SetUnixFileMode(tool, setuidMode);

        var image = new ImageBuilder(cache).GetOrBuild([tool]);

        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Join(image.Directory, tool)));
        Assert.Equal(setuidMode, File.GetUnixFileMode(tool));
    }

    [Fact]
    public void Private_files_become_readable_by_all_and_directories_are_0755()
    {
        Directory.CreateDirectory(temp.Join("private"));
        File.SetUnixFileMode(temp.Join("private"), UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        File.WriteAllText(temp.Join("private", "secret.txt"), "for the sandbox");
        File.SetUnixFileMode(temp.Join("private", "secret.txt"), UnixFileMode.UserRead | UnixFileMode.UserWrite);

        var image = new ImageBuilder(cache).GetOrBuild([temp.Join("private")]);

        Assert.Equal((UnixFileMode)0b110_100_100, File.GetUnixFileMode(Path.Join(image.Directory, temp.Join("private", "secret.txt"))));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Join(image.Directory, temp.Join("private"))));
        Assert.Equal((UnixFileMode)0b111_101_101, File.GetUnixFileMode(Path.Join(image.Directory, "tmp")));
    }

    [Fact]
    public void Missing_path_fails_with_a_message_naming_it()
    {
        string missing = temp.Join("no-such-compiler");

        var error = Assert.Throws<FileNotFoundException>(() => new ImageBuilder(cache).GetOrBuild(["/bin/true", missing]));

        Assert.Contains(missing, error.Message);
        Assert.False(Directory.Exists(cache) && Directory.EnumerateFileSystemEntries(cache).Any());
    }

    [Fact]
    public void Relative_path_is_refused()
    {
        Assert.Throws<ArgumentException>(() => new ImageBuilder(cache).GetOrBuild(["bin/true"]));
    }

    [Fact]
    public void Command_is_found_on_the_search_path_without_resolving_links()
    {
        Assert.Equal("/usr/bin/sh", ImageBuilder.ResolveCommand("sh", "/no/such/dir:relative:/usr/bin:/bin"));
        Assert.Equal("/bin/true", ImageBuilder.ResolveCommand("/bin/true", "/usr/bin"));
        Assert.Null(ImageBuilder.ResolveCommand("no-such-command-anywhere", "/usr/bin:/bin"));
        Assert.Null(ImageBuilder.ResolveCommand("/no/such/command", "/usr/bin"));
        Assert.Null(ImageBuilder.ResolveCommand("bin/true", "/"));
    }

    /// <summary>chroot(8) as a stand-in for the sandbox: proves the image alone is enough to run.</summary>
    static (int ExitCode, string Output, string Errors) RunInChroot(RootImage image, params string[] command)
    {
        var start = new ProcessStartInfo("/usr/sbin/chroot") { RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(image.Directory);
        foreach (string argument in command)
            start.ArgumentList.Add(argument);
        using var chroot = Process.Start(start)!;
        var errors = chroot.StandardError.ReadToEndAsync();
        string output = chroot.StandardOutput.ReadToEnd();
        chroot.WaitForExit();
        return (chroot.ExitCode, output, errors.Result);
    }
}
