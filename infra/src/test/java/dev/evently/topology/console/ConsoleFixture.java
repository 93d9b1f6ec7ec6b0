package dev.evently.topology.console;

import dev.evently.event.EventAttributes;
import dev.evently.topology.Naming;
import dev.evently.topology.Topology;
import dev.evently.topology.TopologyApplier;
import dev.evently.topology.TopologyLoader;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.MessageAttributeValue;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/**
 * infra/topology.yaml applied under a unique name prefix, dead letters put into its DLQs, and a
 * console started on it; plus a raw HTTP client that can send any header (Host, Origin).
 */
final class ConsoleFixture implements AutoCloseable {
  final SqsClient sqs;
  final String prefix;
  final ConsoleServer console;

  ConsoleFixture(SqsClient sqs, SnsClient sns, String prefix) {
    this.sqs = sqs;
    this.prefix = prefix;
    Topology topology = TopologyLoader.load(Path.of("topology.yaml"));
    Naming naming = Naming.prefix(prefix);
    TopologyApplier.builder().topology(topology).sqs(sqs).sns(sns).naming(naming).build().apply();
    console = ConsoleServer.start(sqs, topology, naming, OldestMessageAges.NONE, InetAddress.getLoopbackAddress(), 0);
  }

  String url(String logicalQueue) {
    return sqs.getQueueUrl(r -> r.queueName(prefix + logicalQueue)).queueUrl();
  }

  /** A dead letter as a consumer writes it: a CloudEvent body and the dlq-* attributes. */
  void deadLetter(String logicalDlq, String type, String reason) {
    Map<String, MessageAttributeValue> a = new LinkedHashMap<>();
    a.put(EventAttributes.TYPE, string(type));
    a.put(EventAttributes.DLQ_REASON, string(reason));
    a.put(EventAttributes.DLQ_ERROR_CLASS, string("java.lang.IllegalStateException"));
    a.put(EventAttributes.DLQ_ERROR_MESSAGE, string("credit service unavailable"));
    a.put(EventAttributes.DLQ_ATTEMPTS, string("5"));
    sqs.sendMessage(r -> r.queueUrl(url(logicalDlq)).messageAttributes(a).messageBody(
        "{\"specversion\":\"1.0\",\"id\":\"secret-body-marker\",\"source\":\"/orders\",\"type\":\"" + type + "\",\"data\":{}}"));
  }

  int depth(String logicalQueue) {
    Map<QueueAttributeName, String> a = sqs.getQueueAttributes(r -> r.queueUrl(url(logicalQueue)).attributeNames(
        QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES, QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE))
        .attributes();
    return Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES))
        + Integer.parseInt(a.get(QueueAttributeName.APPROXIMATE_NUMBER_OF_MESSAGES_NOT_VISIBLE));
  }

  private static MessageAttributeValue string(String v) {
    return MessageAttributeValue.builder().dataType("String").stringValue(v).build();
  }

  @Override
  public void close() {
    console.close();
  }

  /** A response: status and body. */
  record Response(int status, String body) {}

  /**
   * One HTTP/1.1 request over a plain socket, so that tests can send the headers a browser or an
   * attacker would (HttpClient refuses to set Host). {@code headers} are "Name: value" lines.
   */
  Response http(String method, String path, String body, String... headers) throws IOException {
    try (Socket s = new Socket(InetAddress.getLoopbackAddress(), console.port())) {
      s.setSoTimeout(30_000);
      StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\n");
      boolean hasHost = false;
      for (String h : headers) {
        hasHost |= h.regionMatches(true, 0, "Host:", 0, 5);
        req.append(h).append("\r\n");
      }
      if (!hasHost) {
        req.append("Host: 127.0.0.1:").append(console.port()).append("\r\n");
      }
      byte[] bytes = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
      req.append("Content-Length: ").append(bytes.length).append("\r\nConnection: close\r\n\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.UTF_8));
      out.write(bytes);
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      in.transferTo(all);
      String text = all.toString(StandardCharsets.UTF_8);
      int status = Integer.parseInt(text.substring(9, 12));
      int split = text.indexOf("\r\n\r\n");
      String rest = text.substring(split + 4);
      if (text.substring(0, split).toLowerCase().contains("transfer-encoding: chunked")) {
        rest = unchunk(rest);
      }
      return new Response(status, rest);
    }
  }

  private static String unchunk(String chunked) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (true) {
      int eol = chunked.indexOf("\r\n", i);
      int size = Integer.parseInt(chunked.substring(i, eol).trim(), 16);
      if (size == 0) {
        return out.toString();
      }
      out.append(chunked, eol + 2, eol + 2 + size);
      i = eol + 2 + size + 2;
    }
  }
}
