using Judge.EndToEnd;

namespace Judge.EndToEnd.Tests;

/// <summary>
/// For one language, a program of each kind the judge must tell apart. The task is A+B: two integers on
/// one line in, their sum out.
/// </summary>
public sealed record LanguagePrograms(
    string Language,
    Limits Limits,
    string Correct,
    string Wrong,
    string CompileError,
    string Crash,
    string EndlessLoop,
    string MemoryHog,
    string OutputFlood);

public static class Programs
{
    /// <summary>Small, so the suite is quick, but not so tight that a loaded 2-core machine turns a clean run into TLE.</summary>
    public static readonly Limits Small = new(CpuTimeMs: 1000, WallTimeMs: 3000, MemoryKb: 128 * 1024, OutputKb: 1024);

    /// <summary>The JVM needs more time to start, and its heap (capped at the memory limit) should hold a real program.</summary>
    public static readonly Limits ForJava = new(CpuTimeMs: 2000, WallTimeMs: 6000, MemoryKb: 256 * 1024, OutputKb: 1024);

    /// <summary>Clojure loads its core at every start (about 0.7 s of CPU here): twice that on a slower host must not be TLE.</summary>
    public static readonly Limits ForClojure = ForJava with { CpuTimeMs = 3000, WallTimeMs = 9000 };

