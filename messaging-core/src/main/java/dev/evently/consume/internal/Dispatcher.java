package dev.evently.consume.internal;

import dev.evently.consume.internal.Decision.Handled;
import dev.evently.consume.internal.Pipeline.Batch;
import dev.evently.consume.internal.Pipeline.Route;
import dev.evently.consume.internal.Pipeline.Single;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs received messages on at most {@code concurrency} handler calls at once. Messages that find
 * every slot busy wait here (prefetched) in arrival order; a handler thread that finishes takes the
 * next waiting message itself, so under load messages flow without a thread hand-off each.
 *
 * <ul>
 *   <li>Standard queues: every message is independent. Messages whose type has a batch handler
 *       wait in a lane of their type; a free slot takes up to the handler's {@code maxSize} of
 *       them in one call.
 *   <li>FIFO queues: the messages of one message group from one receive run in order on one slot;
 *       consecutive messages of one batch type form one batch. After a message that stays on the
 *       queue (failed, or its dead-lettering failed), the rest of its group is released at once so
 *       SQS delivers them after it.
 *   <li>Poison (undecodable, or no handler for its type) needs no slot: it is settled at once on a
 *       standard queue, in its place in the group on a FIFO queue.
 * </ul>
 *
 * No lock on the path of a message. Thread-safe.
 */
public final class Dispatcher {
  private static final Logger LOG = LoggerFactory.getLogger(Dispatcher.class);

  private final int concurrency;
  private final boolean fifo;
  private final Pipeline pipeline;
  private final Settler settler;
  private final Executor executor;
  private final Consumer<InFlightMessage> onDone;
  private final String consumer;
  private final ConcurrentLinkedQueue<Work> ready = new ConcurrentLinkedQueue<>();
  private final Map<Batch, Lane> lanes = new ConcurrentHashMap<>();
  private final AtomicInteger workers = new AtomicInteger();
  private final AtomicInteger waiting = new AtomicInteger();
  private final Runnable worker = this::work;
  private final AtomicReference<Runnable> drainWaiter = new AtomicReference<>();
  private volatile int drainThreshold;
  private volatile boolean paused;
  private volatile boolean closing;

  /** {@code onDone} runs once per message when it is no longer held (settled or released). */
  public Dispatcher(
      int concurrency,
      boolean fifo,
      Pipeline pipeline,
      Settler settler,
      Executor executor,
      Consumer<InFlightMessage> onDone,
      String consumer) {
    this.concurrency = concurrency;
    this.fifo = fifo;
    this.pipeline = pipeline;
    this.settler = settler;
    this.executor = executor;
    this.onDone = onDone;
    this.consumer = consumer;
  }

  /** Messages received and waiting for a handler slot. */
  public int waiting() {
    return waiting.get();
  }

  /**
   * Runs {@code task} once, as soon as fewer than {@code n} messages wait for a handler (at once if
   * that is already so). One task at a time: the receiver's last poller waiting for the prefetch
   * buffer to drain.
   */
  public void whenWaitingBelow(int n, Runnable task) {
    drainThreshold = n;
    drainWaiter.set(task);
    if (waiting.get() < n && drainWaiter.compareAndSet(task, null)) {
      task.run();
    }
  }

  /** One waiting message left the buffer (started, or given back). */
  private void tookOne() {
    if (waiting.decrementAndGet() < drainThreshold && drainWaiter.get() != null) {
      Runnable task = drainWaiter.getAndSet(null);
      if (task != null) {
        task.run();
      }
    }
  }

  /** Handler calls running (a batch call counts once). */
  public int running() {
    return workers.get();
  }

  /**
   * Stops starting handler calls (running ones finish); waiting messages stay held. Used while a
   * circuit breaker is open.
   */
  public void pause() {
    paused = true;
  }

  /** Starts handler calls again after {@link #pause()}. */
  public void resume() {
    paused = false;
    startWorkers();
  }

  public boolean isPaused() {
    return paused;
  }

  /** Shutdown began: messages held back from now on are released instead of kept. */
  public void closing() {
    closing = true;
  }

