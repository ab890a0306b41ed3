namespace Judge.Testing;

/// <summary>
/// A+B in NASM with Linux system calls and no libc, in the two pieces the language tests put together: the end-to-end
/// tests as one file, the worker's several-file test as a program that <c>%include</c>s the printing. Linked into both.
/// </summary>
public static class NasmAPlusB
{
    /// <summary>From <c>_start</c>: reads stdin into <c>buf</c> (256 bytes, which the program declares) and leaves the sum
    /// of the numbers in it in rax.</summary>
    public const string ReadAndAdd = """
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

        """;

    /// <summary>Writes rax in decimal and a newline to stdout, through <c>out</c> (32 bytes, which the program declares).</summary>
    public const string PrintRax = """
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

        """;

    public const string Exit = """
            mov rax, 60
            xor rdi, rdi
            syscall

        """;
}
