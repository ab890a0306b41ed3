using System.Runtime.InteropServices;

namespace Judge.Faults.Tests.Stack;

/// <summary>Signals sent by pid: the faults are real process deaths, not simulated ones.</summary>
public static partial class Signals
{
    public const int SIGINT = 2, SIGKILL = 9, SIGTERM = 15;

    public static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
    }

    public static void TrySend(int pid, int signal) => kill(pid, signal);

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Waits until the process with <paramref name="pid"/> is gone; false if it is still there after <paramref name="timeout"/>.</summary>
    public static async Task<bool> WaitForExitAsync(int pid, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        // A zombie still has its /proc entry; its state says it is dead.
        while (IsAlive(pid) && !IsZombie(pid))
        {
            if (DateTime.UtcNow > deadline)
                return false;
            await Task.Delay(50);
        }
        return true;
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/stat").Split(')').Last().TrimStart().StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);
}
