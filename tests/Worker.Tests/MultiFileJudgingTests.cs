using Judge.Api.Problems;
using Judge.Api.Submissions;
using Judge.Api.Validation;
using Judge.Data;
using Judge.Testing;

namespace Judge.Worker.Tests;

/// <summary>Submissions of several files, syntax checks and grader problems, stored by the Api's own code and judged by
/// real compilers in the real sandbox.</summary>
[Collection(PostgresCollection.Name)]
public class MultiFileJudgingTests(PostgresFixture postgres)
{
    private static readonly (string, string, int)[] SumTests = [("1 2\n", "3\n", 1), ("40 2\n", "42\n", 1)];

    private const string CMain = "#include <stdio.h>\n#include \"sum.h\"\nint main(void) { long a, b; scanf(\"%ld %ld\", &a, &b); printf(\"%ld\\n\", sum(a, b)); return 0; }\n";
    private const string CppMain = "#include <iostream>\n#include \"sum.hpp\"\nint main() { long a, b; std::cin >> a >> b; std::cout << sum(a, b) << '\\n'; }\n";

    /// <summary>A+B (<see cref="NasmAPlusB"/>) that calls print_int, which print.asm defines and <c>%include</c> brings in.</summary>
    private const string NasmSum = """
        %include "print.asm"
        section .bss
        buf: resb 256
        section .text
        global _start

        """ + NasmAPlusB.ReadAndAdd + "    call print_int\n" + NasmAPlusB.Exit;

    private const string NasmPrint = """
        section .bss
        out: resb 32
        section .text
        print_int:

        """ + NasmAPlusB.PrintRax + "    ret\n";

