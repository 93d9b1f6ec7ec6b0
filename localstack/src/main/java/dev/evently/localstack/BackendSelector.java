package dev.evently.localstack;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Decides which backend a test run uses. Pure: everything it looks at is passed in, so every branch is unit-testable.
 *
 * <ol>
 *   <li>{@code AWS_ENDPOINT_URL} (env) or {@code aws.endpointUrl} (system property) set: {@link BackendKind#ENDPOINT}.
 *   <li>{@code evently.backend} (system property) or {@code EVENTLY_BACKEND} (env) set to {@code localstack} or
 *       {@code moto}: that backend, or an {@link IllegalStateException} when it cannot run here.
 *   <li>Otherwise Docker available: {@link BackendKind#LOCALSTACK}; else moto available: {@link BackendKind#MOTO};
 *       else an {@link IllegalStateException} saying what to install.
 * </ol>
 *
 * The availability checks are suppliers so that they are only evaluated when the decision needs them.
 */
public final class BackendSelector {

    /** System property choosing the backend ({@code localstack} or {@code moto}). */
    public static final String BACKEND_PROPERTY = "evently.backend";
    /** Environment variable choosing the backend ({@code localstack} or {@code moto}). */
    public static final String BACKEND_ENV = "EVENTLY_BACKEND";
    /** The SDK's own environment variable for the endpoint. */
    public static final String ENDPOINT_ENV = "AWS_ENDPOINT_URL";
    /** The SDK's own system property for the endpoint. */
    public static final String ENDPOINT_PROPERTY = "aws.endpointUrl";

    static final String HOW_TO_FIX = "Install moto (pip install 'moto[server]', which puts moto_server on the PATH), "
            + "or install and start Docker (LocalStack then runs through Testcontainers), "
            + "or set AWS_ENDPOINT_URL to a running SNS/SQS endpoint.";

    private BackendSelector() {
    }

    /**
     * Chooses the backend.
     *
     * @param env the environment (normally {@code System.getenv()})
     * @param props the system properties (normally {@code System.getProperties()} as a map)
     * @param dockerAvailable whether a Docker engine is reachable; evaluated at most once, only when needed
     * @param motoAvailable whether moto can be started; evaluated at most once, only when needed
     * @return the chosen kind, never null
     * @throws IllegalStateException when no backend can be used, with a message saying what to install or set
     */
    public static BackendKind choose(Map<String, String> env, Map<String, String> props,
                                     BooleanSupplier dockerAvailable, BooleanSupplier motoAvailable) {
        Objects.requireNonNull(env, "env");
        Objects.requireNonNull(props, "props");
        Objects.requireNonNull(dockerAvailable, "dockerAvailable");
        Objects.requireNonNull(motoAvailable, "motoAvailable");
        if (endpoint(env, props).isPresent()) {
            return BackendKind.ENDPOINT;
        }
        String requested = firstNonBlank(props.get(BACKEND_PROPERTY), env.get(BACKEND_ENV));
        if (requested != null) {
            switch (requested.trim().toLowerCase(Locale.ROOT)) {
                case "localstack":
                    if (!dockerAvailable.getAsBoolean()) {
                        throw new IllegalStateException("Backend 'localstack' was requested (" + BACKEND_PROPERTY
                                + "/" + BACKEND_ENV + ") but no Docker engine is reachable. Start Docker, "
                                + "or choose another backend: " + HOW_TO_FIX);
                    }
                    return BackendKind.LOCALSTACK;
                case "moto":
                    if (!motoAvailable.getAsBoolean()) {
                        throw new IllegalStateException("Backend 'moto' was requested (" + BACKEND_PROPERTY + "/"
                                + BACKEND_ENV + ") but moto is not installed: neither moto_server is on the PATH "
                                + "nor can python3 import moto.server. Install it with: pip install 'moto[server]'");
                    }
                    return BackendKind.MOTO;
                default:
                    throw new IllegalStateException("Unknown backend '" + requested + "' in " + BACKEND_PROPERTY + "/"
                            + BACKEND_ENV + ": use 'localstack' or 'moto', or unset it to choose automatically "
                            + "(set AWS_ENDPOINT_URL to use a running endpoint).");
            }
        }
        if (dockerAvailable.getAsBoolean()) {
            return BackendKind.LOCALSTACK;
        }
        if (motoAvailable.getAsBoolean()) {
            return BackendKind.MOTO;
        }
        throw new IllegalStateException("No SNS/SQS backend for the tests: no AWS_ENDPOINT_URL, no Docker engine, "
                + "and no moto. " + HOW_TO_FIX);
    }

    /**
     * The endpoint override from {@code aws.endpointUrl} (system property, wins as in the SDK) or
     * {@code AWS_ENDPOINT_URL}.
     *
     * @throws IllegalStateException when the value is not an absolute URI
     */
    public static Optional<URI> endpoint(Map<String, String> env, Map<String, String> props) {
        String value = firstNonBlank(props.get(ENDPOINT_PROPERTY), env.get(ENDPOINT_ENV));
        if (value == null) {
            return Optional.empty();
        }
        URI uri;
        try {
            uri = URI.create(value.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException("AWS_ENDPOINT_URL is not a valid URI: '" + value + "'", e);
        }
        if (!uri.isAbsolute() || uri.getHost() == null) {
            throw new IllegalStateException("AWS_ENDPOINT_URL must be an absolute URI such as http://localhost:4566, "
                    + "got '" + value + "'");
        }
        return Optional.of(uri);
    }

    private static String firstNonBlank(String first, String second) {
        if (first != null && !first.isBlank()) {
            return first;
        }
        return second != null && !second.isBlank() ? second : null;
    }
}
