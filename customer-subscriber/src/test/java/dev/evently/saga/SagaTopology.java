package dev.evently.saga;

import dev.evently.localstack.AwsBackend;
import dev.evently.topology.Naming;
import dev.evently.topology.TopologyApplier;
import dev.evently.topology.TopologyLoader;
import java.nio.file.Path;
import java.util.UUID;

/** {@code infra/topology.yaml} applied under a unique name prefix; {@link #close()} destroys it. */
final class SagaTopology implements AutoCloseable {
  private final Naming naming;
  private final TopologyApplier applier;

  private SagaTopology(AwsBackend aws, String prefix) {
    this.naming = Naming.prefix(prefix + UUID.randomUUID().toString().substring(0, 8) + "-");
    this.applier =
        TopologyApplier.builder()
            .topology(TopologyLoader.load(Path.of("..", "infra", "topology.yaml")))
            .sqs(aws.sqs())
            .sns(aws.sns())
            .naming(naming)
            .build();
  }

  static SagaTopology apply(AwsBackend aws, String prefix) {
    SagaTopology topology = new SagaTopology(aws, prefix);
    topology.applier.apply();
    return topology;
  }

  /** The AWS name of a topic or queue of the file. */
  String physical(String logical) {
    return naming.physical(logical);
  }

  @Override
  public void close() {
    applier.destroy();
  }
}