    public static readonly IReadOnlyDictionary<string, LanguagePrograms> All = new LanguagePrograms[]
    {
        C("c"),
        Cpp("cpp17"),
        Cpp("cpp20"),
        new("python3", Small,
            Correct: "a, b = map(int, input().split())\nprint(a + b)\n",
            Wrong: "a, b = map(int, input().split())\nprint(a + b + 1)\n",
            CompileError: "def main(:\n    pass\n",
            Crash: "a, b = map(int, input().split())\nprint(a // 0)\n",
            EndlessLoop: "while True:\n    pass\n",
            MemoryHog: "blocks = []\nwhile True:\n    blocks.append(b'x' * (1 << 20))\n",
            OutputFlood: "while True:\n    print('flood flood flood flood flood flood flood flood')\n"),
        new("java", ForJava,
            Correct: "import java.util.*;\npublic class Main { public static void main(String[] args) { Scanner in = new Scanner(System.in); System.out.println(in.nextLong() + in.nextLong()); } }\n",
            Wrong: "import java.util.*;\npublic class Main { public static void main(String[] args) { Scanner in = new Scanner(System.in); System.out.println(in.nextLong() + in.nextLong() + 1); } }\n",
            CompileError: "public class Main { public static void main(String[] args) { int x = \"three\"; } }\n",
            Crash: "public class Main { public static void main(String[] args) { throw new IllegalStateException(\"crash\"); } }\n",
            EndlessLoop: "public class Main { public static void main(String[] args) { long n = 0; while (true) { n++; if (n == -1) System.out.println(n); } } }\n",
            MemoryHog: "import java.util.*;\npublic class Main { public static void main(String[] args) { List<byte[]> blocks = new ArrayList<>(); while (true) { byte[] b = new byte[1 << 20]; Arrays.fill(b, (byte) 1); blocks.add(b); } } }\n",
            OutputFlood: "public class Main { public static void main(String[] args) { while (true) System.out.println(\"flood flood flood flood flood flood flood flood\"); } }\n"),
        new("javascript", Small,
            Correct: "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
            Wrong: "const [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b + 1);\n",
            CompileError: "function main( {\n",
            Crash: "throw new Error('crash');\n",
            EndlessLoop: "for (;;) {}\n",
            MemoryHog: "const blocks = [];\nfor (;;) blocks.push(new Array(1 << 17).fill(1.5));\n",
            OutputFlood: "for (;;) console.log('flood flood flood flood flood flood flood flood');\n"),
        new("rust", Small,
            Correct: "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect(); println!(\"{}\", v[0] + v[1]); }\n",
            Wrong: "use std::io::Read;\nfn main() { let mut s = String::new(); std::io::stdin().read_to_string(&mut s).unwrap(); let v: Vec<i64> = s.split_whitespace().map(|x| x.parse().unwrap()).collect(); println!(\"{}\", v[0] + v[1] + 1); }\n",
            CompileError: "fn main() { let x: i32 = \"three\"; }\n",
            Crash: "fn main() { let v: Vec<i32> = Vec::new(); println!(\"{}\", v[std::hint::black_box(5)]); }\n",
            EndlessLoop: "fn main() { let mut n: u64 = 0; loop { n = std::hint::black_box(n.wrapping_add(1)); } }\n",
            MemoryHog: "fn main() { let mut blocks = Vec::new(); loop { blocks.push(vec![1u8; 1 << 20]); } }\n",
            OutputFlood: "use std::io::Write;\nfn main() { let mut out = std::io::stdout().lock(); loop { writeln!(out, \"flood flood flood flood flood flood flood flood\").unwrap(); } }\n"),
        new("pascal", Small,
            Correct: "var a, b: int64;\nbegin\n  readln(a, b);\n  writeln(a + b);\nend.\n",
            Wrong: "var a, b: int64;\nbegin\n  readln(a, b);\n  writeln(a + b + 1);\nend.\n",
            CompileError: "begin\n  x := 1;\nend.\n",
            Crash: "var a, b: longint;\nbegin\n  readln(a, b);\n  b := b - b;\n  writeln(a div b);\nend.\n",
            EndlessLoop: "var n: qword;\nbegin\n  n := 0;\n  while true do n := n + 1;\nend.\n",
            MemoryHog: "var p: pointer;\nbegin\n  while true do\n  begin\n    getmem(p, 1 shl 20);\n    fillchar(p^, 1 shl 20, 1);\n  end;\nend.\n",
            OutputFlood: "begin\n  while true do writeln('flood flood flood flood flood flood flood flood');\nend.\n"),
        new("bash", Small,
            Correct: "read a b\necho $((a + b))\n",
            Wrong: "read a b\necho $((a + b + 1))\n",
            CompileError: "if true; then\n  echo never closed\n",
            Crash: "exit 3\n",
            EndlessLoop: "while :; do :; done\n",
            // Appending in place costs bash about half the CPU per byte of x=$x$x.
            MemoryHog: "x=xxxxxxxx\nwhile :; do x+=$x; done\n",
            OutputFlood: "while :; do echo flood flood flood flood flood flood flood flood; done\n"),
        new("perl", Small,
            Correct: "my ($a, $b) = split ' ', <STDIN>;\nprint $a + $b, \"\\n\";\n",
            Wrong: "my ($a, $b) = split ' ', <STDIN>;\nprint $a + $b + 1, \"\\n\";\n",
            CompileError: "my $x = ;\n",
            Crash: "die \"crash\\n\";\n",
            EndlessLoop: "1 while 1;\n",
            MemoryHog: "my @blocks;\npush @blocks, 'x' x (1 << 20) while 1;\n",
            OutputFlood: "print \"flood flood flood flood flood flood flood flood\\n\" while 1;\n"),
        C("c-clang"),
        Cpp("cpp-clang"),
        C("objective-c", header: "#import <objc/runtime.h>\n"),
        new("go", Small,
            Correct: "package main\n\nimport \"fmt\"\n\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b) }\n",
            Wrong: "package main\n\nimport \"fmt\"\n\nfunc main() { var a, b int64; fmt.Scan(&a, &b); fmt.Println(a + b + 1) }\n",
            CompileError: "package main\n\nfunc main() { var x int = \"three\" }\n",
            Crash: "package main\n\nfunc main() { panic(\"crash\") }\n",
            EndlessLoop: "package main\n\nfunc main() { n := 0; for { n++ } }\n",
            MemoryHog: "package main\n\nfunc main() { var blocks [][]byte; for { b := make([]byte, 1<<20); for i := range b { b[i] = 1 }; blocks = append(blocks, b) } }\n",
            OutputFlood: "package main\n\nimport \"fmt\"\n\nfunc main() { for { fmt.Println(\"flood flood flood flood flood flood flood flood\") } }\n"),
        new("ruby", Small,
            Correct: "a, b = gets.split.map(&:to_i)\nputs a + b\n",
            Wrong: "a, b = gets.split.map(&:to_i)\nputs a + b + 1\n",
            CompileError: "def main(\n",
            Crash: "raise 'crash'\n",
            EndlessLoop: "n = 0\nloop { n += 1 }\n",
            MemoryHog: "blocks = []\nloop { blocks << 'x' * (1 << 20) }\n",
            OutputFlood: "loop { puts 'flood flood flood flood flood flood flood flood' }\n"),
        new("php", Small,
            Correct: "<?php\n[$a, $b] = array_map('intval', explode(' ', trim(fgets(STDIN))));\necho $a + $b, \"\\n\";\n",
            Wrong: "<?php\n[$a, $b] = array_map('intval', explode(' ', trim(fgets(STDIN))));\necho $a + $b + 1, \"\\n\";\n",
            CompileError: "<?php\nfunction main( {\n",
            Crash: "<?php\nthrow new Exception('crash');\n",
            EndlessLoop: "<?php\n$n = 0;\nwhile (true) $n++;\n",
            MemoryHog: "<?php\n$blocks = [];\nwhile (true) $blocks[] = str_repeat('x', 1 << 20);\n",
            OutputFlood: "<?php\nwhile (true) echo \"flood flood flood flood flood flood flood flood\\n\";\n"),
        new("lua", Small,
            Correct: "local a, b = io.read('n', 'n')\nprint(a + b)\n",
            Wrong: "local a, b = io.read('n', 'n')\nprint(a + b + 1)\n",
            CompileError: "function main(\n",
            Crash: "error('crash')\n",
            EndlessLoop: "local n = 0\nwhile true do n = n + 1 end\n",
            MemoryHog: "local blocks = {}\nwhile true do blocks[#blocks + 1] = string.rep('x', 1 << 20) .. #blocks end\n",
            OutputFlood: "while true do print('flood flood flood flood flood flood flood flood') end\n"),
        new("fortran", Small,
            Correct: "program main\n  implicit none\n  integer(8) :: a, b\n  read *, a, b\n  print '(i0)', a + b\nend program main\n",
            Wrong: "program main\n  implicit none\n  integer(8) :: a, b\n  read *, a, b\n  print '(i0)', a + b + 1\nend program main\n",
            CompileError: "program main\n  implicit none\n  x = 1\nend program main\n",
            Crash: "program main\n  error stop 3\nend program main\n",
            EndlessLoop: "program main\n  implicit none\n  integer(8) :: n\n  n = 0\n  do\n    n = n + 1\n  end do\nend program main\n",
            MemoryHog: "program main\n  implicit none\n  integer(1), pointer :: p(:)\n  do\n    allocate(p(1048576))\n    p = 1\n  end do\nend program main\n",
            OutputFlood: "program main\n  do\n    print '(a)', 'flood flood flood flood flood flood flood flood'\n  end do\nend program main\n"),
        new("d", Small,
            Correct: "import std.stdio;\nvoid main() { long a, b; readf(\" %d %d\", a, b); writeln(a + b); }\n",
            Wrong: "import std.stdio;\nvoid main() { long a, b; readf(\" %d %d\", a, b); writeln(a + b + 1); }\n",
            CompileError: "void main() { int x = \"three\"; }\n",
            Crash: "void main() { throw new Exception(\"crash\"); }\n",
            EndlessLoop: "void main() { for (;;) {} }\n",
            MemoryHog: "void main() { ubyte[][] blocks; for (;;) { auto b = new ubyte[1 << 20]; b[] = 1; blocks ~= b; } }\n",
            OutputFlood: "import std.stdio;\nvoid main() { for (;;) writeln(\"flood flood flood flood flood flood flood flood\"); }\n"),
        new("sqlite", Small,
            Correct: "SELECT CAST(substr(t, 1, instr(t, ' ') - 1) AS INTEGER) + CAST(substr(t, instr(t, ' ') + 1) AS INTEGER)\nFROM (SELECT trim(CAST(readfile('/dev/stdin') AS TEXT)) AS t);\n",
            Wrong: "SELECT CAST(substr(t, 1, instr(t, ' ') - 1) AS INTEGER) + CAST(substr(t, instr(t, ' ') + 1) AS INTEGER) + 1\nFROM (SELECT trim(CAST(readfile('/dev/stdin') AS TEXT)) AS t);\n",
            CompileError: "SELEC 1;\n",
            Crash: "SELECT abs(-9223372036854775808);\n",
            EndlessLoop: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT max(x) FROM c;\n",
            MemoryHog: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT length(group_concat(randomblob(1024))) FROM c;\n",
            OutputFlood: "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT 'flood flood flood flood flood flood flood flood' FROM c;\n"),
        new("ocaml", Small,
            Correct: "let () = Scanf.scanf \" %d %d\" (fun a b -> Printf.printf \"%d\\n\" (a + b))\n",
            Wrong: "let () = Scanf.scanf \" %d %d\" (fun a b -> Printf.printf \"%d\\n\" (a + b + 1))\n",
            CompileError: "let () = print_int \"three\"\n",
            Crash: "let () = failwith \"crash\"\n",
            EndlessLoop: "let () = let n = ref 0 in while true do incr n done\n",
            MemoryHog: "let () = let blocks = ref [] in while true do blocks := Bytes.make (1 lsl 20) 'x' :: !blocks done\n",
            OutputFlood: "let () = while true do print_endline \"flood flood flood flood flood flood flood flood\" done\n"),
        new("cobol", Small,
            Correct: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\n01 LINE-IN PIC X(100).\n01 XA PIC X(40).\n01 XB PIC X(40).\n01 S PIC -(18)9.\nPROCEDURE DIVISION.\n    ACCEPT LINE-IN.\n    UNSTRING LINE-IN DELIMITED BY ALL SPACE INTO XA XB.\n    COMPUTE S = FUNCTION NUMVAL(XA) + FUNCTION NUMVAL(XB).\n    DISPLAY FUNCTION TRIM(S).\n    STOP RUN.\n",
            Wrong: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\n01 LINE-IN PIC X(100).\n01 XA PIC X(40).\n01 XB PIC X(40).\n01 S PIC -(18)9.\nPROCEDURE DIVISION.\n    ACCEPT LINE-IN.\n    UNSTRING LINE-IN DELIMITED BY ALL SPACE INTO XA XB.\n    COMPUTE S = FUNCTION NUMVAL(XA) + FUNCTION NUMVAL(XB) + 1.\n    DISPLAY FUNCTION TRIM(S).\n    STOP RUN.\n",
            CompileError: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\nPROCEDURE DIVISION.\n    DISPLAY UNDEFINED-NAME.\n    STOP RUN.\n",
            Crash: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\nPROCEDURE DIVISION.\n    MOVE 3 TO RETURN-CODE.\n    STOP RUN.\n",
            EndlessLoop: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\n01 N PIC 9(18) VALUE 0.\nPROCEDURE DIVISION.\n    PERFORM UNTIL N < 0\n        ADD 1 TO N\n    END-PERFORM.\n    STOP RUN.\n",
            MemoryHog: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nDATA DIVISION.\nWORKING-STORAGE SECTION.\n01 PTR USAGE POINTER.\nPROCEDURE DIVISION.\n    PERFORM UNTIL 1 = 0\n        ALLOCATE 1048576 CHARACTERS INITIALIZED RETURNING PTR\n    END-PERFORM.\n    STOP RUN.\n",
            OutputFlood: "IDENTIFICATION DIVISION.\nPROGRAM-ID. MAIN.\nPROCEDURE DIVISION.\n    PERFORM UNTIL 1 = 0\n        DISPLAY \"flood flood flood flood flood flood flood flood\"\n    END-PERFORM.\n    STOP RUN.\n"),
        new("haskell", Small,
            Correct: "main :: IO ()\nmain = do\n  [a, b] <- map read . words <$> getLine\n  print (a + b :: Integer)\n",
            Wrong: "main :: IO ()\nmain = do\n  [a, b] <- map read . words <$> getLine\n  print (a + b + 1 :: Integer)\n",
            CompileError: "main :: IO ()\nmain = putStrLn (1 :: Int)\n",
            Crash: "main :: IO ()\nmain = error \"crash\"\n",
            EndlessLoop: "main :: IO ()\nmain = loop 0\n  where\n    loop :: Int -> IO ()\n    loop n = loop (n + 1)\n",
            MemoryHog: "import Control.Monad\nimport Data.IORef\nimport qualified Data.ByteString as B\n\nmain :: IO ()\nmain = do\n  kept <- newIORef []\n  forM_ [0 :: Int ..] $ \\i -> do\n    let b = B.replicate 1048576 (fromIntegral i)\n    B.length b `seq` modifyIORef' kept (b :)\n",
            OutputFlood: "import Control.Monad\n\nmain :: IO ()\nmain = forever (putStrLn \"flood flood flood flood flood flood flood flood\")\n"),
        new("common-lisp", Small,
            Correct: "(let ((a (read)) (b (read))) (format t \"~a~%\" (+ a b)))\n",
            Wrong: "(let ((a (read)) (b (read))) (format t \"~a~%\" (+ a b 1)))\n",
            CompileError: "(defun main (\n",
            Crash: "(error \"crash\")\n",
            EndlessLoop: "(let ((n 0)) (loop (incf n)))\n",
            MemoryHog: "(let ((blocks nil)) (loop (push (make-array 1048576 :element-type '(unsigned-byte 8) :initial-element 1) blocks)))\n",
            OutputFlood: "(loop (write-line \"flood flood flood flood flood flood flood flood\"))\n"),
        new("typescript", Small,
            Correct: "declare const require: any;\nconst [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b);\n",
            Wrong: "declare const require: any;\nconst [a, b] = require('fs').readFileSync(0, 'utf8').trim().split(/\\s+/).map(Number);\nconsole.log(a + b + 1);\n",
            CompileError: "const x: number = 'three';\n",
            Crash: "throw new Error('crash');\n",
            EndlessLoop: "for (;;) {}\n",
            MemoryHog: "const blocks: number[][] = [];\nfor (;;) blocks.push(new Array(1 << 17).fill(1.5));\n",
            OutputFlood: "for (;;) console.log('flood flood flood flood flood flood flood flood');\n"),
        new("prolog", Small,
            Correct: ":- initialization(main).\nmain :- read_integer(A), read_integer(B), C is A + B, write(C), nl.\n",
            Wrong: ":- initialization(main).\nmain :- read_integer(A), read_integer(B), C is A + B + 1, write(C), nl.\n",
            CompileError: ":- initialization(main).\nmain :- foo(.\n",
            // An exception that escapes initialization(main) is only a warning to GNU Prolog, which then exits with 0
            // (docs/languages.md): a failing program says so with halt/1, like bash's exit.
            Crash: ":- initialization(main).\nmain :- write(user_error, crash), nl(user_error), halt(3).\n",
            EndlessLoop: ":- initialization(main).\nmain :- loop(0).\nloop(N) :- M is N + 1, loop(M).\n",
            MemoryHog: ":- initialization(main).\nmain :- grow([]).\ngrow(L) :- length(X, 100000), grow([X|L]).\n",
            OutputFlood: ":- initialization(main).\nmain :- repeat, write('flood flood flood flood flood flood flood flood'), nl, fail.\n"),
        new("csharp", Small,
            Correct: "using System;\nclass Program { static void Main() { var t = Console.ReadLine().Split(' '); Console.WriteLine(long.Parse(t[0]) + long.Parse(t[1])); } }\n",
            Wrong: "using System;\nclass Program { static void Main() { var t = Console.ReadLine().Split(' '); Console.WriteLine(long.Parse(t[0]) + long.Parse(t[1]) + 1); } }\n",
            CompileError: "class Program { static void Main() { int x = \"three\"; } }\n",
            Crash: "class Program { static void Main() { throw new System.InvalidOperationException(\"crash\"); } }\n",
            EndlessLoop: "class Program { static void Main() { long n = 0; while (true) { n++; if (n == -1) System.Console.WriteLine(n); } } }\n",
            MemoryHog: "using System.Collections.Generic;\nclass Program { static void Main() { var blocks = new List<byte[]>(); while (true) { var b = new byte[1 << 20]; for (int i = 0; i < b.Length; i += 4096) b[i] = 1; blocks.Add(b); } } }\n",
            OutputFlood: "class Program { static void Main() { while (true) System.Console.WriteLine(\"flood flood flood flood flood flood flood flood\"); } }\n"),
        new("r", Small,
            Correct: "x <- scan(file('stdin'), quiet = TRUE)\ncat(x[1] + x[2], '\\n', sep = '')\n",
            Wrong: "x <- scan(file('stdin'), quiet = TRUE)\ncat(x[1] + x[2] + 1, '\\n', sep = '')\n",
            CompileError: "f <- function( {\n",
            Crash: "stop('crash')\n",
            EndlessLoop: "n <- 0\nrepeat { n <- n + 1 }\n",
            MemoryHog: "blocks <- list()\nrepeat { blocks[[length(blocks) + 1]] <- rep(1.5, 131072) }\n",
            OutputFlood: "repeat cat('flood flood flood flood flood flood flood flood\\n')\n"),
        new("kotlin", ForJava,
            Correct: "fun main() {\n    val (a, b) = readLine()!!.trim().split(\" \").map { it.toLong() }\n    println(a + b)\n}\n",
            Wrong: "fun main() {\n    val (a, b) = readLine()!!.trim().split(\" \").map { it.toLong() }\n    println(a + b + 1)\n}\n",
            CompileError: "fun main() { val x: Int = \"three\" }\n",
            Crash: "fun main() { throw IllegalStateException(\"crash\") }\n",
            EndlessLoop: "fun main() { var n = 0L; while (true) { n++; if (n == -1L) println(n) } }\n",
            MemoryHog: "fun main() { val blocks = ArrayList<ByteArray>(); while (true) { val b = ByteArray(1 shl 20); b.fill(1); blocks.add(b) } }\n",
            OutputFlood: "fun main() { while (true) println(\"flood flood flood flood flood flood flood flood\") }\n"),
        new("scala", ForJava,
            Correct: "object Main {\n  def main(args: Array[String]): Unit = {\n    val Array(a, b) = scala.io.StdIn.readLine().trim.split(\" \").map(_.toLong)\n    println(a + b)\n  }\n}\n",
            Wrong: "object Main {\n  def main(args: Array[String]): Unit = {\n    val Array(a, b) = scala.io.StdIn.readLine().trim.split(\" \").map(_.toLong)\n    println(a + b + 1)\n  }\n}\n",
            CompileError: "object Main { def main(args: Array[String]): Unit = { val x: Int = \"three\" } }\n",
            Crash: "object Main { def main(args: Array[String]): Unit = { throw new IllegalStateException(\"crash\") } }\n",
            EndlessLoop: "object Main { def main(args: Array[String]): Unit = { var n = 0L; while (true) { n += 1; if (n == -1L) println(n) } } }\n",
            MemoryHog: "object Main { def main(args: Array[String]): Unit = { val blocks = new java.util.ArrayList[Array[Byte]](); while (true) { val b = new Array[Byte](1 << 20); java.util.Arrays.fill(b, 1.toByte); blocks.add(b) } } }\n",
            OutputFlood: "object Main { def main(args: Array[String]): Unit = { while (true) println(\"flood flood flood flood flood flood flood flood\") } }\n"),
        // Groovy is dynamically typed: assigning a string to an int fails at run time, so its CE is a syntax error.
        new("groovy", ForJava,
            Correct: "def (a, b) = System.in.newReader().readLine().trim().split(\" \").collect { it as long }\nprintln(a + b)\n",
            Wrong: "def (a, b) = System.in.newReader().readLine().trim().split(\" \").collect { it as long }\nprintln(a + b + 1)\n",
            CompileError: "def main( {\n",
            Crash: "throw new IllegalStateException(\"crash\")\n",
            EndlessLoop: "long n = 0\nwhile (true) { n++; if (n == -1) println(n) }\n",
            MemoryHog: "def blocks = []\nwhile (true) { byte[] b = new byte[1 << 20]; java.util.Arrays.fill(b, (byte) 1); blocks << b }\n",
            OutputFlood: "while (true) println(\"flood flood flood flood flood flood flood flood\")\n"),
        new("clojure", ForClojure,
            Correct: "(let [[a b] (map #(Long/parseLong %) (clojure.string/split (clojure.string/trim (read-line)) #\" \"))] (println (+ a b)))\n",
            Wrong: "(let [[a b] (map #(Long/parseLong %) (clojure.string/split (clojure.string/trim (read-line)) #\" \"))] (println (+ a b 1)))\n",
            CompileError: "(defn f [x] (+ x 1)\n",
            Crash: "(throw (IllegalStateException. \"crash\"))\n",
            EndlessLoop: "(loop [n 0] (recur (inc n)))\n",
            MemoryHog: "(loop [blocks []] (recur (conj blocks (byte-array (bit-shift-left 1 20) (byte 1)))))\n",
            OutputFlood: "(while true (println \"flood flood flood flood flood flood flood flood\"))\n"),
        // mmap(1 MiB, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE) until it fails: the pages are touched as they are mapped.
        new("nasm", Small,
            Correct: Nasm(sumExtra: ""),
            Wrong: Nasm(sumExtra: "    inc rax\n"),
            CompileError: "global _start\n_start:\n    movv rax, 1\n",
            Crash: "global _start\n_start:\n    mov qword [0], 1\n",
            EndlessLoop: "global _start\n_start:\n    jmp _start\n",
            MemoryHog: "global _start\n_start:\n    mov rax, 9\n    xor rdi, rdi\n    mov rsi, 1048576\n    mov rdx, 3\n    mov r10, 0x8022\n    mov r8, -1\n    xor r9, r9\n    syscall\n    cmp rax, -4096\n    jb _start\n    mov rax, 60\n    mov rdi, 3\n    syscall\n",
            OutputFlood: "section .data\nline: db \"flood flood flood flood flood flood flood flood\", 10\nsection .text\nglobal _start\n_start:\n    mov rax, 1\n    mov rdi, 1\n    mov rsi, line\n    mov rdx, 48\n    syscall\n    jmp _start\n"),
        new("octave", Small,
            Correct: "x = scanf(\"%d\", 2);\nprintf(\"%d\\n\", x(1) + x(2));\n",
            Wrong: "x = scanf(\"%d\", 2);\nprintf(\"%d\\n\", x(1) + x(2) + 1);\n",
            CompileError: "x = (1 + ;\n",
            Crash: "error(\"crash\");\n",
            EndlessLoop: "n = 0;\nwhile true\n  n = n + 1;\nend\n",
            MemoryHog: "c = {};\nwhile true\n  c{end + 1} = ones(1, 131072);\nend\n",
            OutputFlood: "while true\n  printf(\"flood flood flood flood flood flood flood flood\\n\");\nend\n"),
        // An escript, as Judge0 runs Erlang: main/1 and no module.
        new("erlang", Small,
            Correct: "main(_) ->\n    {ok, [A, B]} = io:fread(\"\", \"~d ~d\"),\n    io:format(\"~p~n\", [A + B]).\n",
            Wrong: "main(_) ->\n    {ok, [A, B]} = io:fread(\"\", \"~d ~d\"),\n    io:format(\"~p~n\", [A + B + 1]).\n",
            CompileError: "main(_) ->\n    X = .\n",
            Crash: "main(_) ->\n    erlang:error(crash).\n",
            EndlessLoop: "main(_) -> loop(0).\nloop(N) -> loop(N + 1).\n",
            MemoryHog: "main(_) -> hog([]).\nhog(Blocks) -> hog([binary:copy(<<1>>, 1048576) | Blocks]).\n",
            OutputFlood: "main(_) -> flood().\nflood() -> io:format(\"flood flood flood flood flood flood flood flood~n\"), flood().\n"),
        new("elixir", Small,
            Correct: "[a, b] = IO.read(:stdio, :line) |> String.split() |> Enum.map(&String.to_integer/1)\nIO.puts(a + b)\n",
            Wrong: "[a, b] = IO.read(:stdio, :line) |> String.split() |> Enum.map(&String.to_integer/1)\nIO.puts(a + b + 1)\n",
            CompileError: "defmodule M do\n  def f(, do: 1\nend\n",
            Crash: "raise \"crash\"\n",
            EndlessLoop: "defmodule L do\n  def loop(n), do: loop(n + 1)\nend\nL.loop(0)\n",
            MemoryHog: "defmodule H do\n  def hog(blocks), do: hog([:binary.copy(<<1>>, 1_048_576) | blocks])\nend\nH.hog([])\n",
            OutputFlood: "defmodule F do\n  def flood do\n    IO.puts(\"flood flood flood flood flood flood flood flood\")\n    flood()\n  end\nend\nF.flood()\n"),
    }.ToDictionary(p => p.Language);

