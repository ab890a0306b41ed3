// One fault at a time: each loads the machine, several assert timings, and the load test measures the health probe.
[assembly: CollectionBehavior(DisableTestParallelization = true)]
