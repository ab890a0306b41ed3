// Several tests here assert timings (a CPU limit stops a program within milliseconds of it) and others
// burn CPU on purpose (cgroup accounting, quotas). On a two-core machine, running them side by side
// measures the neighbour: xunit's parallel test collections are off for this assembly.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
