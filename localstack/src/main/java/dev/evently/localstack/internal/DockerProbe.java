package dev.evently.localstack.internal;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether a Docker engine is reachable. A cheap look for the usual sockets and settings comes first, so machines
 * without Docker answer at once; only then Testcontainers is asked, on a daemon thread with a deadline.
 */
public final class DockerProbe {

    private static final Logger LOG = LoggerFactory.getLogger(DockerProbe.class);
    private static final long TIMEOUT_SECONDS = 20;

    private DockerProbe() {
    }

    public static boolean isDockerAvailable() {
        if (!mightHaveDocker()) {
            LOG.debug("no Docker socket, DOCKER_HOST or Testcontainers configuration found");
            return false;
        }
        CompletableFuture<Boolean> check = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                check.complete(org.testcontainers.DockerClientFactory.instance().isDockerAvailable());
            } catch (Throwable t) {
                check.completeExceptionally(t);
            }
        }, "evently-docker-probe");
        thread.setDaemon(true);
        thread.start();
        try {
            return check.get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            LOG.warn("Docker did not answer within {} s; treating it as unavailable", TIMEOUT_SECONDS);
            return false;
        } catch (ExecutionException e) {
            LOG.warn("Docker check failed: {}", e.getCause().toString());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static boolean mightHaveDocker() {
        if (System.getProperty("os.name", "").toLowerCase().contains("win")) {
            return true;
        }
        if (notBlank(System.getenv("DOCKER_HOST")) || notBlank(System.getenv("TESTCONTAINERS_HOST_OVERRIDE"))) {
            return true;
        }
        String home = System.getProperty("user.home", "");
        String runtime = System.getenv("XDG_RUNTIME_DIR");
        return Files.exists(Path.of("/var/run/docker.sock"))
                || Files.exists(Path.of(home, ".testcontainers.properties"))
                || Files.exists(Path.of(home, ".docker", "run", "docker.sock"))
                || Files.exists(Path.of(home, ".docker", "desktop", "docker.sock"))
                || Files.exists(Path.of(home, ".colima", "default", "docker.sock"))
                || Files.exists(Path.of(home, ".rd", "docker.sock"))
                || (notBlank(runtime) && Files.exists(Path.of(runtime, "docker.sock")));
    }

    private static boolean notBlank(String value) {
        return value != null && !value.isBlank();
    }
}
