package dev.evently.topology;

import dev.evently.topology.Change.Action;
import dev.evently.topology.Change.AttributeChange;
import dev.evently.topology.Change.Kind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BiConsumer;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.BucketLifecycleConfiguration;
import software.amazon.awssdk.services.s3.model.ExpirationStatus;
import software.amazon.awssdk.services.s3.model.LifecycleRule;
import software.amazon.awssdk.services.s3.model.LifecycleRuleFilter;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.PublicAccessBlockConfiguration;
import software.amazon.awssdk.services.s3.model.S3Exception;
import software.amazon.awssdk.services.s3.model.ServerSideEncryption;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionConfiguration;
import software.amazon.awssdk.services.s3.model.ServerSideEncryptionRule;

/**
 * Plans and applies the {@code payloads:} buckets: each exists, with default encryption (SSE-S3,
 * or SSE-KMS with its key), the public access block fully on, and the lifecycle rule {@value
 * #RULE_ID} expiring objects after {@code expiryDays}. Compared on what S3 reports; other lifecycle
 * rules are kept. Buckets are never deleted (they hold data; {@code destroy} leaves them).
 */
final class PayloadBuckets {
  static final String RULE_ID = "evently-payload-expiry";

  private final S3Client s3;
  private final Naming naming;

  PayloadBuckets(S3Client s3, Naming naming) {
    this.s3 = s3;
    this.naming = naming;
  }

  /** Converges every bucket, reporting each change to {@code record} with the action that makes it. */
  void converge(Topology topology, BiConsumer<Change, Runnable> record) {
    for (PayloadBucketSpec b : topology.payloads().values()) {
      String name = naming.physical(b.name());
      if (!exists(name)) {
        record.accept(Change.create(Kind.BUCKET, name), () -> {
          Region region = s3.serviceClientConfiguration().region();
          s3.createBucket(r -> {
            r.bucket(name);
            if (region != null && !Region.US_EAST_1.equals(region)) {
              r.createBucketConfiguration(c -> c.locationConstraint(region.id()));
            }
          });
          encrypt(name, b);
          blockPublicAccess(name);
          expire(name, b, List.of());
        });
        continue;
      }
      List<AttributeChange> diffs = new ArrayList<>();
      List<Runnable> fixes = new ArrayList<>();
      String encryption = liveEncryption(name);
      if (!encryption.equals(b.encryption())) {
        diffs.add(new AttributeChange("Encryption", encryption, b.encryption()));
        fixes.add(() -> encrypt(name, b));
      }
      String block = livePublicAccessBlock(name);
      if (!block.equals("all blocked")) {
        diffs.add(new AttributeChange("PublicAccessBlock", block, "all blocked"));
        fixes.add(() -> blockPublicAccess(name));
      }
      List<LifecycleRule> rules = liveRules(name);
      String expiry = rules.stream().filter(r -> RULE_ID.equals(r.id()) && r.status() == ExpirationStatus.ENABLED
              && r.expiration() != null && r.expiration().days() != null)
          .map(r -> r.expiration().days() + " days").findFirst().orElse("(none)");
      if (!expiry.equals(b.expiryDays() + " days")) {
        diffs.add(new AttributeChange("Expiration", expiry, b.expiryDays() + " days"));
        fixes.add(() -> expire(name, b, rules));
      }
      if (!diffs.isEmpty()) {
        record.accept(new Change(Action.UPDATE, Kind.BUCKET, name, diffs), () -> fixes.forEach(Runnable::run));
      }
    }
  }

  private boolean exists(String name) {
    try {
      s3.headBucket(r -> r.bucket(name));
      return true;
    } catch (NoSuchBucketException e) {
      return false;
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        return false;
      }
      throw e;
    }
  }

  private void encrypt(String name, PayloadBucketSpec b) {
    ServerSideEncryptionRule rule = ServerSideEncryptionRule.builder()
        .applyServerSideEncryptionByDefault(d -> {
          if (b.kmsKeyId().isPresent()) {
            d.sseAlgorithm(ServerSideEncryption.AWS_KMS).kmsMasterKeyID(b.kmsKeyId().get());
          } else {
            d.sseAlgorithm(ServerSideEncryption.AES256);
          }
        })
        .bucketKeyEnabled(b.kmsKeyId().isPresent())
        .build();
    s3.putBucketEncryption(r -> r.bucket(name)
        .serverSideEncryptionConfiguration(ServerSideEncryptionConfiguration.builder().rules(rule).build()));
  }

  private void blockPublicAccess(String name) {
    s3.putPublicAccessBlock(r -> r.bucket(name).publicAccessBlockConfiguration(PublicAccessBlockConfiguration.builder()
        .blockPublicAcls(true).ignorePublicAcls(true).blockPublicPolicy(true).restrictPublicBuckets(true).build()));
  }

  private void expire(String name, PayloadBucketSpec b, List<LifecycleRule> existing) {
    List<LifecycleRule> rules = new ArrayList<>();
    existing.stream().filter(r -> !RULE_ID.equals(r.id())).forEach(rules::add);
    rules.add(LifecycleRule.builder().id(RULE_ID).status(ExpirationStatus.ENABLED)
        .filter(LifecycleRuleFilter.builder().prefix("").build())
        .expiration(e -> e.days(b.expiryDays())).build());
    s3.putBucketLifecycleConfiguration(r -> r.bucket(name)
        .lifecycleConfiguration(BucketLifecycleConfiguration.builder().rules(rules).build()));
  }

  private String liveEncryption(String name) {
    try {
      ServerSideEncryptionRule rule =
          s3.getBucketEncryption(r -> r.bucket(name)).serverSideEncryptionConfiguration().rules().get(0);
      var d = rule.applyServerSideEncryptionByDefault();
      if (d.sseAlgorithm() == ServerSideEncryption.AWS_KMS) {
        return "SSE-KMS(" + d.kmsMasterKeyID() + ")";
      }
      return d.sseAlgorithm() == ServerSideEncryption.AES256 ? "SSE-S3" : String.valueOf(d.sseAlgorithmAsString());
    } catch (S3Exception | IndexOutOfBoundsException e) {
      return "(none)";
    }
  }

  private String livePublicAccessBlock(String name) {
    try {
      PublicAccessBlockConfiguration c = s3.getPublicAccessBlock(r -> r.bucket(name)).publicAccessBlockConfiguration();
      boolean all = Boolean.TRUE.equals(c.blockPublicAcls()) && Boolean.TRUE.equals(c.ignorePublicAcls())
          && Boolean.TRUE.equals(c.blockPublicPolicy()) && Boolean.TRUE.equals(c.restrictPublicBuckets());
      return all ? "all blocked" : "partly open";
    } catch (S3Exception e) {
      return "(none)";
    }
  }

  private List<LifecycleRule> liveRules(String name) {
    try {
      return s3.getBucketLifecycleConfiguration(r -> r.bucket(name)).rules();
    } catch (S3Exception e) {
      return List.of();
    }
  }
}
