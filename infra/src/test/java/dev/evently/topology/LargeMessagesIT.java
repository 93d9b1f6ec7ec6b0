package dev.evently.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.evently.localstack.AwsBackend;
import dev.evently.localstack.LocalAws;
import dev.evently.localstack.TestNames;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.sns.SnsClient;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.QueueAttributeName;

/** apply on moto: the payload bucket (encryption, public access block, expiry) and native sizes. */
@LocalAws
class LargeMessagesIT {
  private static final String FILE = """
      payloads:
        payloads:
          expiryDays: 15
      topics:
        notes:
          maxMessageSize: 1048576
          payloads: payloads
      services:
        reader:
          queues:
            - name: reader
              maxMessageSize: 1048576
              subscriptions:
                - topic: notes
                  rawDelivery: true
      """;

  private final SqsClient sqs;
  private final SnsClient sns;
  private final S3Client s3;
  private Naming naming;
  private String p;
  @TempDir Path dir;

  LargeMessagesIT(AwsBackend backend, SqsClient sqs, SnsClient sns) {
    this.sqs = sqs;
    this.sns = sns;
    this.s3 = backend.configure(S3Client.builder()).forcePathStyle(true).build();
  }

  @BeforeEach
  void uniqueNames(TestNames names) {
    p = names.queue("l") + "-";
    naming = Naming.prefix(p);
  }

  @AfterEach
  void close() {
    s3.close();
  }

  @Test
  void applyCreatesTheBucketWithEncryptionBlockAndExpiryThenPlanIsEmptyThenExpiryChangesShow() throws IOException {
    TopologyApplier applier = applier(FILE);

    Plan initial = applier.plan();
    assertThat(initial.render()).contains("+ create payload bucket " + p + "payloads\n");
    applier.apply();

    String bucket = p + "payloads";
    assertThat(s3.getBucketEncryption(r -> r.bucket(bucket)).serverSideEncryptionConfiguration().rules().get(0)
        .applyServerSideEncryptionByDefault().sseAlgorithmAsString()).isEqualTo("AES256");
    assertThat(s3.getPublicAccessBlock(r -> r.bucket(bucket)).publicAccessBlockConfiguration().blockPublicAcls()).isTrue();
    LifecycleRule rule = s3.getBucketLifecycleConfiguration(r -> r.bucket(bucket)).rules().get(0);
    assertThat(rule.expiration().days()).isEqualTo(15);
    String url = sqs.getQueueUrl(r -> r.queueName(p + "reader")).queueUrl();
    assertThat(sqs.getQueueAttributes(r -> r.queueUrl(url).attributeNames(QueueAttributeName.MAXIMUM_MESSAGE_SIZE))
        .attributes()).containsEntry(QueueAttributeName.MAXIMUM_MESSAGE_SIZE, "1048576");
    // moto keeps no topic MaximumMessageSize (it caps SNS at 256 KiB anyway): the one difference it leaves
    assertThat(applier.plan().render()).isEqualTo("~ update topic " + p + "notes: MaximumMessageSize (none) -> 1048576\n"
        + "Plan: 0 to create, 1 to update, 0 to delete.\n");

    Plan longer = applier(FILE.replace("expiryDays: 15", "expiryDays: 20")).plan();
    assertThat(longer.render()).contains("~ update payload bucket " + p + "payloads: Expiration 15 days -> 20 days");
    applier.destroy();
  }

  private TopologyApplier applier(String yaml) throws IOException {
    Path file = dir.resolve("topology.yaml");
    Files.writeString(file, yaml);
    return TopologyApplier.builder().topology(TopologyLoader.load(file)).sqs(sqs).sns(sns).s3(s3).naming(naming).build();
  }
}
