package dev.evently.localstack;

import dev.evently.localstack.internal.DockerProbe;
import dev.evently.localstack.internal.LocalStackServer;
import dev.evently.localstack.internal.MotoServer;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsClient;

/**
 * The SNS/SQS backend of a test run: one per JVM, shared by all test classes, started lazily by the first
 * {@link #shared()} call and stopped by a JVM shutdown hook.
 *
 * <p>Which backend is used is decided by {@link BackendSelector}: {@code AWS_ENDPOINT_URL} as is, else the backend
 * named by {@code -Devently.backend} / {@code EVENTLY_BACKEND} ({@code localstack} or {@code moto}), else LocalStack
 * when Docker is available, else {@code moto_server}. A run where none is possible fails with a message saying what
 * to install; it never skips.
 *
 * <p>Thread-safe. The clients are created on first use, cached, and closed at JVM exit: do not close them.
 */
public final class AwsBackend {

    private static final Logger LOG = LoggerFactory.getLogger(AwsBackend.class);
    private static final Duration MOTO_START_TIMEOUT = Duration.ofSeconds(30);
    private static final String DEFAULT_REGION = "us-east-1";

    private static AwsBackend shared;
    private static RuntimeException sharedFailure;

    private final BackendKind kind;
    private final URI endpoint;
    private final Region region;
    private final AwsCredentialsProvider credentials;
    private final AutoCloseable server;
    private final List<AutoCloseable> clients = new ArrayList<>();
    private SqsClient sqs;
    private SnsClient sns;
    private SqsAsyncClient sqsAsync;
    private SnsAsyncClient snsAsync;

    private AwsBackend(BackendKind kind, URI endpoint, Region region, AwsCredentialsProvider credentials,
                       AutoCloseable server) {
        this.kind = kind;
        this.endpoint = endpoint;
        this.region = region;
        this.credentials = credentials;
        this.server = server;
    }

    /**
     * The backend of this JVM, started on the first call (which may take a moment: ~1 s for moto, longer for
     * LocalStack). A failed start is remembered: later calls throw the same error at once.
     *
     * @throws IllegalStateException when no backend can be started, saying what to install or set
     */
    public static synchronized AwsBackend shared() {
        if (shared != null) {
            return shared;
        }
        if (sharedFailure != null) {
            throw new IllegalStateException(sharedFailure.getMessage(), sharedFailure);
        }
        try {
            shared = start(System.getenv(), systemProperties());
        } catch (RuntimeException e) {
            sharedFailure = e;
            throw e;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(shared::stop, "evently-aws-backend-shutdown"));
        return shared;
    }

    private static AwsBackend start(Map<String, String> env, Map<String, String> props) {
        long started = System.nanoTime();
        Region region = Region.of(firstNonBlank(props.get("aws.region"), env.get("AWS_REGION"), DEFAULT_REGION));
        BackendKind kind = BackendSelector.choose(env, props, DockerProbe::isDockerAvailable, MotoServer::isAvailable);
        AwsCredentialsProvider testCredentials = StaticCredentialsProvider.create(AwsBasicCredentials.create("test", "test"));
        AwsBackend backend;
        switch (kind) {
            case ENDPOINT: {
                URI endpoint = BackendSelector.endpoint(env, props).orElseThrow();
                boolean realKeys = firstNonBlank(props.get("aws.accessKeyId"), env.get("AWS_ACCESS_KEY_ID"), null) != null;
                AwsCredentialsProvider credentials = realKeys ? DefaultCredentialsProvider.builder().build() : testCredentials;
                backend = new AwsBackend(kind, endpoint, region, credentials, () -> { });
                break;
            }
            case LOCALSTACK: {
                LocalStackServer localStack = LocalStackServer.start(region.id());
                backend = new AwsBackend(kind, localStack.endpoint(), region, testCredentials, localStack);
                break;
            }
            case MOTO: {
                MotoServer moto = MotoServer.start(Path.of("target"), MOTO_START_TIMEOUT);
                LOG.info("moto_server log: {}", moto.log());
                backend = new AwsBackend(kind, moto.endpoint(), region, testCredentials, moto);
                break;
            }
            default:
                throw new IllegalStateException("unknown backend kind " + kind);
        }
        LOG.info("AWS backend for this test run: {} at {} (region {}), ready in {} ms", kind, backend.endpoint,
                region.id(), Duration.ofNanos(System.nanoTime() - started).toMillis());
        return backend;
    }

    /** What kind of backend this is. */
    public BackendKind kind() {
        return kind;
    }

    /** The endpoint every client of this backend must use. */
    public URI endpoint() {
        return endpoint;
    }

    /** {@code AWS_REGION} (or {@code aws.region}), default us-east-1. */
    public Region region() {
        return region;
    }

    /** Static test/test credentials for moto and LocalStack; for an endpoint, the SDK's chain when keys are set. */
    public AwsCredentialsProvider credentials() {
        return credentials;
    }

    /**
     * Points any SDK client builder at this backend: endpoint override, region and credentials. The builder can be
     * customised further (interceptors, timeouts, another endpoint such as a {@link TcpProxy}).
     *
     * @return the same builder
     */
    public <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
        Objects.requireNonNull(builder, "builder");
        return builder.endpointOverride(endpoint).region(region).credentialsProvider(credentials);
    }

    /** A shared synchronous SQS client; thread-safe, closed at JVM exit. */
    public synchronized SqsClient sqs() {
        if (sqs == null) {
            sqs = track(() -> configure(SqsClient.builder()).build());
        }
        return sqs;
    }

    /** A shared synchronous SNS client; thread-safe, closed at JVM exit. */
    public synchronized SnsClient sns() {
        if (sns == null) {
            sns = track(() -> configure(SnsClient.builder()).build());
        }
        return sns;
    }

    /** A shared asynchronous SQS client; thread-safe, closed at JVM exit. */
    public synchronized SqsAsyncClient sqsAsync() {
        if (sqsAsync == null) {
            sqsAsync = track(() -> configure(SqsAsyncClient.builder()).build());
        }
        return sqsAsync;
    }

    /** A shared asynchronous SNS client; thread-safe, closed at JVM exit. */
    public synchronized SnsAsyncClient snsAsync() {
        if (snsAsync == null) {
            snsAsync = track(() -> configure(SnsAsyncClient.builder()).build());
        }
        return snsAsync;
    }

    private <C extends AutoCloseable> C track(Supplier<C> factory) {
        C client = factory.get();
        clients.add(client);
        return client;
    }

    private synchronized void stop() {
        for (AutoCloseable client : clients) {
            closeQuietly(client);
        }
        clients.clear();
        closeQuietly(server);
    }

    private static void closeQuietly(AutoCloseable closeable) {
        try {
            closeable.close();
        } catch (Exception e) {
            LOG.warn("closing {} failed: {}", closeable, e.toString());
        }
    }

    private static Map<String, String> systemProperties() {
        Map<String, String> props = new HashMap<>();
        System.getProperties().forEach((k, v) -> props.put(String.valueOf(k), String.valueOf(v)));
        return props;
    }

    private static String firstNonBlank(String first, String second, String fallback) {
        if (first != null && !first.isBlank()) {
            return first.trim();
        }
        return second != null && !second.isBlank() ? second.trim() : fallback;
    }

    @Override
    public String toString() {
        return "AwsBackend[" + kind + " " + endpoint + " " + region.id() + "]";
    }
}
