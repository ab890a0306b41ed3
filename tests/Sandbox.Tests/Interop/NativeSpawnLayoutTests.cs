using System.Runtime.InteropServices;
using Judge.Sandbox.Native;

namespace Judge.Sandbox.Tests.Interop;

/// <summary>C# marshals the spawn request into memory that spawn.c reads: a field out of step is a wrong pointer in the
/// child, so the two layouts are compared field by field, as each compiler lays them out.</summary>
public sealed class NativeSpawnLayoutTests
{
    [Fact]
    public unsafe void The_structs_CSharp_marshals_have_the_size_and_field_offsets_spawn_c_reads()
    {
        int[] expected = [.. Layout<NativeSpawn.MountOp>(), .. Layout<NativeSpawn.RlimitOp>(), .. Layout<NativeSpawn.Request>(), .. Layout<NativeSpawn.Error>()];
        var actual = new int[expected.Length + 8];

        int count;
        fixed (int* numbers = actual)
            count = NativeSpawn.Layout(numbers, actual.Length);

        Assert.Equal(expected, actual[..count]);
    }

    /// <summary>The struct's size, then each field's offset in declaration order, as the runtime marshals it.</summary>
    private static IEnumerable<int> Layout<T>() where T : struct =>
        typeof(T).GetFields().Select(field => (int)Marshal.OffsetOf<T>(field.Name)).Prepend(Marshal.SizeOf<T>());
}
