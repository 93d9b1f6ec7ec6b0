package dev.evently.spring;

import dev.evently.spring.internal.ConsumerHealth;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * With Actuator (Spring Boot's health support) on the classpath: the health contributor {@code
 * evently}, with one indicator per consumer (its queue name). Off with {@code
 * management.health.evently.enabled=false}.
 */
@AutoConfiguration(after = EventlyAutoConfiguration.class)
@ConditionalOnClass(HealthIndicator.class)
@ConditionalOnEnabledHealthIndicator("evently")
public class EventlyHealthAutoConfiguration {

  @Bean(name = "eventlyHealthContributor")
  @ConditionalOnMissingBean(name = "eventlyHealthContributor")
  ConsumerHealth eventlyHealthContributor(EventlyConsumers consumers) {
    return new ConsumerHealth(consumers);
  }
}
