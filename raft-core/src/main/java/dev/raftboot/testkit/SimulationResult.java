package dev.raftboot.testkit;

/**
 * What a passing simulation did, for reports and for tests that want to see it exercised something.
 *
 * @param commitIndex the highest commit index any node reached
 * @param terms how many terms had a leader
 * @param operations client operations recorded (completed, failed and ambiguous)
 * @param completedOperations operations whose outcome the client saw
 * @param crashes node crashes injected
 * @param snapshotsInstalled snapshots nodes received from a leader and applied
 * @param confChangesApplied configuration changes applied by the first node to apply them
 */
public record SimulationResult(
    long seed,
    long steps,
    long commitIndex,
    int terms,
    int operations,
    int completedOperations,
    int crashes,
    int snapshotsInstalled,
    int confChangesApplied) {}
