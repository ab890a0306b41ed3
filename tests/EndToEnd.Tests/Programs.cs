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

    public static readonly IReadOnlyDictionary<string, LanguagePrograms> All = new LanguagePrograms[]
    {
        new("c", Small,
            Correct: "#include <stdio.h>\nint main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 1; printf(\"%ld\\n\", a + b); return 0; }\n",
            Wrong: "#include <stdio.h>\nint main(void) { long a, b; if (scanf(\"%ld %ld\", &a, &b) != 2) return 1; printf(\"%ld\\n\", a + b + 1); return 0; }\n",
            CompileError: "int main(void) { return missing; }\n",
            Crash: "int main(void) { volatile int *p = 0; *p = 1; return 0; }\n",
            EndlessLoop: "int main(void) { volatile unsigned long n = 0; for (;;) n = n + 1; }\n",
            MemoryHog: "#include <stdlib.h>\n#include <string.h>\nint main(void) { for (;;) { char *p = malloc(1 << 20); if (!p) return 3; memset(p, 1, 1 << 20); } }\n",
            OutputFlood: "#include <stdio.h>\nint main(void) { for (;;) puts(\"flood flood flood flood flood flood flood flood\"); }\n"),
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
    }.ToDictionary(p => p.Language);

    private static LanguagePrograms Cpp(string language) => new(language, Small,
        Correct: "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b << '\\n'; }\n",
        Wrong: "#include <iostream>\nint main() { long a, b; std::cin >> a >> b; std::cout << a + b + 1 << '\\n'; }\n",
        CompileError: "int main() { return missing; }\n",
        Crash: "#include <vector>\nint main() { std::vector<int> v; return v.at(5); }\n",
        EndlessLoop: "int main() { volatile unsigned long n = 0; for (;;) n = n + 1; }\n",
        MemoryHog: "#include <vector>\nint main() { std::vector<std::vector<char>> blocks; for (;;) blocks.emplace_back(1 << 20, 'x'); }\n",
        OutputFlood: "#include <cstdio>\nint main() { for (;;) std::puts(\"flood flood flood flood flood flood flood flood\"); }\n");
}
