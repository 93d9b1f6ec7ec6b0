package dev.evently.consume;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import java.io.IOException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class CircuitBreakerPolicyTest {
  private final CircuitBreakerPolicy policy = CircuitBreakerPolicy.of(CircuitBreaker.ofDefaults("db"));

  @Test
  void outagesOfADependencyAreSystemicByDefaultAnywhereInTheCauseChain() {
    assertThat(policy.isSystemic(new SQLTransientConnectionException("pool timeout"))).isTrue();
    assertThat(policy.isSystemic(new SQLException("connection refused", "08001"))).isTrue();
    assertThat(policy.isSystemic(new ConnectException("refused"))).isTrue();
    assertThat(policy.isSystemic(new SocketTimeoutException("read timed out"))).isTrue();
    assertThat(policy.isSystemic(new TimeoutException())).isTrue();
    assertThat(policy.isSystemic(new IllegalStateException("wrapped", new ConnectException("refused")))).isTrue();
  }

  @Test
  void errorsOfOneMessageAreNot() {
    assertThat(policy.isSystemic(new IllegalStateException("bug"))).isFalse();
    assertThat(policy.isSystemic(new SQLException("duplicate key", "23505"))).isFalse();
    assertThat(policy.isSystemic(new IOException("file not found"))).isFalse();
    assertThat(policy.isSystemic(new NonRetryableException("rule"))).isFalse();
  }

  @Test
  void theUserListsMoreSystemicFailures() {
    class PaymentGatewayDown extends RuntimeException {}
    CircuitBreakerPolicy more = policy.systemic(PaymentGatewayDown.class).systemicWhen(t -> "503".equals(t.getMessage()));
    assertThat(more.isSystemic(new RuntimeException(new PaymentGatewayDown()))).isTrue();
    assertThat(more.isSystemic(new RuntimeException("503"))).isTrue();
    assertThat(more.isSystemic(new ConnectException())).isTrue(); // the defaults stay
    assertThat(policy.isSystemic(new PaymentGatewayDown())).isFalse(); // immutable
  }

  @Test
  void settingsAreValidatedNamingTheField() {
    assertThatThrownBy(() -> CircuitBreakerPolicy.of(null)).hasMessageStartingWith("breaker");
    assertThatThrownBy(() -> policy.probe(null)).hasMessageStartingWith("probe");
    assertThatThrownBy(() -> policy.probeInterval(Duration.ofMillis(10))).hasMessageStartingWith("probeInterval");
    assertThatThrownBy(() -> policy.systemicWhen(null)).hasMessageStartingWith("predicate");
    assertThat(policy.probeInterval()).isEqualTo(Duration.ofSeconds(1));
  }
}
