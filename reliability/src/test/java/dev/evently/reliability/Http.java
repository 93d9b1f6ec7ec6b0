package dev.evently.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** A JSON HTTP client for the services; transport failures are a {@link Reply} with status -1 (-2: could not connect). */
final class Http {
  static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient CLIENT =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).version(HttpClient.Version.HTTP_1_1).build();

  /** A response, or (status -1) the transport error in {@code body}. */
  record Reply(int status, String body) {
    boolean transportFailed() {
      return status < 0;
    }

    /** The connection could not be made: the request never reached the service. */
    boolean notConnected() {
      return status == -2;
    }

    JsonNode json() {
      try {
        return JSON.readTree(body);
      } catch (IOException e) {
        throw new AssertionError("not JSON (status " + status + "): " + body, e);
      }
    }
  }

  private Http() {}

  static Reply get(URI uri, Duration timeout) {
    return send(HttpRequest.newBuilder(uri).timeout(timeout).GET().build());
  }

  static Reply post(URI uri, String body, Duration timeout) {
    return send(HttpRequest.newBuilder(uri).timeout(timeout)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build());
  }

  static Reply send(HttpRequest request) {
    try {
      HttpResponse<String> r = CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
      return new Reply(r.statusCode(), r.body());
    } catch (java.net.ConnectException e) {
      return new Reply(-2, e.toString());
    } catch (IOException e) {
      return new Reply(-1, e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
