using System.Reflection;

namespace Judge.EndToEnd.Tests.Operations;

/// <summary>The checkout these tests were built from, found through the Api's dll that the build recorded
/// (<c>ROOT/Api/bin/CONFIGURATION/net10.0/Judge.Api.dll</c>, see Stack/JudgeProcesses.targets).</summary>
internal static class Repository
{
    private static DirectoryInfo ApiOutput => new FileInfo(typeof(JudgeStack).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .First(a => a.Key == "JudgeApiDll").Value!).Directory!;

    public static string Configuration => ApiOutput.Parent!.Name;

    public static string Root => ApiOutput.Parent!.Parent!.Parent!.Parent!.FullName;
}
