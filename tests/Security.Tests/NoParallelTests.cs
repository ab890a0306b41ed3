// The attacks burn CPU, memory and processes on purpose, and their assertions include time bounds
// (a sleeping program is stopped at its wall limit): run one at a time, so no attack is measured
// against another's load.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
