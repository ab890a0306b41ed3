using System.Diagnostics;
using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Loader;

// HandMade.Bench DIR OUT: loads DIR/Judge.Sandbox.dll (any revision: the hand-made seccomp assembler had
// SeccompPolicy.For(Architecture), the libseccomp one has the internal Build(optimize)) and prints
//  - the seccomp program's length and the time to build it, first call and median of 200, writing each variant to
//    OUT/<variant>.bpf for install-cost.c;
//  - the time ElfFile.TryRead + LibrarySearch.Closure take over the DT_NEEDED closure of python3 and cc1, and
//    ImagePlan.For over the C toolchain's paths (those of Worker/Languages/LanguageCatalog.cs), first call and median.
string dir = Path.GetFullPath(args[0]), output = args[1];
string sandboxDll = Path.Combine(dir, "Judge.Sandbox.dll");
var resolver = new AssemblyDependencyResolver(sandboxDll);
var context = new AssemblyLoadContext("judge-sandbox");
context.Resolving += (c, name) => resolver.ResolveAssemblyToPath(name) is { } path ? c.LoadFromAssemblyPath(path) : null;
Assembly sandbox = context.LoadFromAssemblyPath(sandboxDll);
const BindingFlags Any = BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.Static | BindingFlags.Instance;

Type policy = sandbox.GetType("Judge.Sandbox.Seccomp.SeccompPolicy")!;
var variants = new List<(string Name, Func<Array> Build)>();
if (policy.GetMethod("Build", Any) is { } build)
{
    variants.Add(("libseccomp-tree", () => (Array)build.Invoke(null, [2u])!));
    variants.Add(("libseccomp-priority", () => (Array)build.Invoke(null, [1u])!));
}
else
{
    MethodInfo forArchitecture = policy.GetMethod("For", Any)!;
    variants.Add(("hand-made-assembler", () => (Array)forArchitecture.Invoke(null, [RuntimeInformation.ProcessArchitecture])!));
}
foreach (var (name, make) in variants)
{
    (Array program, double first, double median) = Time(make, 200);
    Console.WriteLine($"seccomp {name}: {program.Length} instructions; built in {first:F2} ms the first time, then {median * 1000:F0} µs (median)");
    var bytes = new byte[program.Length * 8]; // struct sock_filter
    var pinned = GCHandle.Alloc(program, GCHandleType.Pinned);
    Marshal.Copy(pinned.AddrOfPinnedObject(), bytes, 0, bytes.Length);
    pinned.Free();
    File.WriteAllBytes(Path.Combine(output, name + ".bpf"), bytes);
}

MethodInfo tryRead = sandbox.GetType("Judge.Sandbox.Rootfs.ElfFile")!.GetMethod("TryRead", Any)!;
Type search = sandbox.GetType("Judge.Sandbox.Rootfs.LibrarySearch")!;
object librarySearch = search.GetMethod("FromHost", Any)!.Invoke(null, null)!;
MethodInfo closure = search.GetMethod("Closure", Any)!;
string cc1 = Directory.GetFiles("/usr/lib/gcc/x86_64-linux-gnu", "cc1", SearchOption.AllDirectories).Order().First();
foreach (string file in new[] { "/usr/bin/python3", cc1 })
{
    (object found, double first, double median) = Time(() => closure.Invoke(librarySearch, [file, tryRead.Invoke(null, [file])!, true])!, 200);
    Console.WriteLine($"ELF closure of {file}: {((System.Collections.IList)found).Count} objects; {first:F1} ms the first time, then {median * 1000:F0} µs (median)");
}
const string M = "/usr/lib/x86_64-linux-gnu";
string[] toolchain = ["/usr/bin/gcc", "/usr/lib/gcc/x86_64-linux-gnu", "/usr/include", "/usr/bin/as", "/usr/bin/ld", $"{M}/Scrt1.o",
    $"{M}/crti.o", $"{M}/crtn.o", $"{M}/libc.so", $"{M}/libc_nonshared.a", $"{M}/libm.so", $"{M}/libc.so.6", $"{M}/libm.so.6",
    $"{M}/libgcc_s.so.1", "/lib64/ld-linux-x86-64.so.2"];
MethodInfo planFor = sandbox.GetType("Judge.Sandbox.Rootfs.ImagePlan")!.GetMethod("For", Any)!;
(_, double planFirst, double planMedian) = Time(() => planFor.Invoke(null, [toolchain, librarySearch])!, 20);
Console.WriteLine($"ImagePlan.For(the C toolchain's paths): {planFirst:F0} ms the first time, then {planMedian:F0} ms (median)");

// The result of the first call, its time, and the median time of the next `repeat` calls, in ms.
static (T Result, double FirstMs, double MedianMs) Time<T>(Func<T> action, int repeat)
{
    var watch = Stopwatch.StartNew();
    T result = action();
    double first = watch.Elapsed.TotalMilliseconds;
    var times = new double[repeat];
    for (int i = 0; i < repeat; i++)
    {
        watch.Restart();
        action();
        times[i] = watch.Elapsed.TotalMilliseconds;
    }
    Array.Sort(times);
    return (result, first, times[repeat / 2]);
}
