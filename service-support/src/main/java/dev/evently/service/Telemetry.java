package dev.evently.service;

import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's OpenTelemetry SDK, configured by the standard {@code OTEL_*} environment
 * variables (the autoconfigure module; OTLP over the JDK's HTTP client). Traces are off unless
 * {@code OTEL_TRACES_EXPORTER} (or {@code otel.traces.exporter}) names an exporter, e.g. {@code
 * otlp}; {@code OTEL_SERVICE_NAME} defaults to the service's name and {@code
 * OTEL_EXPORTER_OTLP_PROTOCOL} to {@code http/protobuf} (the JDK sender has no gRPC); metrics and logs stay with
 * Micrometer and SLF4J (their OTel exporters are off unless set).
 */
public final class Telemetry implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Telemetry.class);

  private final OpenTelemetrySdk sdk;

  private Telemetry(OpenTelemetrySdk sdk) {
    this.sdk = sdk;
  }

  /** Whether the process's {@code OTEL_TRACES_EXPORTER} (or {@code otel.traces.exporter}) names an exporter. */
  public static final class Enabled implements Condition {
    @Override
    public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
      return exporter(System::getenv) != null;
    }
  }

  /** Whether {@code env} (or the {@code otel.traces.exporter} system property) names a traces exporter. */
  public static boolean enabled(Function<String, String> env) {
    return exporter(env) != null;
  }

  private static String exporter(Function<String, String> env) {
    String exporter = firstNonBlank(System.getProperty("otel.traces.exporter"), env.apply("OTEL_TRACES_EXPORTER"));
    return exporter == null || exporter.equals("none") ? null : exporter;
  }

  /** Telemetry for {@code service}, reading {@code env} (the process environment in production). */
  public static Telemetry open(String service, Function<String, String> env) {
    String exporter = exporter(env);
    if (exporter == null) {
      return new Telemetry(null);
    }
    OpenTelemetrySdk sdk =
        AutoConfiguredOpenTelemetrySdk.builder()
            .addPropertiesSupplier(
                () ->
                    Map.of(
                        "otel.service.name", service,
                        "otel.exporter.otlp.protocol", "http/protobuf",
                        "otel.metrics.exporter", "none",
                        "otel.logs.exporter", "none"))
            .build()
            .getOpenTelemetrySdk();
    log.info("{} exports traces ({})", service, exporter);
    return new Telemetry(sdk);
  }

  /** The SDK, or null when tracing is off (then nothing is traced at all). */
  public OpenTelemetry openTelemetry() {
    return sdk;
  }

  /** Flushes and stops the exporter. */
  @Override
  public void close() {
    if (sdk != null) {
      sdk.close();
    }
  }

  private static String firstNonBlank(String a, String b) {
    if (a != null && !a.isBlank()) {
      return a.trim();
    }
    return b == null || b.isBlank() ? null : b.trim();
  }
}
