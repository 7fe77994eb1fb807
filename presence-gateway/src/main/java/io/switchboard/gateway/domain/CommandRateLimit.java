package io.switchboard.gateway.domain;

/**
 * A token bucket per connection: a burst of commands, then a steady rate. A person clicking never comes near it; a
 * script or a stuck key does, and is answered {@code rate_limited} before anything reaches Kafka, so one connection
 * cannot flood call-state for everyone. Times are {@link System#nanoTime()} values, passed in.
 */
public final class CommandRateLimit {
    private final double tokensPerNano;
    private final double burst;
    private double tokens;
    private long last;

    public CommandRateLimit(double perSecond, int burst, long now) {
        if (perSecond <= 0 || burst < 1) {
            throw new IllegalArgumentException("A command rate needs a positive rate and a burst of at least 1");
        }
        this.tokensPerNano = perSecond / 1_000_000_000d;
        this.burst = burst;
        this.tokens = burst;
        this.last = now;
    }

    /** @return whether a command may go now; if so it is counted */
    public synchronized boolean take(long now) {
        tokens = Math.min(burst, tokens + Math.max(0, now - last) * tokensPerNano);
        last = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    }
}
