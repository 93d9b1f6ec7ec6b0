package dev.evently.service;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.sdk.OpenTelemetrySdk;
import java.util.Map;
import org.junit.jupiter.api.Test;

class TelemetryTest {
  @Test
  void tracesAreOffUnlessAnExporterIsNamed() {
    try (Telemetry off = Telemetry.open("order-service", Map.<String, String>of()::get)) {
      assertThat(off.openTelemetry()).isNull();
    }
    try (Telemetry none = Telemetry.open("order-service", Map.of("OTEL_TRACES_EXPORTER", "none")::get)) {
      assertThat(none.openTelemetry()).isNull();
    }
  }

  @Test
  void anOtlpExporterGivesAnSdkNamedAfterTheService() {
    try (Telemetry on = Telemetry.open("order-service", Map.of("OTEL_TRACES_EXPORTER", "otlp")::get)) {
      assertThat(on.openTelemetry()).isInstanceOf(OpenTelemetrySdk.class);
      String resource = ((OpenTelemetrySdk) on.openTelemetry()).getSdkTracerProvider().toString();
      assertThat(resource).contains("service.name=\"order-service\"");
    }
  }
}
