package dev.evently.spring;

import dev.evently.payload.PayloadStore;
import dev.evently.s3.S3PayloadStore;
import dev.evently.spring.internal.AwsClients;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Lazy;
import org.springframework.core.env.Environment;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/**
 * The S3 claim-check for large events, when {@code evently.payloads.bucket} is set (not blank) and {@code
 * messaging-s3} is on the class path: an {@link S3PayloadStore} on that bucket, which {@link
 * EventlyAutoConfiguration} gives to every publisher (events over the topic's size are stored in S3
 * and published as a pointer) and every consumer (pointers are resolved, checked against their
 * size and SHA-256, and read only from the configured buckets). Objects are never deleted here:
 * the bucket's lifecycle rule expires them ({@code docs/LARGE-EVENTS.md}).
 *
 * <p>The S3 client follows {@code evently.aws.*} like the SNS and SQS clients, with path-style
 * addressing when an endpoint is overridden (LocalStack, moto). Both beans back off when the
 * application declares its own.
 */
@AutoConfiguration(before = EventlyAutoConfiguration.class)
@ConditionalOnClass(S3PayloadStore.class)
@ConditionalOnExpression("'${evently.payloads.bucket:}'.trim() != ''") // set and not blank (PAYLOADS_BUCKET= unset)
public class EventlyPayloadsAutoConfiguration {

  @Bean(destroyMethod = "close")
  @Lazy
  @ConditionalOnMissingBean
  S3AsyncClient eventlyS3AsyncClient(EventlyProperties properties, Environment environment) {
    boolean endpointOverridden = properties.aws().endpoint() != null
        || environment.getProperty("AWS_ENDPOINT_URL") != null
        || environment.getProperty("AWS_ENDPOINT_URL_S3") != null;
    return AwsClients.configure(S3AsyncClient.builder(), properties.aws()).forcePathStyle(endpointOverridden).build();
  }

  @Bean
  @ConditionalOnMissingBean(PayloadStore.class)
  S3PayloadStore eventlyPayloadStore(EventlyProperties properties, S3AsyncClient client) {
    EventlyProperties.Payloads payloads = properties.payloads();
    S3PayloadStore.Builder builder = S3PayloadStore.builder().client(client).bucket(payloads.bucket());
    if (payloads.keyPrefix() != null) {
      builder.keyPrefix(payloads.keyPrefix());
    }
    payloads.readBuckets().forEach(builder::readBucket);
    return builder.build();
  }
}
