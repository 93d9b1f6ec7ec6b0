package dev.evently.infra.cli;

import java.net.URI;
import software.amazon.awssdk.awscore.client.builder.AwsClientBuilder;
import software.amazon.awssdk.core.SdkClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.regions.providers.DefaultAwsRegionProviderChain;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/** Clients configured by the SDK's own chains (endpoint, region, credentials), with CLI overrides. */
final class SdkClients implements AwsClients {
  private final URI endpoint;
  private final Region region;
  private SqsClient sqs;
  private SnsClient sns;
  private StsClient sts;
  private S3Client s3;

  SdkClients(URI endpoint, Region region) {
    this.endpoint = endpoint;
    this.region = region;
  }

  @Override
  public synchronized SqsClient sqs() {
    if (sqs == null) {
      sqs = configure(SqsClient.builder()).build();
    }
    return sqs;
  }

  @Override
  public synchronized SnsClient sns() {
    if (sns == null) {
      sns = configure(SnsClient.builder()).build();
    }
    return sns;
  }

  @Override
  public synchronized StsClient sts() {
    if (sts == null) {
      sts = configure(StsClient.builder()).build();
    }
    return sts;
  }

  @Override
  public synchronized S3Client s3() {
    if (s3 == null) {
      boolean local = endpoint != null || System.getenv("AWS_ENDPOINT_URL") != null || System.getenv("AWS_ENDPOINT_URL_S3") != null;
      s3 = configure(S3Client.builder()).forcePathStyle(local).build();
    }
    return s3;
  }

  @Override
  public Region region() {
    if (region != null) {
      return region;
    }
    try {
      return new DefaultAwsRegionProviderChain().getRegion();
    } catch (RuntimeException e) {
      throw new IllegalStateException("no AWS region: set AWS_REGION or pass --region", e);
    }
  }

  private <B extends AwsClientBuilder<B, ?>> B configure(B builder) {
    if (endpoint != null) {
      builder.endpointOverride(endpoint);
    }
    return builder.region(region());
  }

  @Override
  public synchronized void close() {
    for (SdkClient c : new SdkClient[] {sqs, sns, sts, s3}) {
      if (c != null) {
        c.close();
      }
    }
  }
}
