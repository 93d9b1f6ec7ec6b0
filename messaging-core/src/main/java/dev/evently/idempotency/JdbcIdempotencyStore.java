package dev.evently.idempotency;

import dev.evently.internal.Checks;
import static dev.evently.jdbc.internal.Jdbc.instant;
import static dev.evently.jdbc.internal.Jdbc.ts;

import dev.evently.jdbc.EventlyMigrations;
import dev.evently.jdbc.internal.Dialect;
import dev.evently.jdbc.internal.Jdbc;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * An {@link IdempotencyStore} in a PostgreSQL or H2 table (created by {@link EventlyMigrations}),
 * shared by every instance of a consumer. Each operation is its own short transaction, so the
 * lease is explicit: a claim is a row with a {@code lease_until} that the holder renews while it
 * works, and that another instance may take over once it has lapsed.
 *
 * <p>The same table holds the rows that {@link JdbcIdempotentHandler} writes inside handler
 * transactions; use this store's {@link #purgeOlderThan} (or an {@link IdempotencyCleaner}) to
 * clean up after both. Thread-safe. Database failures surface as {@link IllegalStateException}
 * with the SQL error as cause (retryable from a handler's point of view).
 */
public final class JdbcIdempotencyStore implements IdempotencyStore {
  static final String IN_PROGRESS = "IN_PROGRESS";
  static final String COMPLETED = "COMPLETED";

  private final DataSource dataSource;
  private final String table;
  private final Clock clock;
  private volatile Dialect dialect;

  private JdbcIdempotencyStore(Builder b) {
    this.dataSource = b.dataSource;
    this.table = b.table;
    this.clock = b.clock;
  }

  public static JdbcIdempotencyStore create(DataSource dataSource) {
    return builder().dataSource(dataSource).build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public String table() {
    return table;
  }

  @Override
  public Claim claim(String consumer, String eventId, String payloadHash, Duration lease) {
    InMemoryIdempotencyStore.requireLease(lease);
    try (Connection c = dataSource.getConnection()) {
      c.setAutoCommit(true);
      Dialect d = dialect(c);
      for (int attempt = 0; attempt < 5; attempt++) {
        Instant now = clock.instant();
        String token = UUID.randomUUID().toString();
        boolean inserted =
            Jdbc.insertIfAbsent(
                c,
                d,
                "INSERT INTO " + table
                    + " (consumer, event_id, payload_hash, status, claim_token, lease_until, created_at)"
                    + " VALUES (?, ?, ?, '" + IN_PROGRESS + "', ?, ?, ?)",
                ps -> {
                  ps.setString(1, consumer);
                  ps.setString(2, eventId);
                  ps.setString(3, payloadHash);
                  ps.setString(4, token);
                  ps.setObject(5, ts(now.plus(lease)));
                  ps.setObject(6, ts(now));
                });
        if (inserted) {
          return new Claim(consumer, eventId, token, ClaimResult.ACQUIRED);
        }
        Claim found = existing(c, consumer, eventId, payloadHash, lease, now, token);
        if (found != null) {
          return found;
        }
      }
      // The row keeps appearing and vanishing under us: someone else is busy with it.
      return new Claim(consumer, eventId, null, ClaimResult.IN_PROGRESS);
    } catch (SQLException e) {
      throw failure("claim", eventId, e);
    }
  }

  /** The outcome for an existing row, or null when it vanished meanwhile (try again). */
  private Claim existing(
      Connection c, String consumer, String eventId, String payloadHash, Duration lease, Instant now, String token)
      throws SQLException {
    String status;
    String storedHash;
    String oldToken;
    Instant leaseUntil;
    try (PreparedStatement ps =
        c.prepareStatement(
            "SELECT status, payload_hash, claim_token, lease_until FROM " + table
                + " WHERE consumer = ? AND event_id = ?")) {
      ps.setString(1, consumer);
      ps.setString(2, eventId);
      try (ResultSet rs = ps.executeQuery()) {
        if (!rs.next()) {
          return null;
        }
        status = rs.getString("status");
        storedHash = rs.getString("payload_hash");
        oldToken = rs.getString("claim_token");
        leaseUntil = instant(rs, "lease_until");
      }
    }
    if (payloadHash != null && storedHash != null && !payloadHash.equals(storedHash.trim())) {
      return new Claim(consumer, eventId, null, ClaimResult.PAYLOAD_MISMATCH);
    }
    if (COMPLETED.equals(status)) {
      return new Claim(consumer, eventId, null, ClaimResult.ALREADY_COMPLETED);
    }
    if (leaseUntil != null && leaseUntil.isAfter(now)) {
      return new Claim(consumer, eventId, null, ClaimResult.IN_PROGRESS);
    }
    // The holder's lease lapsed: take over, only if nobody else did first.
    try (PreparedStatement ps =
        c.prepareStatement(
            "UPDATE " + table + " SET claim_token = ?, lease_until = ?"
                + " WHERE consumer = ? AND event_id = ? AND status = '" + IN_PROGRESS + "' AND claim_token = ?")) {
      ps.setString(1, token);
      ps.setObject(2, ts(now.plus(lease)));
      ps.setString(3, consumer);
      ps.setString(4, eventId);
      ps.setString(5, oldToken);
      return ps.executeUpdate() == 1 ? new Claim(consumer, eventId, token, ClaimResult.ACQUIRED) : null;
    }
  }

  @Override
  public boolean renew(Claim claim, Duration lease) {
    InMemoryIdempotencyStore.requireLease(lease);
    return updateHeld(claim, "renew", "lease_until = ?", ts(clock.instant().plus(lease)));
  }

  @Override
  public boolean complete(Claim claim) {
    return updateHeld(
        claim, "complete", "status = '" + COMPLETED + "', lease_until = NULL, completed_at = ?", ts(clock.instant()));
  }

  @Override
  public void release(Claim claim) {
    requireAcquired(claim);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "DELETE FROM " + table
                    + " WHERE consumer = ? AND event_id = ? AND claim_token = ? AND status = '" + IN_PROGRESS + "'")) {
      c.setAutoCommit(true);
      ps.setString(1, claim.consumer());
      ps.setString(2, claim.eventId());
      ps.setString(3, claim.token());
      ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("release", claim.eventId(), e);
    }
  }

  @Override
  public int purgeOlderThan(Instant cutoff) {
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps = c.prepareStatement("DELETE FROM " + table + " WHERE created_at < ?")) {
      c.setAutoCommit(true);
      ps.setObject(1, ts(cutoff));
      return ps.executeUpdate();
    } catch (SQLException e) {
      throw failure("purge", null, e);
    }
  }

  private boolean updateHeld(Claim claim, String what, String set, Object value) {
    requireAcquired(claim);
    try (Connection c = dataSource.getConnection();
        PreparedStatement ps =
            c.prepareStatement(
                "UPDATE " + table + " SET " + set
                    + " WHERE consumer = ? AND event_id = ? AND claim_token = ? AND status = '" + IN_PROGRESS + "'")) {
      c.setAutoCommit(true);
      ps.setObject(1, value);
      ps.setString(2, claim.consumer());
      ps.setString(3, claim.eventId());
      ps.setString(4, claim.token());
      return ps.executeUpdate() == 1;
    } catch (SQLException e) {
      throw failure(what, claim.eventId(), e);
    }
  }

  private static void requireAcquired(Claim claim) {
    if (claim == null || !claim.acquired()) {
      throw new IllegalArgumentException("claim must be an acquired claim");
    }
  }

  private Dialect dialect(Connection c) throws SQLException {
    Dialect d = dialect;
    if (d == null) {
      d = Dialect.of(c);
      dialect = d;
    }
    return d;
  }

  private IllegalStateException failure(String what, String eventId, SQLException e) {
    return new IllegalStateException(
        "idempotency store " + what + (eventId == null ? "" : " of event " + eventId) + " failed on table "
            + table + ": " + e.getMessage(),
        e);
  }

  /** Builder; {@link #dataSource} is required. */
  public static final class Builder {
    private DataSource dataSource;
    private String table = EventlyMigrations.DEFAULT_DEDUP_TABLE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    public Builder dataSource(DataSource dataSource) {
      this.dataSource = Checks.notNull(dataSource, "dataSource");
      return this;
    }

    /** The table, optionally schema-qualified. Default {@value EventlyMigrations#DEFAULT_DEDUP_TABLE}. */
    public Builder table(String table) {
      this.table = Jdbc.requireTableName(table, "table");
      return this;
    }

    /** The clock for leases and record ages. Default the system clock. */
    public Builder clock(Clock clock) {
      this.clock = Checks.notNull(clock, "clock");
      return this;
    }

    public JdbcIdempotencyStore build() {
      if (dataSource == null) {
        throw new IllegalArgumentException("dataSource must be set");
      }
      return new JdbcIdempotencyStore(this);
    }
  }
}
