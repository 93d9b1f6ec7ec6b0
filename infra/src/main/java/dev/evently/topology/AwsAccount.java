package dev.evently.topology;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Where resources live, for building ARNs: partition ({@code aws}), region and 12-digit account id.
 */
public record AwsAccount(String partition, String region, String accountId) {
  private static final Pattern ACCOUNT = Pattern.compile("\\d{12}");

  public AwsAccount {
    Objects.requireNonNull(partition, "partition");
    if (region == null || region.isBlank()) {
      throw new IllegalArgumentException("region must not be blank");
    }
    if (accountId == null || !ACCOUNT.matcher(accountId).matches()) {
      throw new IllegalArgumentException("accountId must be 12 digits, was " + accountId);
    }
  }

  public static AwsAccount of(String region, String accountId) {
    return new AwsAccount(region.startsWith("cn-") ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws",
        region, accountId);
  }

  public String topicArn(String topicName) {
    return arn("sns", topicName);
  }

  public String queueArn(String queueName) {
    return arn("sqs", queueName);
  }

  /** The ARN of a KMS key given as key id or ARN; aliases have no key ARN (see {@link #isAlias}). */
  public String kmsKeyArn(String keyId) {
    return keyId.startsWith("arn:") ? keyId : arn("kms", "key/" + keyId);
  }

  /** Every key of this account and region, for policies that select keys by alias condition. */
  public String allKmsKeys() {
    return arn("kms", "key/*");
  }

  public static boolean isAlias(String keyId) {
    return keyId.startsWith("alias/");
  }

  private String arn(String service, String resource) {
    return "arn:" + partition + ":" + service + ":" + region + ":" + accountId + ":" + resource;
  }
}
