package dev.evently.infra.cli;

import dev.evently.localstack.AwsBackend;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sts.StsClient;

/** The CLI's clients on the shared test backend; closing them is a no-op (they are shared). */
final class LocalClients implements AwsClients {
  private static StsClient sts;
  private static S3Client s3;
  private final AwsBackend backend;

  LocalClients(AwsBackend backend) {
    this.backend = backend;
  }

  @Override
  public SqsClient sqs() {
    return backend.sqs();
  }

  @Override
  public SnsClient sns() {
    return backend.sns();
  }

  @Override
  public synchronized StsClient sts() {
    if (sts == null) {
      sts = backend.configure(StsClient.builder()).build();
    }
    return sts;
  }

  @Override
  public synchronized S3Client s3() {
    if (s3 == null) {
      s3 = backend.configure(S3Client.builder()).forcePathStyle(true).build();
    }
    return s3;
  }

  @Override
  public Region region() {
    return backend.region();
  }

  @Override
  public void close() {}
}
