package dev.evently.infra.cli;

import java.net.URI;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The AWS clients one CLI command uses; created lazily, closed when the command ends. */
public interface AwsClients extends AutoCloseable {

  SqsClient sqs();

  SnsClient sns();

  StsClient sts();

  /** For the {@code payloads:} buckets; path-style when an endpoint is overridden (moto, LocalStack). */
  S3Client s3();

  /** The region the clients use. */
  Region region();

  @Override
  void close();

  /** Creates the clients for one command from the global options. */
  @FunctionalInterface
  interface Factory {
    /**
     * @param endpoint {@code --endpoint-url}, or null for the SDK's chain ({@code AWS_ENDPOINT_URL} ...)
     * @param region {@code --region}, or null for the SDK's chain ({@code AWS_REGION}, profile ...)
     */
    AwsClients create(URI endpoint, Region region);
  }

  /** Clients from the SDK's default chains, with optional overrides. */
  static AwsClients sdk(URI endpoint, Region region) {
    return new SdkClients(endpoint, region);
  }
}
