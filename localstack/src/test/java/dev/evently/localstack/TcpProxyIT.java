package dev.evently.localstack;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;

@LocalAws
class TcpProxyIT {

    private TcpProxy proxy;
    private SqsClient viaProxy;

    @BeforeEach
    void startProxy(AwsBackend backend) {
        proxy = TcpProxy.start(backend.endpoint());
        viaProxy = backend.configure(SqsClient.builder())
                .endpointOverride(proxy.endpoint())
                .overrideConfiguration(c -> c.retryStrategy(AwsRetryStrategy.doNotRetry())
                        .apiCallTimeout(Duration.ofSeconds(5)))
                .build();
    }

    @AfterEach
    void stopProxy() {
        viaProxy.close();
        proxy.close();
    }

    @Test
    void trafficFlowsThroughTheProxyToTheBackend(TestNames names, AwsFixtures aws) {
        String queue = viaProxy.createQueue(b -> b.queueName(names.queue("proxied"))).queueUrl();
        viaProxy.sendMessage(b -> b.queueUrl(queue).messageBody("through the proxy"));

        assertThat(proxy.acceptedConnections()).isPositive();
        assertThat(aws.receiveAll(queue, Duration.ofSeconds(5), 1)).extracting(Message::body)
                .containsExactly("through the proxy");
    }

    @Test
    void cutMakesCallsFailAndRestoreMakesThemWorkAgain(TestNames names, SqsClient direct) {
        String queue = direct.createQueue(b -> b.queueName(names.queue("outage"))).queueUrl();
        viaProxy.sendMessage(b -> b.queueUrl(queue).messageBody("before"));

        proxy.cut();

        assertThat(proxy.isCut()).isTrue();
        assertThatThrownBy(() -> viaProxy.sendMessage(b -> b.queueUrl(queue).messageBody("during")))
                .isInstanceOf(SdkClientException.class);

        proxy.restore();

        viaProxy.sendMessage(b -> b.queueUrl(queue).messageBody("after"));
        assertThat(direct.getQueueAttributes(b -> b.queueUrl(queue).attributeNamesWithStrings("ApproximateNumberOfMessages"))
                .attributesAsStrings()).containsEntry("ApproximateNumberOfMessages", "2");
    }

    @Test
    void cutEndsOpenConnectionsAndRefusesNewOnesUntilRestored() throws Exception {
        try (EchoServer echo = new EchoServer(); TcpProxy echoProxy = TcpProxy.start("127.0.0.1", echo.port());
             Socket socket = new Socket("127.0.0.1", echoProxy.port())) {
            socket.setSoTimeout(5_000);
            assertThat(roundTrip(socket, "ping")).isEqualTo("ping");

            echoProxy.cut();

            assertThatThrownBy(() -> {
                socket.getOutputStream().write("lost".getBytes(StandardCharsets.US_ASCII));
                if (socket.getInputStream().read() == -1) {
                    throw new EOFException("connection ended");
                }
            }).isInstanceOf(IOException.class).isNotInstanceOf(SocketTimeoutException.class);
            try (Socket during = new Socket("127.0.0.1", echoProxy.port())) {
                during.setSoTimeout(5_000);
                assertThatThrownBy(() -> roundTrip(during, "ping")).isInstanceOf(IOException.class)
                        .isNotInstanceOf(SocketTimeoutException.class);
            }

            echoProxy.restore();

            try (Socket after = new Socket("127.0.0.1", echoProxy.port())) {
                after.setSoTimeout(5_000);
                assertThat(roundTrip(after, "pong")).isEqualTo("pong");
            }
        }
    }

    @Test
    void closedProxyRefusesConnections() {
        int port = proxy.port();
        proxy.close();

        assertThatThrownBy(() -> new Socket("127.0.0.1", port).close()).isInstanceOf(ConnectException.class);
    }

    private static String roundTrip(Socket socket, String text) throws IOException {
        byte[] bytes = text.getBytes(StandardCharsets.US_ASCII);
        socket.getOutputStream().write(bytes);
        socket.getOutputStream().flush();
        byte[] answer = socket.getInputStream().readNBytes(bytes.length);
        if (answer.length < bytes.length) {
            throw new EOFException("connection ended after " + answer.length + " bytes");
        }
        return new String(answer, StandardCharsets.US_ASCII);
    }

    /** A TCP echo server on a free loopback port, one thread per connection. */
    private static final class EchoServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());

        EchoServer() throws IOException {
            Thread acceptor = new Thread(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket socket = server.accept();
                        Thread echo = new Thread(() -> {
                            try (socket) {
                                socket.getInputStream().transferTo(socket.getOutputStream());
                            } catch (IOException ignored) {
                                // client went away
                            }
                        });
                        echo.setDaemon(true);
                        echo.start();
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }
}