    public static TheoryData<string, string?, string[]> Programs => new()
    {
        { "c-clang", null, ["main.c", CMain, "sum.h", "long sum(long a, long b);\n", "sum.c", "#include \"sum.h\"\nlong sum(long a, long b) { return a + b; }\n"] },
        { "cpp20", null, ["main.cpp", CppMain, "sum.hpp", "long sum(long a, long b);\n", "sum.cxx", "#include \"sum.hpp\"\nlong sum(long a, long b) { return a + b; }\n"] },
        { "cpp-clang", null, ["main.cpp", CppMain, "sum.hpp", "long sum(long a, long b);\n", "sum.cpp", "#include \"sum.hpp\"\nlong sum(long a, long b) { return a + b; }\n"] },
        { "objective-c", null, ["main.m", CMain, "sum.h", "long sum(long a, long b);\n", "sum.m", "#include \"sum.h\"\nlong sum(long a, long b) { return a + b; }\n"] },
        { "d", null, ["main.d", "import std.stdio;\nimport adder;\nvoid main() { long a, b; readf(\" %d %d\", &a, &b); writeln(add(a, b)); }\n",
                      "adder.d", "module adder;\nlong add(long a, long b) { return a + b; }\n"] },
        { "csharp", null, ["Program.cs", "using System;\nclass Program { static void Main() { var p = Console.ReadLine().Split(' '); Console.WriteLine(Adder.Add(long.Parse(p[0]), long.Parse(p[1]))); } }\n",
                           "Adder.cs", "static class Adder { public static long Add(long a, long b) { return a + b; } }\n"] },
        // The interpreted languages, each loading its sibling the way docs/languages.md says.
        { "bash", null, ["main.sh", "source \"${0%/*}/lib.sh\"\nread a b\nadd $a $b\n", "lib.sh", "add() { echo $(($1 + $2)); }\n"] },
        { "perl", null, ["main.pl", "use FindBin;\nuse lib $FindBin::Bin;\nuse Adder;\nmy ($a, $b) = split ' ', <STDIN>;\nprint Adder::add($a, $b), \"\\n\";\n",
                         "Adder.pm", "package Adder;\nsub add { return $_[0] + $_[1]; }\n1;\n"] },
        { "ruby", null, ["main.rb", "require_relative 'adder'\na, b = gets.split.map(&:to_i)\nputs add(a, b)\n", "adder.rb", "def add(a, b)\n  a + b\nend\n"] },
        { "php", null, ["main.php", "<?php\nrequire __DIR__ . '/adder.php';\n[$a, $b] = array_map('intval', explode(' ', trim(fgets(STDIN))));\necho add($a, $b), \"\\n\";\n",
                        "adder.php", "<?php\nfunction add($a, $b) { return $a + $b; }\n"] },
        { "lua", null, ["main.lua", "package.path = arg[0]:match('.*/') .. '?.lua;' .. package.path\nlocal adder = require('adder')\nlocal a, b = io.read('n', 'n')\nprint(math.tointeger(adder.add(a, b)))\n",
                        "adder.lua", "return { add = function(a, b) return a + b end }\n"] },
        { "c", null, ["main.c", "#include <stdio.h>\n#include \"sum.h\"\nint main(void) { long a, b; scanf(\"%ld %ld\", &a, &b); printf(\"%ld\\n\", sum(a, b)); return 0; }\n",
                      "sum.h", "long sum(long a, long b);\n",
                      "sum.c", "#include \"sum.h\"\nlong sum(long a, long b) { return a + b; }\n"] },
        { "cpp17", null, ["main.cpp", "#include <iostream>\n#include \"sum.hpp\"\nint main() { long a, b; std::cin >> a >> b; std::cout << sum(a, b) << '\\n'; }\n",
                          "sum.hpp", "long sum(long a, long b);\n",
                          "sum.cc", "#include \"sum.hpp\"\nlong sum(long a, long b) { return a + b; }\n"] },
        // Kattis's habit: the file named after its public class, which is not Main.
        { "java", null, ["Different.java", "public class Different { public static void main(String[] x) { java.util.Scanner s = new java.util.Scanner(System.in); System.out.println(Adder.sum(s.nextLong(), s.nextLong())); } }\n",
                         "Adder.java", "public class Adder { static long sum(long a, long b) { return a + b; } }\n"] },
        // helper.py has __main__ logic of its own: entry says which file runs.
        { "python3", "solve.py", ["solve.py", "from helper import add\nprint(add(*map(int, input().split())))\n",
                                  "helper.py", "def add(a, b):\n    return a + b\n\nif __name__ == \"__main__\":\n    print(add(2, 2))\n"] },
        // Without entry, the one file with __main__ logic runs.
        { "python3", null, ["helper.py", "def add(a, b):\n    return a + b\n",
                            "solve.py", "from helper import add\n\nif __name__ == \"__main__\":\n    print(add(*map(int, input().split())))\n"] },
        { "rust", null, ["main.rs", "mod adder;\nuse std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect(); println!(\"{}\", adder::add(v[0], v[1])); }\n",
                         "adder.rs", "pub fn add(a: i64, b: i64) -> i64 { a + b }\n"] },
        { "go", null, ["main.go", "package main\n\nimport \"fmt\"\n\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(add(a, b)) }\n",
                       "add.go", "package main\n\nfunc add(a, b int64) int64 { return a + b }\n"] },
        // The compiled languages with rules of their own (docs/languages.md). fpc finds the unit by its name beside the program.
        { "pascal", null, ["adder.pas", "unit adder;\ninterface\nfunction add(a, b: int64): int64;\nimplementation\nfunction add(a, b: int64): int64;\nbegin\n  add := a + b;\nend;\nend.\n",
                           "sum.pas", "program sum;\nuses adder;\nvar a, b: int64;\nbegin\n  read(a, b);\n  writeln(add(a, b));\nend.\n"] },
        { "haskell", null, ["Adder.hs", "module Adder (add) where\nadd :: Integer -> Integer -> Integer\nadd a b = a + b\n",
                            "main.hs", "import Adder\nmain :: IO ()\nmain = do\n  [a, b] <- fmap (map read . words) getLine\n  print (add a b)\n"] },
        // The class kotlinc makes of solution.kt is SolutionKt.
        { "kotlin", null, ["adder.kt", "fun add(a: Long, b: Long): Long = a + b\n",
                           "solution.kt", "fun main() {\n    val (a, b) = readLine()!!.trim().split(\" \").map { it.toLong() }\n    println(add(a, b))\n}\n"] },
        { "scala", null, ["Adder.scala", "object Adder { def add(a: Long, b: Long): Long = a + b }\n",
                          "Solve.scala", "object Solve {\n  def main(args: Array[String]): Unit = {\n    val Array(a, b) = scala.io.StdIn.readLine().trim.split(\" \").map(_.toLong)\n    println(Adder.add(a, b))\n  }\n}\n"] },
        { "typescript", "solve.ts", ["adder.ts", "export function add(a: number, b: number): number { return a + b; }\n",
                                     "solve.ts", "import { add } from \"./adder\";\ndeclare function require(name: string): any;\nconst [a, b] = require(\"fs\").readFileSync(0, \"utf8\").trim().split(/\\s+/).map(Number);\nconsole.log(add(a, b));\n"] },
        // main.ml and main.f90 sort before the module they use: the compile step puts it (and OCaml's interface) first.
        { "ocaml", null, ["main.ml", "let () = Scanf.scanf \" %d %d\" (fun a b -> print_int (Sum.add a b); print_newline ())\n",
                          "sum.ml", "(* Main is not used here. *)\nlet add a b = a + b\n", "sum.mli", "val add : int -> int -> int\n"] },
        { "fortran", null, ["main.f90", "program main\n  use sum_mod\n  implicit none\n  integer(8) :: a, b\n  read *, a, b\n  print '(I0)', add(a, b)\nend program main\n",
                            "sum_mod.f90", "module sum_mod\n  implicit none\ncontains\n  integer(8) function add(a, b)\n    integer(8), intent(in) :: a, b\n    add = a + b\n  end function add\nend module sum_mod\n"] },
        // adder.cob sorts first, but the main program (no PROCEDURE DIVISION USING) must come first for cobc -x.
        { "cobol", null, ["adder.cob", "IDENTIFICATION DIVISION.\nPROGRAM-ID. ADDER.\nDATA DIVISION.\nLINKAGE SECTION.\n01 A PIC S9(18).\n01 B PIC S9(18).\n01 S PIC S9(18).\nPROCEDURE DIVISION USING A B S.\n    COMPUTE S = A + B\n    GOBACK.\n",
                          "main.cob", "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\n01 LINE-IN PIC X(80).\n01 A PIC S9(18).\n01 B PIC S9(18).\n01 S PIC S9(18).\n01 S-OUT PIC -(18)9.\nPROCEDURE DIVISION.\n    ACCEPT LINE-IN\n    UNSTRING LINE-IN DELIMITED BY ALL SPACE INTO A B\n    CALL \"ADDER\" USING A B S\n    MOVE S TO S-OUT\n    DISPLAY FUNCTION TRIM(S-OUT)\n    STOP RUN.\n"] },
        { "prolog", null, ["adder.pl", "add(A, B, S) :- S is A + B.\n",
                           "main.pl", ":- initialization(main).\nmain :- read_integer(A), read_integer(B), add(A, B, S), write(S), nl.\n"] },
        // Each Groovy script is a class named after its file: entry says which one runs.
        { "groovy", "solve.groovy", ["Adder.groovy", "class Adder { static long add(long a, long b) { a + b } }\n",
                                     "solve.groovy", "def (a, b) = System.in.newReader().readLine().trim().split(\" \").collect { it as long }\nprintln(Adder.add(a, b))\n"] },
        { "nasm", null, ["print.asm", NasmPrint, "sum.asm", NasmSum] },
        { "javascript", "run.js", ["lib.js", "exports.add = (a, b) => a + b;\n",
                                   "run.js", "const { add } = require('./lib.js');\nconst [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(add(a, b));\n"] },
    };

