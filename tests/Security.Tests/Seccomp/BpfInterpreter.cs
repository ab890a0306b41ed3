using Judge.Sandbox.Seccomp;

namespace Judge.Security.Tests.Seccomp;

/// <summary>What the kernel hands a seccomp program: <c>struct seccomp_data</c>.</summary>
public sealed record SeccompData(uint Nr, uint Arch, params ulong[] Args)
{
    /// <summary>The 64-byte little-endian layout the program loads words from.</summary>
    public byte[] ToBytes()
    {
        var bytes = new byte[64];
        BitConverter.TryWriteBytes(bytes.AsSpan(0), Nr);
        BitConverter.TryWriteBytes(bytes.AsSpan(4), Arch);
        // instruction_pointer at 8 stays 0.
        for (int i = 0; i < Args.Length; i++)
            BitConverter.TryWriteBytes(bytes.AsSpan(16 + 8 * i), Args[i]);
        return bytes;
    }
}

/// <summary>
/// Runs a classic-BPF seccomp program the way the kernel would, for the instructions seccomp
/// accepts. Written from the BPF spec, and strict: anything it does not know is a test failure, and
/// it checks what the kernel's loader checks (length, forward jumps in range, aligned loads inside
/// seccomp_data, ending in a return) so a program that passes here would also load.
/// </summary>
public static class BpfInterpreter
{
    private const int MaxInstructions = 4096, DataSize = 64;

    public static uint Run(IReadOnlyList<SockFilter> program, SeccompData input) => Run(program, input, out _);

    /// <param name="steps">How many instructions ran before the return.</param>
    public static uint Run(IReadOnlyList<SockFilter> program, SeccompData input, out int steps)
    {
        Validate(program);
        byte[] data = input.ToBytes();
        steps = 0;
        uint a = 0, x = 0;
        int pc = 0;
        while (true)
        {
            steps++;
            SockFilter insn = program[pc];
            int cls = insn.Code & 0x07;
            switch (cls)
            {
                case 0x00: // BPF_LD
                    a = Load(insn, data);
                    pc++;
                    break;
                case 0x01: // BPF_LDX: only BPF_W | BPF_IMM/BPF_LEN make sense for seccomp
                    x = insn.Code switch
                    {
                        0x01 => insn.K,
                        0x81 => DataSize,
                        _ => throw Unsupported(insn, pc),
                    };
                    pc++;
                    break;
                case 0x04: // BPF_ALU
                    a = Alu(insn, a, x, pc);
                    pc++;
                    break;
                case 0x05: // BPF_JMP
                    pc += 1 + Jump(insn, a, x);
                    break;
                case 0x06: // BPF_RET
                    return (insn.Code & 0x18) switch
                    {
                        0x00 => insn.K,  // BPF_K
                        0x10 => a,       // BPF_A
                        _ => throw Unsupported(insn, pc),
                    };
                case 0x07: // BPF_MISC
                    if (insn.Code == 0x07) x = a;       // TAX
                    else if (insn.Code == 0x87) a = x;  // TXA
                    else throw Unsupported(insn, pc);
                    pc++;
                    break;
                default:
                    throw Unsupported(insn, pc);
            }
        }
    }

    /// <summary>What the kernel's loader refuses (sk_chk_filter plus seccomp_check_filter), as assertions.</summary>
    public static void Validate(IReadOnlyList<SockFilter> program)
    {
        Assert.InRange(program.Count, 1, MaxInstructions);
        for (int pc = 0; pc < program.Count; pc++)
        {
            SockFilter insn = program[pc];
            int cls = insn.Code & 0x07;
            if (cls == 0x00 && (insn.Code & 0xe0) == 0x20)
            {
                Assert.True(insn.Code == 0x20, $"instruction {pc}: seccomp only loads 32-bit words");
                Assert.True(insn.K % 4 == 0 && insn.K < DataSize, $"instruction {pc}: load at {insn.K} is outside seccomp_data or unaligned");
            }
            if (cls == 0x05)
            {
                int longest = insn.Code == 0x05 ? (int)insn.K : Math.Max(insn.JumpTrue, insn.JumpFalse);
                Assert.True(pc + 1 + longest < program.Count, $"instruction {pc}: jump past the end");
            }
        }
        Assert.True((program[^1].Code & 0x07) == 0x06, "the program must end in a return");
    }

    private static uint Load(SockFilter insn, byte[] data) => insn.Code switch
    {
        0x20 => BitConverter.ToUInt32(data, (int)insn.K), // BPF_LD | BPF_W | BPF_ABS
        0x00 => insn.K,                                   // BPF_LD | BPF_IMM
        0x80 => DataSize,                                 // BPF_LD | BPF_W | BPF_LEN
        _ => throw Unsupported(insn, -1),
    };

    private static uint Alu(SockFilter insn, uint a, uint x, int pc)
    {
        uint operand = (insn.Code & 0x08) != 0 ? x : insn.K;
        return (insn.Code & 0xf0) switch
        {
            0x00 => a + operand,
            0x10 => a - operand,
            0x20 => a * operand,
            0x40 => a | operand,
            0x50 => a & operand,
            0x60 => operand < 32 ? a << (int)operand : 0,
            0x70 => operand < 32 ? a >> (int)operand : 0,
            0x80 => (uint)-(int)a,
            0xa0 => a ^ operand,
            _ => throw Unsupported(insn, pc),
        };
    }

    private static int Jump(SockFilter insn, uint a, uint x)
    {
        if (insn.Code == 0x05) // BPF_JA
            return (int)insn.K;
        uint operand = (insn.Code & 0x08) != 0 ? x : insn.K;
        bool taken = (insn.Code & 0xf0) switch
        {
            0x10 => a == operand,        // BPF_JEQ
            0x20 => a > operand,         // BPF_JGT
            0x30 => a >= operand,        // BPF_JGE
            0x40 => (a & operand) != 0,  // BPF_JSET
            _ => throw Unsupported(insn, -1),
        };
        return taken ? insn.JumpTrue : insn.JumpFalse;
    }

    private static Exception Unsupported(SockFilter insn, int pc) =>
        new InvalidOperationException($"unsupported BPF instruction 0x{insn.Code:x2} at {pc}");
}
