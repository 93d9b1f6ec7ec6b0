package dev.evently.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class BackendSelectorTest {

    private static final BooleanSupplier YES = () -> true;
    private static final BooleanSupplier NO = () -> false;
    private static final BooleanSupplier MUST_NOT_ASK = () -> {
        throw new AssertionError("availability must not be checked");
    };

    @Test
    void endpointFromEnvironmentWinsWithoutCheckingAnything() {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://localhost:4566", "EVENTLY_BACKEND", "moto");

        assertThat(BackendSelector.choose(env, Map.of(), MUST_NOT_ASK, MUST_NOT_ASK)).isEqualTo(BackendKind.ENDPOINT);
        assertThat(BackendSelector.endpoint(env, Map.of())).contains(URI.create("http://localhost:4566"));
    }

    @Test
    void endpointSystemPropertyWinsOverEnvironment() {
        Map<String, String> env = Map.of("AWS_ENDPOINT_URL", "http://env:1");
        Map<String, String> props = Map.of("aws.endpointUrl", "http://prop:2");

        assertThat(BackendSelector.choose(env, props, MUST_NOT_ASK, MUST_NOT_ASK)).isEqualTo(BackendKind.ENDPOINT);
        assertThat(BackendSelector.endpoint(env, props)).contains(URI.create("http://prop:2"));
    }

    @Test
    void blankEndpointIsIgnored() {
        assertThat(BackendSelector.choose(Map.of("AWS_ENDPOINT_URL", " "), Map.of(), NO, YES))
                .isEqualTo(BackendKind.MOTO);
    }

    @Test
    void relativeEndpointIsRejectedWithTheVariableName() {
        assertThatThrownBy(() -> BackendSelector.choose(Map.of("AWS_ENDPOINT_URL", "localhost:4566"), Map.of(), NO, YES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("AWS_ENDPOINT_URL");
    }

    @Test
    void requestedLocalStackIsUsedWhenDockerIsAvailable() {
        assertThat(BackendSelector.choose(Map.of("EVENTLY_BACKEND", "localstack"), Map.of(), YES, MUST_NOT_ASK))
                .isEqualTo(BackendKind.LOCALSTACK);
    }

    @Test
    void requestedLocalStackWithoutDockerFails() {
        assertThatThrownBy(() -> BackendSelector.choose(Map.of(), Map.of("evently.backend", "localstack"), NO, YES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'localstack' was requested")
                .hasMessageContaining("Docker");
    }

    @Test
    void requestedMotoIsUsedEvenWhenDockerIsAvailable() {
        assertThat(BackendSelector.choose(Map.of(), Map.of("evently.backend", "MOTO"), MUST_NOT_ASK, YES))
                .isEqualTo(BackendKind.MOTO);
    }

    @Test
    void requestedMotoThatIsNotInstalledSaysHowToInstallIt() {
        assertThatThrownBy(() -> BackendSelector.choose(Map.of("EVENTLY_BACKEND", "moto"), Map.of(), YES, NO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pip install 'moto[server]'");
    }

    @Test
    void systemPropertyWinsOverEnvironmentForTheBackendChoice() {
        assertThat(BackendSelector.choose(Map.of("EVENTLY_BACKEND", "localstack"), Map.of("evently.backend", "moto"),
                YES, YES)).isEqualTo(BackendKind.MOTO);
    }

    @Test
    void unknownBackendNameIsRejected() {
        assertThatThrownBy(() -> BackendSelector.choose(Map.of("EVENTLY_BACKEND", "elasticmq"), Map.of(), YES, YES))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("elasticmq")
                .hasMessageContaining("'localstack' or 'moto'");
    }

    @Test
    void automaticChoicePrefersLocalStackWhenDockerIsAvailable() {
        assertThat(BackendSelector.choose(Map.of(), Map.of(), YES, MUST_NOT_ASK)).isEqualTo(BackendKind.LOCALSTACK);
    }

    @Test
    void automaticChoiceFallsBackToMoto() {
        assertThat(BackendSelector.choose(Map.of(), Map.of(), NO, YES)).isEqualTo(BackendKind.MOTO);
    }

    @Test
    void nothingAvailableFailsSayingWhatToInstall() {
        assertThatThrownBy(() -> BackendSelector.choose(Map.of(), Map.of(), NO, NO))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("pip install 'moto[server]'")
                .hasMessageContaining("Docker")
                .hasMessageContaining("AWS_ENDPOINT_URL");
    }
}
