package dev.evently.topology.console;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.cloudwatch.CloudWatchClient;
import software.amazon.awssdk.services.cloudwatch.model.GetMetricDataResponse;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataQuery;
import software.amazon.awssdk.services.cloudwatch.model.MetricDataResult;

/**
 * The age of each queue's oldest message. SQS has no queue attribute for it: it exists only as the
 * CloudWatch metric {@code AWS/SQS ApproximateAgeOfOldestMessage}, published once a minute (and
 * not at all by moto or LocalStack, where the console shows no age). Receiving messages to find
 * out would change their receive counts, so the console never does.
 */
public interface OldestMessageAges {

  /** Seconds, by queue name; a queue without a value is absent. Never throws for a backend failure. */
  Map<String, Long> ages(List<String> queueNames);

  /** No ages at all. */
  OldestMessageAges NONE = names -> Map.of();

  /**
   * Ages from CloudWatch: one {@code GetMetricData} call (the maximum of the last 5 minutes) for all
   * queues at most once per {@code refresh}; between calls the last answer is returned. After a
   * failure (no permission, no CloudWatch at the endpoint) it logs once and waits 5 minutes.
   * Thread-safe.
   */
  static OldestMessageAges cloudWatch(CloudWatchClient client, Duration refresh, Clock clock) {
    return new CloudWatchAges(client, refresh, clock);
  }

  /** See {@link #cloudWatch}. */
  final class CloudWatchAges implements OldestMessageAges {
    private static final Logger LOG = LoggerFactory.getLogger(CloudWatchAges.class);
    private static final Duration BACKOFF = Duration.ofMinutes(5);
    private final CloudWatchClient client;
    private final Duration refresh;
    private final Clock clock;
    private Instant next = Instant.MIN;
    private Map<String, Long> last = Map.of();
    private boolean warned;

    CloudWatchAges(CloudWatchClient client, Duration refresh, Clock clock) {
      this.client = Objects.requireNonNull(client, "client");
      this.refresh = Objects.requireNonNull(refresh, "refresh");
      this.clock = Objects.requireNonNull(clock, "clock");
    }

    @Override
    public synchronized Map<String, Long> ages(List<String> queueNames) {
      Instant now = clock.instant();
      if (now.isBefore(next) || queueNames.isEmpty()) {
        return last;
      }
      try {
        last = fetch(queueNames, now);
        next = now.plus(refresh);
      } catch (SdkException e) {
        if (!warned) {
          LOG.warn("no oldest-message ages: CloudWatch GetMetricData failed ({}); retrying every {} min",
              e.getClass().getSimpleName(), BACKOFF.toMinutes());
          warned = true;
        }
        next = now.plus(BACKOFF);
      }
      return last;
    }

    private Map<String, Long> fetch(List<String> queueNames, Instant now) {
      List<MetricDataQuery> queries = new ArrayList<>();
      for (int i = 0; i < queueNames.size() && i < 500; i++) {
        String queue = queueNames.get(i);
        queries.add(MetricDataQuery.builder().id("q" + i).returnData(true)
            .metricStat(s -> s.period(60).stat("Maximum").metric(m -> m.namespace("AWS/SQS")
                .metricName("ApproximateAgeOfOldestMessage").dimensions(d -> d.name("QueueName").value(queue))))
            .build());
      }
      GetMetricDataResponse response = client.getMetricData(r -> r.metricDataQueries(queries)
          .startTime(now.minus(Duration.ofMinutes(5))).endTime(now));
      Map<String, Long> ages = new HashMap<>();
      for (MetricDataResult result : response.metricDataResults()) {
        int index = Integer.parseInt(result.id().substring(1));
        OptionalLong newest = result.values().isEmpty() ? OptionalLong.empty()
            : OptionalLong.of(Math.round(result.values().get(0)));   // newest first (TimestampDescending)
        newest.ifPresent(v -> ages.put(queueNames.get(index), v));
      }
      return Map.copyOf(ages);
    }
  }
}
