package dev.evently.localstack;

import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Unique SNS/SQS resource names for one test, so tests sharing a backend never see each other's messages.
 *
 * <p>{@code queue("orders")} gives e.g. {@code orders-3f9a1c2b}: the base (characters outside
 * {@code [A-Za-z0-9_-]} replaced by {@code -}, shortened when needed) plus a suffix derived from this instance's
 * random seed and the base. The same base always gives the same name within one instance; another instance (another
 * test) gives another name. Names are at most {@value #MAX_LENGTH} characters, leaving room for a {@code -dlq}
 * suffix within AWS's 80-character limit. Immutable and thread-safe.
 */
public final class TestNames {

    /** The longest name this class returns. */
    public static final int MAX_LENGTH = 76;
    private static final String FIFO = ".fifo";
    private static final int SUFFIX_LENGTH = 1 + 8;

    private final long seed;

    /** Names derived from the given seed: equal seeds give equal names. */
    public TestNames(long seed) {
        this.seed = seed;
    }

    /** Names from a fresh random seed. */
    public static TestNames random() {
        return new TestNames(ThreadLocalRandom.current().nextLong());
    }

    /** A standard queue name, e.g. {@code orders-3f9a1c2b}. */
    public String queue(String base) {
        return name(standardBase(base), "");
    }

    /** A FIFO queue name, e.g. {@code orders-3f9a1c2b.fifo}; a trailing {@code .fifo} on the base is ignored. */
    public String fifoQueue(String base) {
        return name(fifoBase(base), FIFO);
    }

    /** A standard topic name, e.g. {@code orders-3f9a1c2b}. */
    public String topic(String base) {
        return name(standardBase(base), "");
    }

    /** A FIFO topic name, e.g. {@code orders-3f9a1c2b.fifo}; a trailing {@code .fifo} on the base is ignored. */
    public String fifoTopic(String base) {
        return name(fifoBase(base), FIFO);
    }

    private static String standardBase(String base) {
        requireBase(base);
        if (base.endsWith(FIFO)) {
            throw new IllegalArgumentException("base must not end with .fifo here; use fifoQueue/fifoTopic: " + base);
        }
        return base;
    }

    private static String fifoBase(String base) {
        requireBase(base);
        String stripped = base.endsWith(FIFO) ? base.substring(0, base.length() - FIFO.length()) : base;
        requireBase(stripped);
        return stripped;
    }

    private static void requireBase(String base) {
        Objects.requireNonNull(base, "base");
        if (base.isBlank()) {
            throw new IllegalArgumentException("base must not be blank");
        }
    }

    private String name(String base, String ending) {
        StringBuilder clean = new StringBuilder(base.length());
        for (char c : base.toCharArray()) {
            boolean allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_';
            clean.append(allowed ? c : '-');
        }
        int room = MAX_LENGTH - SUFFIX_LENGTH - ending.length();
        if (clean.length() > room) {
            clean.setLength(room);
        }
        return clean + "-" + String.format("%08x", (int) mix(seed ^ fnv1a(base))) + ending;
    }

    private static long fnv1a(String text) {
        long hash = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            hash ^= text.charAt(i);
            hash *= 0x100000001b3L;
        }
        return hash;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }

    @Override
    public String toString() {
        return "TestNames[" + Long.toHexString(seed) + "]";
    }
}
