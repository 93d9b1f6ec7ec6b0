package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LifecycleTest {

  @Test
  void closesInReverseOrderOnceEvenWhenOneCloseFails() {
    List<String> closed = new ArrayList<>();
    Lifecycle lifecycle = new Lifecycle();
    lifecycle.register("database", () -> closed.add("database"));
    lifecycle.register("relay", () -> {
      closed.add("relay");
      throw new IllegalStateException("flush failed");
    });
    lifecycle.register("consumer", () -> closed.add("consumer"));

    lifecycle.close();
    lifecycle.close();

    assertThat(closed).containsExactly("consumer", "relay", "database");
  }
}
