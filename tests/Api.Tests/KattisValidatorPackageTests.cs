using Judge.Api.Problems;
using Judge.Api.Validation;
using Judge.Data;

namespace Judge.Api.Tests;

/// <summary>The package reader on custom output validators and interactive problems: what it keeps, and every fault it
/// names (file and reason). No database: the reader alone.</summary>
public sealed class KattisValidatorPackageTests
{
    private static readonly (string Name, string Content)[] Tests = [("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n")];

    [Fact]
    public void Legacy_custom_validator_is_kept_with_its_files_its_language_and_the_flags_as_its_arguments()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "name: Divisor\nvalidation: custom\nvalidator_flags: strict\n"),
            ("output_validators/check/check.cpp", "#include \"testlib.h\"\nint main() { return 42; }\n"),
            ("output_validators/check/testlib.h", "// the header\n"),
            ("data/testdata.yaml", "output_validator_flags: --tolerance 3\n"),
            .. Tests]);

        Assert.Empty(errors);
        var validator = problem!.Validator!;
        Assert.Equal(("output_validators/check", "cpp17", false, false, null), (validator.Name, validator.Language, validator.Interactive, validator.Scoring, validator.Main));
        Assert.Equal(["check.cpp", "testlib.h"], validator.Files.Select(f => f.Name));
        Assert.Equal(["strict", "--tolerance", "3"], validator.Arguments);
        // The flags are the validator's: the default validator (unused) gets none.
        Assert.Null(problem.Checker.Flags);
    }

    [Fact]
    public void Draft_interactive_problem_with_a_python_validator_runs_its_one_script()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "problem_format_version: 2023-07-draft\nname: Guess\ntype: [interactive, scoring]\n"),
            ("output_validator/guess.py", "import sys\n"),
            ("data/sample/1.interaction", "> 50\n< lower\n"),
            .. Tests]);

        Assert.Empty(errors);
        Assert.Equal(("output_validator", "python3", true, true, "guess.py"),
            (problem!.Validator!.Name, problem.Validator.Language, problem.Validator.Interactive, problem.Validator.Scoring, problem.Validator.Main));
    }

    [Fact]
    public void Legacy_custom_interactive_validation_with_a_java_validator_runs_the_class_that_has_main()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "validation: custom interactive\n"),
            ("output_validators/judge/Helper.java", "class Helper { }\n"),
            ("output_validators/judge/Judge.java", "public class Judge { public static void main(String[] args) { } }\n"),
            .. Tests]);

        Assert.Empty(errors);
        Assert.Equal(("java", true, "Judge"), (problem!.Validator!.Language, problem.Validator.Interactive, problem.Validator.Main));
    }

    [Fact]
    public void A_package_without_a_validator_is_still_judged_by_the_default_one()
    {
        var (problem, errors) = Packages.Read([("problem.yaml", "name: Plain\nvalidator_flags: case_sensitive\n"), .. Tests]);

        Assert.Empty(errors);
        Assert.Null(problem!.Validator);
        Assert.Equal("case_sensitive", problem.Checker.Flags);
    }

    [Fact]
    public void Validators_that_cannot_be_judged_are_refused_each_under_its_file_with_the_reason()
    {
        var (_, errors) = Packages.Read([
            ("problem.yaml", "validation: custom\n"),
            ("output_validators/scripted/build", "#!/bin/sh\nmake\n"),
            ("output_validators/scripted/run", "#!/bin/sh\n./validator \"$@\"\n"),
            ("output_validators/scripted/validator.c", "int main(void) { return 42; }\n"),
            ("output_validators/second/second.py", "import sys\n"),
            .. Tests]);

        Assert.Contains("build/run script are not supported", Assert.Single(errors["file:output_validators/scripted/build"]));
        Assert.Contains("build/run script are not supported", Assert.Single(errors["file:output_validators/scripted/run"]));
        Assert.Contains("a package has one", Assert.Single(errors["file:output_validators/second"]));
    }

    [Fact]
    public void Groups_that_give_the_validator_other_arguments_keep_them()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "validation: custom\n"),
            ("output_validators/check/check.c", "int main(void) { return 42; }\n"),
            ("data/secret/a/testdata.yaml", "output_validator_flags: easy\n"),
            ("data/secret/a/1.in", "1\n"), ("data/secret/a/1.ans", "1\n"),
            ("data/secret/b/testdata.yaml", "output_validator_flags: hard\n"),
            ("data/secret/b/1.in", "1\n"), ("data/secret/b/1.ans", "1\n")]);

        Assert.Empty(errors);
        Assert.Equal(["easy"], problem!.Validator!.Arguments);
        Assert.Equal(["hard"], problem.Validator.ArgumentsFor("secret/b"));
        Assert.Equal(["easy"], problem.Validator.ArgumentsFor("secret/a"));
        Assert.Equal(["secret/b"], problem.Validator.GroupArguments!.Keys);
    }

    [Theory]
    [InlineData("type: interactive\n", "problem.yaml", "an interactive problem needs its validator")]
    [InlineData("validation: custom\n", "problem.yaml", "has no output_validators/NAME/ folder")]
    [InlineData("validation: default\n|output_validators/v/v.c", "output_validators/v", "validation is default")]
    [InlineData("validation: custom\n|output_validators/v/a.c|output_validators/v/b.py", "output_validators/v", "sources of several languages (c, python3)")]
    [InlineData("validation: custom\n|output_validators/v/a.py|output_validators/v/b.py", "output_validators/v", "name the one to run validator.py")]
    [InlineData("validation: custom\n|output_validators/v/notes.txt", "output_validators/v", "holds no validator source")]
    [InlineData("validation: custom\n|output_validators/v/v.c|output_validators/v/-o.c", "output_validators/v/-o.c", "a name the validator's files may not have")]
    [InlineData("validation: custom\n|output_validators/v/lib/v.c", "output_validators/v/lib/v.c", "in a folder inside the validator")]
    [InlineData("validation: custom\n|output_validators/v/V.java", "output_validators/v", "no Java class with a main method")]
    [InlineData("validation: custom sometimes\n", "problem.yaml", "validation 'custom sometimes' is not one the format defines")]
    [InlineData("type: submit-answer\n", "problem.yaml", "type 'submit-answer' is not supported yet")]
    public void A_faulty_validator_setup_is_refused_naming_the_file(string setup, string file, string reason)
    {
        var parts = setup.Split('|');
        var (problem, errors) = Packages.Read([("problem.yaml", parts[0]), .. parts.Skip(1).Select(path => (path, "class V { }\n")), .. Tests]);

        Assert.Null(problem);
        Assert.True(errors.TryGetValue($"file:{file}", out var reasons), $"no fault for {file}: {string.Join("; ", errors.Select(e => $"{e.Key}: {string.Join(" ", e.Value)}"))}");
        Assert.Contains(reasons, r => r.Contains(reason));
    }
}
