package dev.evently.spring;

import dev.evently.event.EventCodec;
import dev.evently.event.EventTypes;
import dev.evently.payload.PayloadStore;
import dev.evently.publish.SnsPublisher;
import dev.evently.spring.internal.AwsClients;
import dev.evently.spring.internal.EventTypeScanner;
import dev.evently.spring.internal.HandlerMethods;
import dev.evently.spring.internal.PublisherBeans;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.AutoConfigurationPackages;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.services.sns.SnsAsyncClient;
import software.amazon.awssdk.services.sqs.SqsAsyncClient;

/**
 * Auto-configures evently: the SNS and SQS clients, the {@link EventCodec} of the application's
 * {@link EventType} records, one {@link SnsPublisher} per {@code evently.publishers.<name>}, and one
 * consumer per queue named by an {@link EventlyHandler} method ({@link EventlyConsumers}). Every
 * bean backs off when the application declares its own of the same type. With a {@link PayloadStore}
 * bean (the application's, or {@link EventlyPayloadsAutoConfiguration}'s S3 store), every publisher
 * offloads large events to it and every consumer resolves their pointers.
 */
@AutoConfiguration
@EnableConfigurationProperties(EventlyProperties.class)
@Import(PublisherBeans.class)
public class EventlyAutoConfiguration {

  /** The clients are lazy: an application that only publishes never builds an SQS client. */
  @Bean
  @Lazy
  @ConditionalOnMissingBean
  SnsAsyncClient eventlySnsAsyncClient(EventlyProperties properties) {
    return AwsClients.configure(SnsAsyncClient.builder(), properties.aws()).build();
  }

  @Bean
  @Lazy
  @ConditionalOnMissingBean
  SqsAsyncClient eventlySqsAsyncClient(EventlyProperties properties) {
    return AwsClients.configure(SqsAsyncClient.builder(), properties.aws()).build();
  }

  /** From the application's {@link EventTypes} bean if it has one, else the {@link EventType} scan. */
  @Bean
  @ConditionalOnMissingBean
  EventCodec eventlyEventCodec(ObjectProvider<EventTypes> types, EventlyProperties properties, BeanFactory beanFactory) {
    EventTypes own = types.getIfAvailable();
    if (own != null) {
      return EventCodec.of(own);
    }
    List<String> packages = properties.eventPackages();
    if (packages.isEmpty() && AutoConfigurationPackages.has(beanFactory)) {
      packages = AutoConfigurationPackages.get(beanFactory);
    }
    return EventCodec.of(EventTypeScanner.scan(packages, EventlyAutoConfiguration.class.getClassLoader()));
  }

  /**
   * Builds every publisher (a topic given by name is resolved to its ARN here: a missing topic
   * fails the start naming it and its property); closed after the consumers and the relay stop.
   */
  @Bean(destroyMethod = "close")
  EventPublishers eventlyPublishers(EventlyProperties properties, ObjectProvider<SnsAsyncClient> client,
      EventCodec codec, ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<PayloadStore> payloadStore) {
    Map<String, SnsPublisher> built = new LinkedHashMap<>();
    try {
      properties.publishers().forEach((name, options) -> {
        SnsPublisher.Builder builder = SnsPublisher.builder()
            .client(client.getObject()).topic(options.topic()).codec(codec);
        if (options.linger() != null) builder.linger(options.linger());
        if (options.maxBufferedEvents() != null) builder.maxBufferedEvents(options.maxBufferedEvents());
        if (options.closeTimeout() != null) builder.closeTimeout(options.closeTimeout());
        meterRegistry.ifAvailable(builder::meterRegistry);
        openTelemetry.ifAvailable(builder::openTelemetry);
        payloadStore.ifAvailable(builder::payloadStore);
        try {
          built.put(name, builder.build());
        } catch (RuntimeException e) {
          throw new IllegalStateException("evently.publishers." + name + ": " + e.getMessage(), e);
        }
      });
    } catch (RuntimeException e) {
      built.values().forEach(SnsPublisher::close);
      throw e;
    }
    return new EventPublishers(built);
  }

  @Bean
  static HandlerMethods eventlyHandlerMethods() {
    return new HandlerMethods();
  }

  @Bean(destroyMethod = "close")
  EventlyConsumers eventlyConsumers(ObjectProvider<SqsAsyncClient> client, EventCodec codec,
      EventlyProperties properties, Environment environment, ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<ConsumerCustomizer> customizers, ObjectProvider<OpenTelemetry> openTelemetry,
      ObjectProvider<PayloadStore> payloadStore, BeanFactory beanFactory) {
    Duration phaseTimeout = Binder.get(environment)
        .bind("spring.lifecycle.timeout-per-shutdown-phase", Duration.class)
        .orElse(Duration.ofSeconds(30));
    return new EventlyConsumers(new EventlyConsumers.Sources(
        client::getObject, codec, properties, phaseTimeout, meterRegistry::getIfAvailable,
        openTelemetry::getIfAvailable, beanFactory::getBean, () -> customizers.orderedStream().toList(),
        payloadStore::getIfAvailable));
  }

  /** Builds the consumers once every singleton, and so every handler method, is known. */
  @Bean
  SmartInitializingSingleton eventlyConsumersBuilder(EventlyConsumers consumers, HandlerMethods methods) {
    return () -> consumers.build(methods.methods());
  }
}
