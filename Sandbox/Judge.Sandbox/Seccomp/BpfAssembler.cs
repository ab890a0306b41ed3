namespace Judge.Sandbox.Seccomp;

/// <summary>
/// Writes a classic-BPF program with named jump targets instead of hand-counted offsets. Classic BPF
/// only jumps forward, by at most 255 instructions; <see cref="Build"/> checks both.
/// </summary>
internal sealed class BpfAssembler
{
    // <linux/bpf_common.h>
    private const ushort LdWordAbs = 0x00 | 0x00 | 0x20;   // BPF_LD | BPF_W | BPF_ABS
    private const ushort JumpEqual = 0x05 | 0x10 | 0x00;   // BPF_JMP | BPF_JEQ | BPF_K
    private const ushort JumpAnyBit = 0x05 | 0x40 | 0x00;  // BPF_JMP | BPF_JSET | BPF_K
    private const ushort JumpAtLeast = 0x05 | 0x30 | 0x00; // BPF_JMP | BPF_JGE | BPF_K
    private const ushort Return = 0x06 | 0x00;             // BPF_RET | BPF_K

    /// <summary>Jump target meaning "the next instruction".</summary>
    public const string Next = "";

    private readonly List<(ushort Code, string JumpTrue, string JumpFalse, uint K)> _code = [];
    private readonly Dictionary<string, int> _labels = [];

    /// <summary>A = the 32-bit word at <paramref name="offset"/> of <c>struct seccomp_data</c>.</summary>
    public void Load(uint offset) => _code.Add((LdWordAbs, Next, Next, offset));

    /// <summary>if (A == k) goto ifTrue else goto ifFalse.</summary>
    public void JumpIfEqual(uint k, string ifTrue, string ifFalse = Next) => _code.Add((JumpEqual, ifTrue, ifFalse, k));

    /// <summary>if (A &gt;= k) goto ifTrue else goto ifFalse.</summary>
    public void JumpIfAtLeast(uint k, string ifTrue, string ifFalse = Next) => _code.Add((JumpAtLeast, ifTrue, ifFalse, k));

    /// <summary>if (A &amp; bits) goto ifTrue else goto ifFalse.</summary>
    public void JumpIfAnyBit(uint bits, string ifTrue, string ifFalse = Next) => _code.Add((JumpAnyBit, ifTrue, ifFalse, bits));

    public void Ret(uint action) => _code.Add((Return, Next, Next, action));

    /// <summary>Names the next instruction.</summary>
    public void Label(string name)
    {
        if (!_labels.TryAdd(name, _code.Count))
            throw new InvalidOperationException($"BPF label {name} defined twice");
    }

    public SockFilter[] Build()
    {
        var program = new SockFilter[_code.Count];
        for (int i = 0; i < _code.Count; i++)
        {
            var (code, jumpTrue, jumpFalse, k) = _code[i];
            program[i] = new SockFilter(code, Offset(i, jumpTrue), Offset(i, jumpFalse), k);
        }
        return program;
    }

    private byte Offset(int from, string target)
    {
        if (target == Next)
            return 0;
        if (!_labels.TryGetValue(target, out int to))
            throw new InvalidOperationException($"BPF label {target} is never defined");
        int offset = to - (from + 1);
        if (offset is < 0 or > byte.MaxValue)
            throw new InvalidOperationException($"BPF jump from {from} to {target} ({to}) is out of range");
        return (byte)offset;
    }
}
