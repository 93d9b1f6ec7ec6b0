package dev.evently.localstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small TCP proxy on a free loopback port for outage tests: point a client at {@link #endpoint()}, then
 * {@link #cut()} to simulate the network (or SNS/SQS) going away and {@link #restore()} to bring it back.
 *
 * <pre>{@code
 * try (TcpProxy proxy = TcpProxy.start(backend.endpoint())) {
 *     SqsClient sqs = backend.configure(SqsClient.builder()).endpointOverride(proxy.endpoint()).build();
 *     proxy.cut();      // calls now fail with connection resets
 *     proxy.restore();  // and succeed again
 * }
 * }</pre>
 *
 * <p>While cut, every open connection is reset and every new one is accepted and reset at once, so clients fail
 * fast instead of hanging. Thread-safe; uses two daemon threads per connection.
 */
public final class TcpProxy implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(TcpProxy.class);
    private static final int CONNECT_TIMEOUT_MILLIS = 5_000;
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    private final InetSocketAddress target;
    private final ServerSocket server;
    private final ExecutorService threads;
    private final Thread acceptor;
    private final Object lock = new Object();
    private final Set<Connection> connections = new HashSet<>();
    private final AtomicLong accepted = new AtomicLong();
    private boolean cut;
    private volatile boolean closed;

    private TcpProxy(InetSocketAddress target, ServerSocket server) {
        this.target = target;
        this.server = server;
        int instance = INSTANCES.incrementAndGet();
        AtomicInteger threadCount = new AtomicInteger();
        this.threads = Executors.newCachedThreadPool(r -> {
            Thread thread = new Thread(r, "tcp-proxy-" + instance + "-" + threadCount.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        });
        this.acceptor = new Thread(this::acceptLoop, "tcp-proxy-" + instance + "-accept");
        this.acceptor.setDaemon(true);
    }

    /**
     * Starts a proxy to {@code targetHost:targetPort}, listening on a free loopback port.
     *
     * @throws UncheckedIOException when no port can be opened
     */
    public static TcpProxy start(String targetHost, int targetPort) {
        Objects.requireNonNull(targetHost, "targetHost");
        if (targetPort < 1 || targetPort > 65_535) {
            throw new IllegalArgumentException("targetPort must be in 1..65535, was " + targetPort);
        }
        ServerSocket server;
        try {
            server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open a loopback port for the proxy", e);
        }
        TcpProxy proxy = new TcpProxy(InetSocketAddress.createUnresolved(targetHost, targetPort), server);
        proxy.acceptor.start();
        LOG.debug("TCP proxy 127.0.0.1:{} -> {}:{}", proxy.port(), targetHost, targetPort);
        return proxy;
    }

    /** Starts a proxy to the host and port of an endpoint such as {@link AwsBackend#endpoint()}. */
    public static TcpProxy start(URI endpoint) {
        Objects.requireNonNull(endpoint, "endpoint");
        if (endpoint.getHost() == null) {
            throw new IllegalArgumentException("endpoint must have a host: " + endpoint);
        }
        int port = endpoint.getPort() != -1 ? endpoint.getPort() : "https".equals(endpoint.getScheme()) ? 443 : 80;
        return start(endpoint.getHost(), port);
    }

    /** The loopback port the proxy listens on. */
    public int port() {
        return server.getLocalPort();
    }

    /** {@code http://127.0.0.1:<port>}, for an SDK client's endpoint override. */
    public URI endpoint() {
        return URI.create("http://127.0.0.1:" + port());
    }

    /** How many client connections the proxy has accepted so far (including those reset while cut). */
    public long acceptedConnections() {
        return accepted.get();
    }

    /** Whether the proxy is cut. */
    public boolean isCut() {
        synchronized (lock) {
            return cut;
        }
    }

    /** Resets all open connections and resets every new one until {@link #restore()}. Idempotent. */
    public void cut() {
        Set<Connection> open;
        synchronized (lock) {
            cut = true;
            open = new HashSet<>(connections);
            connections.clear();
        }
        open.forEach(Connection::reset);
        LOG.debug("TCP proxy {} cut ({} connections reset)", port(), open.size());
    }

    /** Lets new connections through again. Idempotent. */
    public void restore() {
        synchronized (lock) {
            cut = false;
        }
        LOG.debug("TCP proxy {} restored", port());
    }

    /** Stops listening and resets all connections; on return the port refuses connections. Idempotent. */
    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            acceptor.join(5_000); // the port is only really closed once accept() has returned
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        Set<Connection> open;
        synchronized (lock) {
            open = new HashSet<>(connections);
            connections.clear();
        }
        open.forEach(Connection::reset);
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                if (!closed) {
                    LOG.warn("TCP proxy {} stopped accepting: {}", port(), e.toString());
                }
                return;
            }
            accepted.incrementAndGet();
            if (closed || isCut()) {
                reset(client);
                continue;
            }
            try {
                threads.execute(() -> connect(client));
            } catch (RejectedExecutionException e) {
                reset(client); // closed meanwhile
            }
        }
    }

    private void connect(Socket client) {
        Socket upstream = new Socket();
        try {
            upstream.connect(new InetSocketAddress(target.getHostString(), target.getPort()), CONNECT_TIMEOUT_MILLIS);
            client.setTcpNoDelay(true);
            upstream.setTcpNoDelay(true);
        } catch (IOException e) {
            LOG.debug("TCP proxy {} cannot reach {}: {}", port(), target, e.toString());
            reset(client);
            reset(upstream);
            return;
        }
        Connection connection = new Connection(client, upstream);
        synchronized (lock) {
            if (!cut && !closed) {
                connections.add(connection);
                connection.pumps = 2;
            }
        }
        if (connection.pumps == 0) {
            connection.reset();
            return;
        }
        threads.execute(() -> pump(connection, client, upstream));
        threads.execute(() -> pump(connection, upstream, client));
    }

    private void pump(Connection connection, Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) != -1) {
                out.write(buffer, 0, read);
                out.flush();
            }
            to.shutdownOutput(); // pass the half-close on
        } catch (IOException e) {
            connection.reset();
        } finally {
            boolean last;
            synchronized (lock) {
                last = --connection.pumps == 0;
                if (last) {
                    connections.remove(connection);
                }
            }
            if (last) {
                connection.close();
            }
        }
    }

    private static void reset(Socket socket) {
        try {
            if (!socket.isClosed()) {
                socket.setSoLinger(true, 0); // RST instead of FIN
            }
        } catch (SocketException ignored) {
            // closing anyway
        }
        try {
            socket.close();
        } catch (IOException ignored) {
            // nothing left to do
        }
    }

    private static final class Connection {
        private final Socket client;
        private final Socket upstream;
        private int pumps; // guarded by the proxy's lock

        Connection(Socket client, Socket upstream) {
            this.client = client;
            this.upstream = upstream;
        }

        void reset() {
            TcpProxy.reset(client);
            TcpProxy.reset(upstream);
        }

        void close() {
            try {
                client.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
            try {
                upstream.close();
            } catch (IOException ignored) {
                // nothing left to do
            }
        }
    }

    @Override
    public String toString() {
        return "TcpProxy[127.0.0.1:" + port() + " -> " + target.getHostString() + ":" + target.getPort()
                + (isCut() ? ", cut" : "") + "]";
    }
}
