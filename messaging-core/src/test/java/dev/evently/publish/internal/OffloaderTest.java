package dev.evently.publish.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.evently.payload.PayloadLocation;
import dev.evently.payload.PayloadStore;
import dev.evently.payload.internal.Pointers;
import dev.evently.publish.EncodedMessage;
import dev.evently.publish.PublishException;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;

/** The publisher's offload decision and the pointer it sends, with an in-memory store. */
class OffloaderTest {
  /** A store in a map; {@code failing} makes every put fail. */
  static final class MemoryStore implements PayloadStore {
    final Map<String, byte[]> objects = new ConcurrentHashMap<>();
    volatile boolean failing;

    @Override
    public Set<String> buckets() {
      return Set.of("mem");
    }

    @Override
    public CompletableFuture<PayloadLocation> put(String sha256Hex, byte[] payload) {
      if (failing) {
        return CompletableFuture.failedFuture(new IllegalStateException("store down"));
      }
      objects.put(sha256Hex, payload);
      return CompletableFuture.completedFuture(new PayloadLocation("mem", sha256Hex));
    }

    @Override
    public CompletableFuture<byte[]> get(PayloadLocation location, int maxBytes) {
      return CompletableFuture.completedFuture(objects.get(location.key()));
    }
  }

  private static EncodedMessage message(int dataChars) {
    String body = "{\"specversion\":\"1.0\",\"id\":\"e-1\",\"source\":\"s\",\"type\":\"t\",\"data\":{\"text\":\""
        + "a".repeat(dataChars) + "\"}}";
    return new EncodedMessage("e-1", "t", body, Map.of("event-type", "t", "traceparent", "00-x-y-01"), null, null);
  }

  @Test
  void onlyMessagesOverTheThresholdWithAttributesIncludedAreLarge() {
    Offloader offloader = new Offloader(new MemoryStore(), 10_000);
    int exactly = 10_000 - (int) Offloader.size(message(0)); // data chars that make the message 10,000 bytes

    assertThat(Offloader.size(message(exactly))).isEqualTo(10_000);
    assertThat(offloader.isLarge(message(100))).isFalse();
    assertThat(offloader.isLarge(message(exactly))).isFalse();
    assertThat(offloader.isLarge(message(exactly + 1))).isTrue();
  }

  @Test
  void theStoredBodyIsTheMessageAndThePointerKeepsItsAttributes() throws Exception {
    MemoryStore store = new MemoryStore();
    EncodedMessage large = message(20_000);

    EncodedMessage pointer = new Offloader(store, 10_000).pointer(large).get();

    String sha = Pointers.sha256Hex(Pointers.utf8(large.body()));
    assertThat(store.objects.get(sha)).isEqualTo(Pointers.utf8(large.body()));
    assertThat(pointer.attributes()).isEqualTo(large.attributes());
    assertThat(pointer.eventId()).isEqualTo("e-1");
    assertThat(pointer.body()).contains("\"dataref\":\"s3://mem/" + sha + "\"").doesNotContain("aaaa");
  }

  @Test
  void aFailedUploadFailsTheEventRetryablyAndPublishesNothing() {
    MemoryStore store = new MemoryStore();
    store.failing = true;

    assertThatThrownBy(() -> new Offloader(store, 10_000).pointer(message(20_000)).get())
        .isInstanceOf(ExecutionException.class)
        .cause().isInstanceOfSatisfying(PublishException.class, e -> {
          assertThat(e.retryable()).isTrue();
          assertThat(e.getMessage()).contains("storing its payload failed").doesNotContain("aaaa");
        });
  }
}
