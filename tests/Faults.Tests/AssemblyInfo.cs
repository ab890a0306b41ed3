// Two lines of tests, side by side: those that stop a private PostgreSQL or RabbitMQ of their own (mostly waiting
// for the outage and the servers' boot) beside those on the shared services. Within each line, one at a time:
// every one loads the machine, several assert timings, and the load test measures the health probe.
[assembly: CollectionBehavior(MaxParallelThreads = 2)]