  /** Takes the decoded messages of one receive, in the order SQS returned them. */
  public void dispatch(List<InFlightMessage> messages) {
    int queued = 0;
    if (fifo) {
      Map<String, List<InFlightMessage>> groups = new LinkedHashMap<>();
      for (InFlightMessage m : messages) {
        String group = m.groupId() != null ? m.groupId() : m.messageId();
        groups.computeIfAbsent(group, g -> new ArrayList<>(1)).add(m);
      }
      for (List<InFlightMessage> group : groups.values()) {
        waiting.addAndGet(group.size());
        ready.add(new Work(() -> runGroup(group), () -> group.forEach(this::release)));
        queued++;
      }
    } else {
      for (InFlightMessage m : messages) {
        Route route = routeOf(m);
        if (route == null) {
          if (m.start()) {
            settle(m, poison(m));
          }
        } else if (route instanceof Batch b) {
          waiting.incrementAndGet();
          lanes.computeIfAbsent(b, Lane::new).add(m);
          queued++;
        } else {
          waiting.incrementAndGet();
          Single s = (Single) route;
          ready.add(new Work(() -> runSingle(m, s), () -> release(m)));
          queued++;
        }
      }
    }
    startWorkers(queued);
  }

  /**
   * Gives an unstarted message back to the queue (visibility 0); false when its handler already
   * started. Used at shutdown; the slot it waited in is skipped later.
   */
  public boolean release(InFlightMessage m) {
    if (!m.abandon()) {
      return false;
    }
    tookOne();
    settler.release(m);
    onDone.accept(m);
    return true;
  }

  // ---- workers

  private void startWorkers() {
    startWorkers(Integer.MAX_VALUE);
  }

  /**
   * Starts up to {@code most} more handler slots while work waits, at most {@code concurrency} in
   * all: one per work item just queued, so a receive of 10 does not wake 50 threads.
   */
  private void startWorkers(int most) {
    for (int started = 0; started < most && !paused && !ready.isEmpty(); ) {
      int w = workers.get();
      if (w >= concurrency) {
        return;
      }
      if (workers.compareAndSet(w, w + 1)) {
        started++;
        try {
          executor.execute(worker);
        } catch (RejectedExecutionException e) {
          workers.decrementAndGet();
          int n = waiting.get();
          Work unstarted;
          while ((unstarted = ready.poll()) != null) {
            unstarted.release().run();
          }
          LOG.warn("consumer '{}': the executor rejected a handler task; {} waiting messages released", consumer, n);
          return;
        }
      }
    }
  }

  /** A handler slot: runs waiting work until there is none, then frees the slot. */
  private void work() {
    try {
      Work next;
      while (!paused && (next = ready.poll()) != null) {
        next.run().run();
      }
    } finally {
      workers.decrementAndGet();
      startWorkers(1); // work queued while this slot was ending
    }
  }

  private void runSingle(InFlightMessage m, Single route) {
    if (!m.start()) {
      return; // released at shutdown
    }
    tookOne();
    Handled handled = pipeline.runSingle(m, route);
    if (handled instanceof Decision.HeldBack) {
      holdBack(m, new Work(() -> runSingle(m, route), () -> release(m)));
      return;
    }
    settle(m, handled);
    rethrowFatal(handled);
  }

  /**
   * Keeps a message the circuit breaker held back: waiting again (under the heartbeat, no new
   * receive), and pauses handler calls until the breaker lets them through again.
   */
  private void holdBack(InFlightMessage m, Work again) {
    pause();
    if (!m.requeue()) {
      return;
    }
    waiting.incrementAndGet();
    if (closing) {
      release(m);
      return;
    }
    ready.add(again);
  }

  private void runGroup(List<InFlightMessage> group) {
    boolean inOrder = true;
    int i = 0;
    try {
      while (i < group.size()) {
        InFlightMessage m = group.get(i);
        Route route = routeOf(m);
        if (!inOrder) {
          release(m);
          i++;
        } else if (route instanceof Batch b) {
          List<InFlightMessage> batch = new ArrayList<>();
          while (i < group.size() && batch.size() < b.maxSize() && routeOf(group.get(i)) == b) {
            batch.add(group.get(i++));
          }
          inOrder = runBatch(batch, b, true);
        } else {
          i++;
          if (!m.start()) {
            inOrder = false; // released at shutdown: so is the rest
            continue;
          }
          tookOne();
          Handled handled = route == null ? poison(m) : pipeline.runSingle(m, (Single) route);
          inOrder = settle(m, handled);
          rethrowFatal(handled);
        }
      }
    } finally { // a VirtualMachineError from a handler must not strand the rest of the group
      for (; i < group.size(); i++) {
        release(group.get(i));
      }
    }
  }

