using Judge.Api.Problems;
using Judge.Api.Validation;

namespace Judge.Api.Tests;

/// <summary>The package reader on what a package brings to check itself: input validators (with their arguments by group,
/// and each test's file to name a refused one) and example submissions. No database: the reader alone.</summary>
public sealed class KattisSelfCheckPackageTests
{
    [Fact]
    public void Input_validators_are_kept_with_the_nearest_testdata_arguments_of_each_group_and_each_test_s_file()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "name: Sum\n"),
            ("input_validators/range/range.py", "import sys\nsys.exit(42)\n"),
            ("input_validators/format.cpp", "int main() { return 42; }\n"),
            ("data/testdata.yaml", "input_validator_flags: --max 10\n"),
            ("data/secret/big/testdata.yaml", "input_validator_flags: --max 100\n"),
            ("data/sample/1.in", "1 2\n"), ("data/sample/1.ans", "3\n"),
            ("data/secret/b.in", "2 2\n"), ("data/secret/b.ans", "4\n"),
            ("data/secret/a.in", "1 1\n"), ("data/secret/a.ans", "2\n"),
            ("data/secret/big/1.in", "50 50\n"), ("data/secret/big/1.ans", "100\n"),
        ]);

        Assert.Empty(errors);
        var validators = problem!.InputValidators!;
        Assert.Equal([("input_validators/format.cpp", "cpp17"), ("input_validators/range", "python3")],
            validators.Validators.Select(v => (v.Name, v.Language)));
        Assert.Equal(["--max", "10"], validators.ArgumentsFor("sample"));
        Assert.Equal(["--max", "100"], validators.ArgumentsFor("secret/big"));
        // Tests in judging order: sample 1, secret a, secret b, secret/big 1.
        Assert.Equal(["data/sample/1.in", "data/secret/a.in", "data/secret/b.in", "data/secret/big/1.in"],
            problem.Tests.Select(t => problem.TestFiles![t.Index]));
    }

    [Fact]
    public void A_package_without_input_validators_has_none_to_run()
    {
        var (problem, errors) = Packages.Read([("problem.yaml", "name: Sum\n"), ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n")]);

        Assert.Empty(errors);
        Assert.Null(problem!.InputValidators);
        Assert.Empty(problem.Examples!);
    }

    [Fact]
    public void Input_validators_that_cannot_be_run_are_refused_under_their_folder()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "name: Sum\n"),
            ("input_validators/ctd/input.ctd", "INT(1, 10)\n"),
            ("input_validator/build", "#!/bin/sh\n"),
            ("input_validator/v.c", "int main(void) { return 42; }\n"),
            ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n"),
        ]);

        Assert.Null(problem);
        Assert.Contains("checktestdata", Assert.Single(errors["file:input_validators/ctd"]));
        Assert.Contains("build/run script", Assert.Single(errors["file:input_validator/build"]));
    }

    [Fact]
    public void Example_submissions_expect_the_verdict_of_their_folder_and_those_not_judged_here_say_why()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "name: Sum\n"),
            ("data/secret/1.in", "1\n"), ("data/secret/1.ans", "1\n"),
            ("submissions/accepted/Sum.java", "public class Sum { public static void main(String[] a) { } }\n"),
            ("submissions/accepted/sum.py", "print(1)\n"),
            ("submissions/wrong_answer/off.cpp", "int main() { }\n"),
            ("submissions/time_limit_exceeded/slow.c", "int main(void) { for (;;); }\n"),
            ("submissions/run_time_error/crash.py", "raise SystemExit(1)\n"),
            ("submissions/rejected/any.py", "print(2)\n"),
            ("submissions/accepted/sum.f77", "      END\n"),
            ("submissions/accepted/multi/a.py", "import b\n"),
            ("submissions/partially_accepted/half.py", "print(1)\n"),
        ]);

        Assert.Empty(errors);
        var examples = problem!.Examples!.ToDictionary(e => e.Path);
        Assert.Equal(("AC", "java", "Sum.java"), (examples["submissions/accepted/Sum.java"].Expected, examples["submissions/accepted/Sum.java"].Language,
            examples["submissions/accepted/Sum.java"].FileName));
        Assert.Equal(("AC", "python3"), (examples["submissions/accepted/sum.py"].Expected, examples["submissions/accepted/sum.py"].Language));
        Assert.Equal(("WA", "cpp17"), (examples["submissions/wrong_answer/off.cpp"].Expected, examples["submissions/wrong_answer/off.cpp"].Language));
        Assert.Equal(("TLE", "c"), (examples["submissions/time_limit_exceeded/slow.c"].Expected, examples["submissions/time_limit_exceeded/slow.c"].Language));
        Assert.Equal("RE", examples["submissions/run_time_error/crash.py"].Expected);
        Assert.Equal(KattisPackage.Rejected, examples["submissions/rejected/any.py"].Expected);
        Assert.Contains("extension", examples["submissions/accepted/sum.f77"].Skipped);
        Assert.Equal(("AC", "python3", null), (examples["submissions/accepted/multi"].Expected, examples["submissions/accepted/multi"].Language,
            examples["submissions/accepted/multi"].Skipped));
        Assert.Contains("names a verdict", examples["submissions/partially_accepted/half.py"].Skipped);
        Assert.All(examples.Values.Where(e => e.Skipped is not null), e => Assert.Null(e.Language));
    }

    [Fact]
    public void A_folder_in_a_verdict_folder_is_one_example_of_several_files_in_its_sources_language_headers_and_all()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "name: Sum\n"),
            ("data/secret/1.in", "1 2\n"), ("data/secret/1.ans", "3\n"),
            ("submissions/accepted/mysol/main.cpp", "#include \"util.h\"\nint main() { return add(1, 2) == 3 ? 0 : 1; }\n"),
            ("submissions/accepted/mysol/util.h", "int add(int a, int b);\n"),
            ("submissions/accepted/mysol/util.cc", "int add(int a, int b) { return a + b; }\n"),
            ("submissions/wrong_answer/Sum/Sum.java", "public class Sum { public static void main(String[] a) { Helper.run(); } }\n"),
            ("submissions/wrong_answer/Sum/Helper.java", "class Helper { static void run() { } }\n"),
        ]);

        Assert.Empty(errors);
        var examples = problem!.Examples!;
        Assert.Equal([("submissions/accepted/mysol", "AC", "cpp17"), ("submissions/wrong_answer/Sum", "WA", "java")],
            examples.Select(e => (e.Path, e.Expected, e.Language!)));
        Assert.Equal(["main.cpp", "util.cc", "util.h"], examples[0].Files!.Select(f => f.Name));
        Assert.Equal("int add(int a, int b);\n", examples[0].Files!.Single(f => f.Name == "util.h").Content);
        Assert.All(examples, e => Assert.Equal((null, null, null), (e.FileName, e.Content, e.Skipped)));
    }

    [Fact]
    public void A_folder_example_that_cannot_be_one_submission_is_skipped_saying_why_and_the_package_is_still_read()
    {
        var (problem, errors) = Packages.Read([
            ("problem.yaml", "name: Sum\n"),
            ("data/secret/1.in", "1 2\n"), ("data/secret/1.ans", "3\n"),
            ("submissions/accepted/mixed/main.cpp", "int main() { }\n"),
            ("submissions/accepted/mixed/helper.py", "print(1)\n"),
            ("submissions/accepted/nested/main.c", "int main(void) { }\n"),
            ("submissions/accepted/nested/lib/util.h", "\n"),
            ("submissions/accepted/notes/README.txt", "no sources\n"),
            ("submissions/accepted/badname/main.py", "print(1)\n"),
            ("submissions/accepted/badname/my file.py", "print(2)\n"),
            ("submissions/accepted/big/main.py", "print(1)\n"),
            ("submissions/accepted/big/data.txt", new string('x', new JudgeOptions().MaxSourceBytes)),
        ]);

        Assert.Empty(errors);
        var skipped = problem!.Examples!.ToDictionary(e => e.Path, e => e.Skipped);
        Assert.Equal(["submissions/accepted/badname", "submissions/accepted/big", "submissions/accepted/mixed", "submissions/accepted/nested",
            "submissions/accepted/notes"], skipped.Keys);
        Assert.Contains("several languages (helper.py: python3, main.cpp: cpp17)", skipped["submissions/accepted/mixed"]);
        Assert.Contains("folders inside (lib/util.h)", skipped["submissions/accepted/nested"]);
        Assert.Contains("no source file", skipped["submissions/accepted/notes"]);
        Assert.Contains("my file.py, a name a submission's file may not have", skipped["submissions/accepted/badname"]);
        Assert.Contains("together", skipped["submissions/accepted/big"]);
        Assert.All(problem.Examples!, e => Assert.Null(e.Language));
    }
}
