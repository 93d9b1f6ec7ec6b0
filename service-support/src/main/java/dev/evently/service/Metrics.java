package dev.evently.service;

import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;

/** A Prometheus registry with JVM metrics, tagged with the service name, and its endpoint. */
public final class Metrics {
  private Metrics() {}

  public static PrometheusMeterRegistry registry(String service) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    registry.config().commonTags("service", service);
    new JvmMemoryMetrics().bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new JvmGcMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    return registry;
  }

  /** {@code GET /metrics}: the Prometheus text exposition of {@code registry}. */
  public static HttpApi.Handler endpoint(PrometheusMeterRegistry registry) {
    return request ->
        HttpApi.Response.text(200, "text/plain; version=0.0.4; charset=utf-8", registry.scrape());
  }
}