  /** @return false when a message of the batch stays on the queue (FIFO: the rest must follow it) */
  private boolean runBatch(List<InFlightMessage> candidates, Batch route, boolean stopAtFailure) {
    List<InFlightMessage> batch = new ArrayList<>(candidates.size());
    for (InFlightMessage m : candidates) {
      if (m.start()) {
        tookOne();
        batch.add(m);
      }
    }
    if (batch.size() < candidates.size() && stopAtFailure) {
      batch.forEach(this::releaseStarted); // shutdown released part of the group: keep the order
      return false;
    }
    if (batch.isEmpty()) {
      return true;
    }
    List<Handled> handled = pipeline.runBatch(batch, route);
    boolean inOrder = true;
    for (int k = 0; k < batch.size(); k++) {
      InFlightMessage m = batch.get(k);
      if (!stopAtFailure && handled.get(k) instanceof Decision.HeldBack) {
        Lane lane = lanes.get(route);
        holdBack(m, new Work(() -> lane.add(m), () -> release(m)));
      } else if (inOrder || !stopAtFailure) {
        inOrder &= settle(m, handled.get(k));
      } else {
        releaseStarted(m);
      }
    }
    for (Handled h : handled) {
      rethrowFatal(h);
    }
    return inOrder;
  }

  private boolean settle(InFlightMessage m, Handled handled) {
    try {
      return settler.settle(m, handled);
    } finally {
      onDone.accept(m);
    }
  }

  private void releaseStarted(InFlightMessage m) {
    settler.release(m);
    onDone.accept(m);
  }

  private Route routeOf(InFlightMessage m) {
    return m.event() == null ? null : pipeline.route(m.event().type());
  }

  private Handled poison(InFlightMessage m) {
    if (m.decidedEarly() != null) {
      return m.decidedEarly();
    }
    if (m.decodeError() != null) {
      return new Decision.Rejected(m.decodeError().reason().name(), m.decodeError());
    }
    return new Decision.Rejected(
        dev.evently.event.DecodeFailure.UNKNOWN_TYPE.name(),
        new dev.evently.event.EventDecodingException(
            dev.evently.event.DecodeFailure.UNKNOWN_TYPE,
            "consumer '" + consumer + "' has no handler for type '" + m.event().type() + "'",
            m.event().id(),
            m.event().type(),
            null));
  }

  private static void rethrowFatal(Handled handled) {
    if (handled instanceof Decision.Failed f && f.error() instanceof VirtualMachineError vme) {
      throw vme;
    }
  }

  /** Waiting work: what a handler slot runs, and how to give its messages back unstarted. */
  private record Work(Runnable run, Runnable release) {}

  /** The waiting messages of one batch type; at most one token for it waits in the ready queue. */
  private final class Lane {
    private final Batch route;
    private final ConcurrentLinkedQueue<InFlightMessage> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean scheduled = new AtomicBoolean();

    Lane(Batch route) {
      this.route = route;
    }

    void add(InFlightMessage m) {
      queue.add(m);
      schedule();
    }

    private void schedule() {
      if (!queue.isEmpty() && scheduled.compareAndSet(false, true)) {
        ready.add(new Work(this::take, this::releaseAll));
      }
    }

    private void releaseAll() {
      InFlightMessage m;
      while ((m = queue.poll()) != null) {
        release(m);
      }
      scheduled.set(false);
    }

    private void take() {
      List<InFlightMessage> batch = new ArrayList<>(Math.min(route.maxSize(), 16));
      InFlightMessage m;
      while (batch.size() < route.maxSize() && (m = queue.poll()) != null) {
        batch.add(m);
      }
      scheduled.set(false);
      schedule(); // more waiting: another slot may take them meanwhile
      startWorkers(1);
      runBatch(batch, route, false);
    }
  }
}