    [Theory]
    [MemberData(nameof(Programs))]
    public async Task A_program_of_several_files_is_built_from_all_of_them_and_runs_its_entry(string language, string? entry, string[] files)
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await InsertFilesAsync(worker, language, Pairs(files), entry, SumTests);

        await worker.JudgeAsync(id);

        await AssertVerdictAsync(worker, id, "AC");
    }

    [Fact]
    public async Task Several_python_files_without_entry_or_main_logic_are_a_compilation_error_that_says_to_name_one()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await InsertFilesAsync(worker, "python3", [new("a.py", "print(1)\n"), new("b.py", "print(2)\n")], null, SumTests);

        await worker.JudgeAsync(id);

        var submission = await worker.SubmissionAsync(id);
        Assert.Equal("CE", submission.Verdict);
        Assert.Contains("a.py, b.py: name it in entry", submission.CompileOutput);
    }

    [Theory]
    [InlineData("python3", "def main(:\n    pass\n")]
    [InlineData("javascript", "function main( {\n")]
    [InlineData("bash", "if true; then\n  echo never closed\n")]
    [InlineData("perl", "my $x = ;\n")]
    [InlineData("ruby", "def main(\n")]
    [InlineData("php", "<?php\nfunction main( {\n")]
    [InlineData("lua", "function main(\n")]
    public async Task A_syntax_error_in_an_interpreted_language_is_a_compilation_error_with_the_checker_s_message(string language, string source)
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await worker.InsertSubmissionAsync(language, source, tests: SumTests);

        await worker.JudgeAsync(id);

        var submission = await AssertVerdictAsync(worker, id, "CE");
        Assert.False(string.IsNullOrWhiteSpace(submission.CompileOutput), "no message from the syntax check");
        Assert.Empty(await worker.TestResultsAsync(id));
    }

    [Theory]
    [InlineData("ruby", "a, b = gets.split.map(&:to_i)\nputs a + b\n")]
    [InlineData("php", "<?php\n[$a, $b] = array_map('intval', explode(' ', trim(fgets(STDIN))));\necho $a + $b, \"\\n\";\n")]
    [InlineData("lua", "local a, b = io.read('n', 'n')\nprint(math.tointeger(a + b))\n")]
    public async Task A_valid_program_passes_its_syntax_check_and_runs(string language, string source)
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var id = await worker.InsertSubmissionAsync(language, source, tests: SumTests);

        await worker.JudgeAsync(id);

        await AssertVerdictAsync(worker, id, "AC");
    }

    /// <summary>The example of docs/languages.md (docs/examples/grader/grade.py): a plain Python script grading the student's module.</summary>
    public static readonly string ExampleGrader = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "grade.py"));

    [Fact]
    public async Task A_grader_problem_turns_each_entry_of_results_json_into_a_named_scored_test_result()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await InsertGraderProblemAsync(worker, "python3", "grade.py", new SubmissionFile("grade.py", ExampleGrader));
        var id = await InsertFilesAsync(worker, "python3",
            [new("solution.py", "def add(a, b):\n    return a + b\n\ndef mul(a, b):\n    return a + b  # wrong\n")], null, [], problem);

        await worker.JudgeAsync(id);

        var submission = await AssertVerdictAsync(worker, id, "WA");
        Assert.Equal(2, submission.Score);
        var results = await GraderResultsAsync(worker, id);
        Assert.Equal([("add", "AC", (double?)2.0, (double?)2.0), ("mul", "WA", 0.0, 3.0), ("mul of negatives", "WA", 0.0, 1.0)],
            results.Select(r => (r.Name, r.Verdict, r.Score, r.MaxScore)));
        Assert.Equal("wrong result", results[1].Stdout);
    }

    [Fact]
    public async Task A_results_json_that_is_a_link_planted_by_the_student_is_not_followed_and_the_submission_is_a_runtime_error()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        // This grader only imports the student's module: the module plants the link and nothing overwrites it.
        var problem = await InsertGraderProblemAsync(worker, "python3", "grade.py", new SubmissionFile("grade.py", "import solution\n"));
        var id = await InsertFilesAsync(worker, "python3",
            [new("solution.py", "import os\nos.symlink('/etc/passwd', 'results.json')\n")], null, [], problem);

        await worker.JudgeAsync(id);

        var submission = await AssertVerdictAsync(worker, id, "RE");
        Assert.Contains("no results.json", submission.Message);
        Assert.DoesNotContain(await worker.TestResultsAsync(id), r => r.Stdout.Contains("root:") || r.Stderr.Contains("root:"));
    }

    [Fact]
    public async Task A_grader_that_wrote_good_results_and_then_failed_is_judged_by_its_results()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await InsertGraderProblemAsync(worker, "python3", "grade.py", new SubmissionFile("grade.py",
            "import json, sys\njson.dump({'score': 7, 'tests': [{'name': 'only', 'score': 7, 'max_score': 7}]}, open('results.json', 'w'))\nsys.exit(3)\n"));
        var id = await InsertFilesAsync(worker, "python3", [new("solution.py", "\n")], null, [], problem);

        await worker.JudgeAsync(id);

        Assert.Equal(7, (await AssertVerdictAsync(worker, id, "AC")).Score);
    }

    [Fact]
    public async Task A_grader_that_runs_out_of_the_problem_s_time_is_a_time_limit_whatever_it_wrote()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await InsertGraderProblemAsync(worker, "python3", "grade.py", new LimitsRequest(CpuTimeMs: 300), new SubmissionFile("grade.py",
            "import json, solution\njson.dump({'score': 1}, open('results.json', 'w'))\nsolution.spin()\n"));
        var id = await InsertFilesAsync(worker, "python3", [new("solution.py", "def spin():\n    while True:\n        pass\n")], null, [], problem);

        await worker.JudgeAsync(id);

        var submission = await AssertVerdictAsync(worker, id, "TLE");
        Assert.Equal(0, submission.Score);
        Assert.Equal("grader", Assert.Single(await GraderResultsAsync(worker, id)).Name);
    }

    [Fact]
    public async Task A_student_file_named_like_one_of_the_grader_s_files_is_a_compilation_error()
    {
        await using var worker = await WorkerHarness.StartAsync(postgres, HostToolchains.Sandbox, HostToolchains.Languages);
        var problem = await InsertGraderProblemAsync(worker, "python3", "grade.py", new SubmissionFile("grade.py", ExampleGrader));
        var id = await InsertFilesAsync(worker, "python3", [new("grade.py", "print('I grade myself')\n")], null, [], problem);

        await worker.JudgeAsync(id);

        Assert.Contains("'grade.py' is one of the grader's own files", (await AssertVerdictAsync(worker, id, "CE")).CompileOutput);
    }

    private static SubmissionFile[] Pairs(string[] flat) => flat.Chunk(2).Select(p => new SubmissionFile(p[0], p[1])).ToArray();

    private static async Task<WorkerHarness.SubmissionRow> AssertVerdictAsync(WorkerHarness worker, Guid id, string verdict)
    {
        var submission = await worker.SubmissionAsync(id);
        Assert.True(verdict == submission.Verdict,
            $"expected {verdict}, got {submission.Verdict}: {submission.Message} {submission.CompileOutput} " +
            string.Join(" | ", (await worker.TestResultsAsync(id)).Select(t => $"{t.Verdict} {t.Message} {t.Stdout} {t.Stderr}")));
        return submission;
    }

    /// <summary>Stores a submission of several files exactly as the Api does (its validation and its store).</summary>
    private static async Task<Guid> InsertFilesAsync(WorkerHarness worker, string language, SubmissionFile[] files, string? entry,
        (string Input, string Expected, int Points)[] tests, Guid? problemId = null)
    {
        var request = new SubmitRequest(language, null, null, null,
            problemId is null ? tests.Select(t => new TestCaseRequest(t.Input, t.Expected, t.Points)).ToList() : null, problemId, null, null,
            Files: files.Select(f => new SubmissionFileRequest(f.Name, f.Content)).ToList(), Entry: entry);
        var problemLimits = problemId is { } pid ? await new ProblemStore(worker.Database).GetLimitsAsync(pid, owner: null, CancellationToken.None) : null;
        var languages = new HashSet<string> { language };
        var errors = new ValidationErrors();
        var submission = SubmissionValidator.Validate(request, new SubmitContext(languages, problemLimits, MultiFileLanguages: languages),
            WorkerHarness.ApiOptions, errors) ?? throw new InvalidOperationException(string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        await new SubmissionStore(worker.Database).InsertAsync(submission, await worker.OwnerAsync(), CancellationToken.None);
        return submission.Id;
    }

    /// <summary>Stores a grader problem exactly as the Api does.</summary>
    private static Task<Guid> InsertGraderProblemAsync(WorkerHarness worker, string language, string entry, params SubmissionFile[] files) =>
        InsertGraderProblemAsync(worker, language, entry, null, files);

    private static async Task<Guid> InsertGraderProblemAsync(WorkerHarness worker, string language, string entry, LimitsRequest? limits,
        params SubmissionFile[] files)
    {
        var request = new CreateProblemRequest("homework", limits, null, null,
            new GraderRequest(language, entry, files.Select(f => new SubmissionFileRequest(f.Name, f.Content)).ToList()));
        var languages = new HashSet<string> { language };
        var errors = new ValidationErrors();
        var problem = ProblemValidator.Validate(request, languages, WorkerHarness.ApiOptions, errors, languages)
            ?? throw new InvalidOperationException(string.Join("; ", errors.ToDictionary().Select(e => $"{e.Key}: {string.Join(" ", e.Value)}")));
        using var staging = new TestDataStaging();
        await new ProblemStore(worker.Database).InsertAsync(problem with { Tests = staging.AddTexts(problem.Tests) }, staging, await worker.OwnerAsync(), CancellationToken.None);
        return problem.Id;
    }

    private sealed record GraderResultRow(string Name, string Verdict, double? Score, double? MaxScore, string Stdout);

    private static async Task<List<GraderResultRow>> GraderResultsAsync(WorkerHarness worker, Guid id)
    {
        await using var connection = await worker.Database.OpenConnectionAsync();
        return (await Dapper.SqlMapper.QueryAsync<GraderResultRow>(connection,
            "SELECT name, verdict, score, max_score AS MaxScore, stdout FROM test_results WHERE submission_id = @id ORDER BY index", new { id })).ToList();
    }
}
