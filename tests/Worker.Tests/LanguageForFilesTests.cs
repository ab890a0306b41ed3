using Judge.Data;
using Judge.Worker.Languages;

namespace Judge.Worker.Tests;

public sealed class LanguageForFilesTests
{
    private static Language Built(Language language, string? entry, params string[] names)
    {
        var built = language.ForFiles(names.Select(n => new SubmissionFile(n, "")).ToList(), entry, out var problem);
        Assert.True(built is not null, problem);
        return built;
    }

    [Fact]
    public void C_compiles_every_c_file_as_a_relative_path_in_place_of_main_c_and_leaves_headers_out()
    {
        var c = Built(LanguageCatalog.C(), null, "util.h", "b.c", "a.c");

        Assert.Equal(["/usr/bin/gcc", "-std=c17", "-O2", "-pipe", "-o", "main", "./a.c", "./b.c", "-lm"], c.Compile);
        Assert.Equal(LanguageCatalog.C().Run, c.Run);
    }

    [Fact]
    public void Java_runs_the_class_its_file_to_run_is_named_after()
    {
        // make test installs the JDK (scripts/languages.sh): without one this fails rather than skips.
        var java = Assert.Single(LanguageCatalog.Java());

        var built = Built(java, "Different.java", "Helper.java", "Different.java");

        Assert.Equal("Different", built.Run[^1]);
        Assert.Equal(["./Different.java", "./Helper.java"], built.Compile!.TakeLast(2));
    }

    [Fact]
    public void A_name_that_could_be_an_option_never_reaches_a_command_even_when_stored_unchecked()
    {
        var built = LanguageCatalog.C().ForFiles([new SubmissionFile("-o.c", ""), new SubmissionFile("main.c", "")], null, out var problem);

        Assert.Null(built);
        Assert.Contains("-o.c", problem);
    }
}
