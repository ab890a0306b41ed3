using Judge.Sandbox.Cgroups;

namespace Judge.Testing;

/// <summary>
/// Where the tests put their cgroups, and which hierarchy a test run must have found. Both come from
/// the environment, set by scripts/vm/guest-tests.sh; on a developer's host neither is set.
/// </summary>
public static class TestCgroups
{
    /// <summary>
    /// <paramref name="name"/> below JUDGE_TEST_CGROUP_ROOT when it is set: a cgroup delegated to the
    /// tests (relative to the hierarchy root), as a systemd unit with Delegate=yes gets one. Unset:
    /// <paramref name="name"/> at the top of the hierarchy.
    /// </summary>
    public static string Parent(string name) =>
        Environment.GetEnvironmentVariable("JUDGE_TEST_CGROUP_ROOT") is { Length: > 0 } root ? $"{root.Trim('/')}/{name}" : name;

    /// <summary>
    /// JUDGE_EXPECT_CGROUP (v1 or v2): the hierarchy this run was set up to test, so that a test can
    /// fail when the driver found another one rather than quietly test that. Null when unset.
    /// </summary>
    public static CgroupVersion? Expected =>
        Environment.GetEnvironmentVariable("JUDGE_EXPECT_CGROUP") switch
        {
            null or "" => null,
            "v1" => CgroupVersion.V1,
            "v2" => CgroupVersion.V2,
            var other => throw new InvalidOperationException($"JUDGE_EXPECT_CGROUP is \"{other}\"; use v1 or v2"),
        };

    /// <summary>The hierarchy this host mounts at /sys/fs/cgroup: v2 where its root has the controllers (a hybrid host's
    /// empty cgroup2 at unified/ does not count).</summary>
    public static CgroupVersion Mounted()
    {
        const string rootControllers = "/sys/fs/cgroup/cgroup.controllers";
        bool unified = File.Exists(rootControllers) && File.ReadAllText(rootControllers).Contains("memory");
        return unified ? CgroupVersion.V2 : CgroupVersion.V1;
    }

    /// <summary>The hierarchy a test must find: the expected one when the run says, else the mounted one.</summary>
    public static CgroupVersion Required => Expected ?? Mounted();
}
