using System.Runtime.InteropServices;

namespace Judge.Sandbox.Native;

/// <summary>The C entry point in <c>spawn.c</c>. Layouts must match the structs declared there.</summary>
internal static partial class NativeSpawn
{
    public enum MountKind { Directory = 0, Symlink = 1, File = 2, Mount = 3, Remount = 4 }

    /// <summary>The step that failed, as spawn.c reports it; <see cref="StageNames"/> says it in words.</summary>
    public enum Stage
    {
        None, Clone, UidMap, GidMap, Cgroup, Release, CgroupNamespace, MountPrivate, Mount,
        PivotRoot, DetachOldRoot, Hostname, Loopback, Rlimit, Stdio, CloseFds, Chdir, Setgroups,
        Setgid, Setuid, Capabilities, NoNewPrivs, Seccomp, Exec, StartProgram, ExecInit, KilledBeforeExec,
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct MountOp
    {
        public int Kind;
        public int Mode;
        public nint Source;
        public nint Target;
        public nint FsType;
        public nint Data;
        public ulong Flags;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct RlimitOp
    {
        public int Resource;
        public int Pad;
        public ulong Value;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Request
    {
        public nint Argv;
        public nint Envp;
        public nint Cwd;
        public nint Hostname;
        public nint NewRoot;
        public nint Mounts;
        public nint Rlimits;
        public nint Seccomp;
        public nint UidMap;
        public nint GidMap;
        public nint CgroupFds;
        public int MountCount;
        public int RlimitCount;
        public int SeccompCount;
        public int CgroupFdCount;
        public int StdinFd;
        public int StdoutFd;
        public int StderrFd;
        public uint Uid;
        public uint Gid;
        public int LoopbackUp;
        public int KeepRoot;
        public int InitFd;
    }

    [StructLayout(LayoutKind.Sequential)]
    public struct Error
    {
        public Stage Stage;
        public int Index;
        public int Errno;
    }

    /// <summary>Returns the pid of the run's init, and in <paramref name="statusFd"/> the pipe it writes the program's wait status to.</summary>
    [LibraryImport("judgespawn", EntryPoint = "judge_spawn")]
    public static unsafe partial int Spawn(Request* request, Error* error, int* statusFd);

    /// <summary>spawn.c's sizes and field offsets of the structs above, in declaration order: each struct's size, then
    /// the offset of each of its fields. Returns how many there are; fills at most <paramref name="capacity"/>.</summary>
    [LibraryImport("judgespawn", EntryPoint = "judge_spawn_layout")]
    public static unsafe partial int Layout(int* numbers, int capacity);
}
