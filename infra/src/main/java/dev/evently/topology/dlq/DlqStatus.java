package dev.evently.topology.dlq;

/**
 * One dead-letter queue of the topology and how many messages it holds.
 *
 * @param dlq the DLQ's AWS name
 * @param sourceQueue the AWS name of the queue it serves
 * @param exists false when it has not been created yet (run {@code apply})
 * @param visible messages waiting ({@code ApproximateNumberOfMessages})
 * @param inFlight messages received but not deleted ({@code ApproximateNumberOfMessagesNotVisible})
 */
public record DlqStatus(String dlq, String sourceQueue, boolean exists, long visible, long inFlight) {}
