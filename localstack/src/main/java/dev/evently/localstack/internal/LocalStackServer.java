package dev.evently.localstack.internal;

import java.net.URI;
import org.testcontainers.containers.localstack.LocalStackContainer;
import org.testcontainers.containers.localstack.LocalStackContainer.Service;
import org.testcontainers.utility.DockerImageName;

/** LocalStack (SNS and SQS only) in Docker through Testcontainers, with the image pinned. */
public final class LocalStackServer implements AutoCloseable {

    /** Pinned: later images need a LocalStack auth token. */
    public static final String IMAGE = "localstack/localstack:4.12.0";

    private final LocalStackContainer container;

    private LocalStackServer(LocalStackContainer container) {
        this.container = container;
    }

    /**
     * Starts the container and waits until it is ready.
     *
     * @param region the region LocalStack uses by default
     */
    @SuppressWarnings("resource") // closed in close()
    public static LocalStackServer start(String region) {
        LocalStackContainer container = new LocalStackContainer(DockerImageName.parse(IMAGE))
                .withServices(Service.SNS, Service.SQS)
                .withEnv("DEFAULT_REGION", region);
        String token = System.getenv("LOCALSTACK_AUTH_TOKEN");
        if (token != null && !token.isBlank()) {
            container.withEnv("LOCALSTACK_AUTH_TOKEN", token);
        }
        try {
            container.start();
        } catch (RuntimeException e) {
            container.close();
            throw new IllegalStateException("LocalStack (" + IMAGE + ") did not start: " + e.getMessage(), e);
        }
        return new LocalStackServer(container);
    }

    public URI endpoint() {
        return container.getEndpoint();
    }

    @Override
    public void close() {
        container.stop();
    }
}