    /// <summary>A+B in NASM with Linux system calls and no libc: read, add the numbers in the input, print the sum.</summary>
    private static string Nasm(string sumExtra) => """
        section .bss
        buf: resb 256
        out: resb 32
        section .text
        global _start
        _start:
            mov rax, 0
            mov rdi, 0
            mov rsi, buf
            mov rdx, 256
            syscall
            mov rcx, rax
            xor rsi, rsi
            xor r8, r8
            xor rax, rax
        scan:
            cmp rsi, rcx
            jge done
            movzx rdx, byte [buf + rsi]
            inc rsi
            sub rdx, '0'
            cmp rdx, 9
            ja separator
            imul rax, rax, 10
            add rax, rdx
            jmp scan
        separator:
            add r8, rax
            xor rax, rax
            jmp scan
        done:
            add rax, r8

        """ + sumExtra + """
            lea rsi, [out + 31]
            mov byte [rsi], 10
            mov rbx, 10
        digit:
            xor rdx, rdx
            div rbx
            add dl, '0'
            dec rsi
            mov [rsi], dl
            test rax, rax
            jnz digit
            mov rax, 1
            mov rdi, 1
            lea rdx, [out + 32]
            sub rdx, rsi
            syscall
            mov rax, 60
            xor rdi, rdi
            syscall

        """;

