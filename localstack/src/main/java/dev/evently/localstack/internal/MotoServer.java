package dev.evently.localstack.internal;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@code moto_server} child process on a free loopback port. When python3 is on the PATH, moto runs under a tiny
 * watchdog that stops it as soon as this JVM's end of its stdin pipe closes, so even a JVM killed with SIGKILL
 * leaves no moto behind. Output goes to a log file, never to a pipe that could fill up.
 */
public final class MotoServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(MotoServer.class);
    private static final int ATTEMPTS = 3;

    // Runs argv[1:] and stops it when stdin reaches EOF (our JVM is gone) or on SIGTERM.
    private static final String WATCHDOG = String.join("\n",
            "import signal, subprocess, sys, threading",
            "p = subprocess.Popen(sys.argv[1:], stdin=subprocess.DEVNULL)",
            "def stop(*_):",
            "    try:",
            "        p.terminate()",
            "        p.wait(5)",
            "    except Exception:",
            "        p.kill()",
            "    sys.exit(0)",
            "signal.signal(signal.SIGTERM, stop)",
            "def watch():",
            "    try:",
            "        sys.stdin.read()",
            "    finally:",
            "        stop()",
            "threading.Thread(target=watch, daemon=True).start()",
            "sys.exit(p.wait())");

    /** The line moto's log starts with when its SQS queues were made atomic (by {@link #ATOMIC_SQS_MOTO}). */
    static final String ATOMIC_SQS_MARKER = "evently: moto SQS queue operations made atomic";

    /**
     * {@code moto_server.py} next to this class: moto_server with receive, delete and visibility changes taking the
     * queue's lock. moto's own DeleteMessage swaps in a rebuilt message list without one, so a message sent while two
     * deletes run on the same queue can disappear.
     */
    private static final String ATOMIC_SQS_MOTO = resource("moto_server.py");

    private final Process process;
    private final int port;
    private final Path log;

    private MotoServer(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Whether moto can be started here: {@code moto_server} on the PATH, or python3 can import moto.server. */
    public static boolean isAvailable() {
        return Executables.onPath("moto_server").isPresent() || pythonWithMoto().isPresent();
    }

    /** python3 from the PATH if it can import moto.server (probed once). */
    static synchronized Optional<Path> pythonWithMoto() {
        if (pythonWithMoto == null) {
            pythonWithMoto = Executables.onPath("python3").filter(MotoServer::importsMoto);
        }
        return pythonWithMoto;
    }

    private static Optional<Path> pythonWithMoto;

    private static boolean importsMoto(Path python) {
        try {
            Process probe = new ProcessBuilder(python.toString(), "-c", "import moto.server")
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start();
            if (!probe.waitFor(30, TimeUnit.SECONDS)) {
                probe.destroyForcibly();
                return false;
            }
            return probe.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /**
     * Starts moto and waits until it answers HTTP.
     *
     * @param logDir where {@code moto-<port>.log} is written
     * @param timeout how long to wait for moto to answer
     * @throws IllegalStateException when moto cannot be started or does not answer in time (message includes the
     *     end of its log)
     */
    public static MotoServer start(Path logDir, Duration timeout) {
        try {
            Files.createDirectories(logDir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + logDir, e);
        }
        IllegalStateException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            int port = freePort();
            Path log = logDir.resolve("moto-" + port + ".log").toAbsolutePath();
            Process process;
            try {
                process = new ProcessBuilder(command(port))
                        .redirectErrorStream(true)
                        .redirectOutput(ProcessBuilder.Redirect.to(log.toFile()))
                        .start();
            } catch (IOException e) {
                throw new IllegalStateException("Cannot start moto_server (" + command(port).get(0)
                        + "): " + e.getMessage() + ". Install it with: pip install 'moto[server]'", e);
            }
            MotoServer server = new MotoServer(process, port, log);
            try {
                server.awaitReady(timeout);
                return server;
            } catch (IllegalStateException e) {
                server.close();
                last = e;
                if (process.isAlive() || !tail(log).contains("in use")) {
                    break; // not a port race: retrying will not help
                }
            }
        }
        throw last;
    }

    /**
     * moto with atomic SQS queues ({@link #ATOMIC_SQS_MOTO}) when python3 imports moto, else plain {@code moto_server}
     * (with a warning: under concurrent sends and deletes it can lose messages); under the watchdog when python3 is
     * there.
     */
    private static List<String> command(int port) {
        List<String> moto = new ArrayList<>();
        Optional<Path> python = Executables.onPath("python3");
        Optional<Path> pythonWithMoto = pythonWithMoto();
        if (pythonWithMoto.isPresent()) {
            moto.addAll(List.of(pythonWithMoto.get().toString(), "-c", ATOMIC_SQS_MOTO));
        } else {
            LOG.warn("python3 cannot import moto: running moto_server as it is, whose SQS can lose a message sent"
                    + " while two deletes run on the same queue");
            moto.add(Executables.onPath("moto_server").map(Path::toString).orElse("moto_server"));
        }
        moto.addAll(List.of("-H", "127.0.0.1", "-p", Integer.toString(port)));
        if (python.isEmpty()) {
            return moto;
        }
        List<String> watched = new ArrayList<>(List.of(python.get().toString(), "-c", WATCHDOG));
        watched.addAll(moto);
        return watched;
    }

    private void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        URI probe = URI.create("http://127.0.0.1:" + port + "/moto-api/");
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("moto_server exited with code " + process.exitValue()
                        + " before answering on port " + port + ". Log " + log + ":\n" + tail(log));
            }
            if (answers(probe)) {
                return;
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("moto_server did not answer on " + probe + " within " + timeout
                        + ". Log " + log + ":\n" + tail(log));
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
        }
    }

    private static boolean answers(URI uri) {
        try {
            HttpURLConnection connection = (HttpURLConnection) uri.toURL().openConnection();
            connection.setConnectTimeout(500);
            connection.setReadTimeout(2_000);
            try {
                return connection.getResponseCode() > 0;
            } finally {
                connection.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("no free loopback port", e);
        }
    }

    private static String resource(String name) {
        try (var in = MotoServer.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is missing next to " + MotoServer.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + name, e);
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException | UncheckedIOException e) {
            return "(log unreadable: " + e.getMessage() + ")";
        }
    }

    /** The HTTP endpoint, {@code http://127.0.0.1:<port>}. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port);
    }

    public int port() {
        return port;
    }

    public Path log() {
        return log;
    }

    /** Stops moto and every process it started; waits up to a few seconds. Idempotent. */
    @Override
    public void close() {
        try {
            process.getOutputStream().close(); // EOF on the watchdog's stdin
        } catch (IOException ignored) {
            // already closed
        }
        List<ProcessHandle> descendants = process.descendants().toList();
        descendants.forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
        for (ProcessHandle child : descendants) {
            if (child.isAlive()) {
                child.destroyForcibly();
            }
        }
        LOG.debug("moto_server on port {} stopped", port);
    }
}
