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

    private static string[] Compiled(Language language, params (string Name, string Content)[] files)
    {
        var built = language.ForFiles(files.Select(f => new SubmissionFile(f.Name, f.Content)).ToList(), null, out var problem);
        Assert.True(built is not null, problem);
        return [.. built.Compile!.Where(arg => arg.StartsWith("./", StringComparison.Ordinal))];
    }

    [Fact]
    public void Fortran_compiles_a_file_that_defines_a_module_before_the_files_that_use_it()
    {
        var order = Compiled(LanguageCatalog.Fortran(),
            ("a.f90", "program a\n  use, intrinsic :: iso_fortran_env\n  use Shapes, only: area ! and not use geometry\nend program a\n"),
            ("b.f90", "module geometry\nend module geometry\n"),
            ("c.f90", "MODULE shapes\n  use geometry\n  interface\n    module procedure x\n  end interface\nEND MODULE shapes\n"));

        Assert.Equal(["./b.f90", "./c.f90", "./a.f90"], order);
    }

    [Fact]
    public void OCaml_compiles_an_interface_then_its_implementation_then_their_users()
    {
        var order = Compiled(LanguageCatalog.OCaml(),
            ("main.ml", "let () = print_int (Util.twice 2) (* not Other *)\nlet s = \"Other\"\n"),
            ("other.ml", "let x = 1\n"),
            ("util.ml", "let twice x = 2 * x\n"),
            ("util.mli", "val twice : int -> int\n"));

        Assert.Equal(["./other.ml", "./util.mli", "./util.ml", "./main.ml"], order);
    }

    [Fact]
    public void OCaml_modules_that_use_each_other_are_a_compilation_error_that_names_them()
    {
        var built = LanguageCatalog.OCaml().ForFiles([new SubmissionFile("a.ml", "let x = B.y\n"), new SubmissionFile("b.ml", "let y = A.x\n")],
            null, out var problem);

        Assert.Null(built);
        Assert.Contains("a.ml, b.ml use each other in a cycle", problem);
    }

    [Fact]
    public void COBOL_compiles_the_main_program_first_and_its_subprograms_after_it()
    {
        var order = Compiled(LanguageCatalog.Cobol(),
            ("adder.cob", "PROGRAM-ID. ADDER.\nPROCEDURE DIVISION USING A B S.\n"),
            ("sum.cob", "PROGRAM-ID. SUM.\nPROCEDURE DIVISION.\n    CALL \"ADDER\" USING A B S.\n"));

        Assert.Equal(["./sum.cob", "./adder.cob"], order);
    }

    [Theory]
    [InlineData("main.kt", "MainKt")]
    [InlineData("my-solution.kt", "My_solutionKt")]
    [InlineData("a.b.kt", "A_bKt")]
    [InlineData("9lives.kt", "_9livesKt")]
    public void Kotlin_runs_the_class_kotlinc_makes_of_the_file_with_main(string file, string mainClass)
    {
        // make test installs Kotlin (scripts/languages.sh): without it this fails rather than skips.
        var kotlin = Assert.Single(LanguageCatalog.Kotlin());

        var built = kotlin.ForFiles([new SubmissionFile("util.kt", "fun twice(x: Int) = 2 * x\n"), new SubmissionFile(file, "fun main() { }\n")],
            null, out var problem);

        Assert.True(built is not null, problem);
        Assert.Equal(mainClass, built.Run[^1]);
    }

    [Fact]
    public void TypeScript_runs_the_javascript_that_tsc_makes_of_the_file_to_run()
    {
        var built = Built(LanguageCatalog.TypeScript(), "solve.ts", "lib.ts", "solve.ts");

        Assert.Equal("/prog/solve.js", built.Run[^1]);
        Assert.Equal(["./lib.ts", "./solve.ts"], built.Compile!.TakeLast(2));
    }

    [Fact]
    public void A_name_that_could_be_an_option_never_reaches_a_command_even_when_stored_unchecked()
    {
        var built = LanguageCatalog.C().ForFiles([new SubmissionFile("-o.c", ""), new SubmissionFile("main.c", "")], null, out var problem);

        Assert.Null(built);
        Assert.Contains("-o.c", problem);
    }
}