    private static LanguagePrograms C(string language, string header = "") => new(language, Small,
        Correct: header + "#include <stdio.h>\nint main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 1; printf(\"%ld\\n\", a + b); return 0; }\n",
        Wrong: header + "#include <stdio.h>\nint main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 1; printf(\"%ld\\n\", a + b + 1); return 0; }\n",
        CompileError: header + "int main(void) { return missing; }\n",
        Crash: header + "int main(void) { volatile int *p = 0; *p = 1; return 0; }\n",
        EndlessLoop: header + "int main(void) { volatile unsigned long n = 0; for (;;) n = n + 1; }\n",
        // Kept through a volatile pointer: clang removes a block that is filled and never read.
        MemoryHog: header + "#include <stdlib.h>\n#include <string.h>\nvoid *volatile kept;\nint main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); kept = p; } }\n",
        OutputFlood: header + "#include <stdio.h>\nint main(void) { for (;;) puts(\"flood flood flood flood flood flood flood flood\"); }\n");

    private static LanguagePrograms Cpp(string language) => new(language, Small,
        Correct: "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n",
        Wrong: "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b + 1 << '\\n'; }\n",
        CompileError: "int main() { return missing; }\n",
        Crash: "#include <vector>\nint main() { std::vector<int> v; return v.at(5); }\n",
        EndlessLoop: "int main() { volatile unsigned long n = 0; for (;;) n = n + 1; }\n",
        MemoryHog: "#include <vector>\nint main() { std::vector<std::vector<char>> blocks; for (;;) blocks.emplace_back(1 << 20, 'x'); }\n",
        OutputFlood: "#include <cstdio>\nint main() { for (;;) std::puts(\"flood flood flood flood flood flood flood flood\"); }\n");
}
