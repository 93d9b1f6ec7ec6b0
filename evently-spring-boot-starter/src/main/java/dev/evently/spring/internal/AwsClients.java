package dev.evently.spring.internal;

import dev.evently.spring.EventlyProperties;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.regions.Region;

/** Applies {@code evently.aws.*} to an SDK client builder; what is unset stays with the SDK's default chain. */
public final class AwsClients {
  private AwsClients() {}

  public static <B extends AwsClientBuilder<B, ?>> B configure(B builder, EventlyProperties.Aws aws) {
    if (aws.endpoint() != null) {
      builder.endpointOverride(aws.endpoint());
    }
    if (aws.region() != null) {
      builder.region(Region.of(aws.region()));
    }
    if (aws.accessKeyId() != null) {
      builder.credentialsProvider(
          StaticCredentialsProvider.create(AwsBasicCredentials.create(aws.accessKeyId(), aws.secretAccessKey())));
    }
    return builder;
  }
}
