package dev.evently.localstack;

/** Which kind of SNS/SQS backend an {@link AwsBackend} talks to. */
public enum BackendKind {
    /** An endpoint given by {@code AWS_ENDPOINT_URL} (or {@code aws.endpointUrl}), used as is; nothing is started. */
    ENDPOINT,
    /** LocalStack in Docker, started through Testcontainers. */
    LOCALSTACK,
    /** {@code moto_server} started as a child process on a free loopback port. */
    MOTO
}
