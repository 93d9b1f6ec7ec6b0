package dev.evently.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

/** The builder validates and names the field at fault. */
class S3PayloadStoreTest {
  @Test
  void builderNamesTheFieldAtFault() {
    try (S3AsyncClient client = S3AsyncClient.builder().region(Region.US_EAST_1).build()) {
      assertThatThrownBy(() -> S3PayloadStore.builder().bucket("b-1").build()).hasMessage("client must be set");
      assertThatThrownBy(() -> S3PayloadStore.builder().client(client).build()).hasMessage("bucket must be set");
      assertThatThrownBy(() -> S3PayloadStore.builder().bucket("Not_A_Bucket")).hasMessageStartingWith("bucket must be an S3 bucket name");
      assertThatThrownBy(() -> S3PayloadStore.builder().readBucket("x")).hasMessageStartingWith("readBucket must be");
      assertThatThrownBy(() -> S3PayloadStore.builder().keyPrefix("/abs")).hasMessageStartingWith("keyPrefix must");

      S3PayloadStore store = S3PayloadStore.builder().client(client).bucket("payloads").readBucket("legacy-payloads").build();
      assertThat(store.buckets()).containsExactlyInAnyOrder("payloads", "legacy-payloads");
    }
  }
}
