// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;

import io.erlmcp.client.ConnectionListener;
import io.erlmcp.client.ConnectionListener.State;

/**
 * Reopens a lost connection with exponential backoff and jitter: attempt {@code n} waits a random time between half
 * and all of {@code min(max, initial * 2^(n-1))}, then runs the given reopen step (open the transport, initialize
 * again). One reconnecting thread at a time; a connection lost again while an attempt runs makes that attempt
 * count as failed. Tells the listeners about every step.
 */
public final class Reconnector {

    /** When and how often to try: the first delay, the largest delay, and how many attempts before giving up. */
    public record Policy(Duration initial, Duration max, int maxAttempts) {
        public Policy {
            Objects.requireNonNull(initial, "initial");
            Objects.requireNonNull(max, "max");
            if (initial.isNegative() || initial.isZero()) {
                throw new IllegalArgumentException("initial delay must be positive: " + initial);
            }
            if (max.compareTo(initial) < 0) {
                throw new IllegalArgumentException("max delay " + max + " is less than the initial delay " + initial);
            }
            if (maxAttempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be at least 1: " + maxAttempts);
            }
        }

        /** The delay before attempt {@code attempt} (1-based) for a {@code random} value in [0, 1). */
        public Duration delay(int attempt, double random) {
            long cap = max.toMillis();
            long delay = initial.toMillis();
            for (int i = 1; i < attempt && delay < cap; i++) {
                delay *= 2;
            }
            delay = Math.min(delay, cap);
            return Duration.ofMillis(delay / 2 + (long) (random * (delay - delay / 2)));
        }
    }

    /** Opens the transport again and runs the initialize handshake; throws if that fails. */
    @FunctionalInterface
    public interface Reopen {
        void reopen() throws Exception;
    }

    private final Policy policy;
    private final List<ConnectionListener> listeners;
    private final Reopen reopen;
    private Thread thread; // guarded by this
    private boolean lostAgain; // guarded by this
    private boolean stopped; // guarded by this

    /** @param policy null: never reconnect, only tell the listeners the connection was lost */
    public Reconnector(Policy policy, List<ConnectionListener> listeners, Reopen reopen) {
        this.policy = policy;
        this.listeners = listeners;
        this.reopen = reopen;
    }

    /** The connection ended unexpectedly: tells the listeners and, with a policy, starts reconnecting. */
    public void lost(String reason) {
        synchronized (this) {
            if (stopped) {
                return;
            }
            if (thread != null) {
                lostAgain = true;
                return;
            }
        }
        tell(State.LOST, 0, reason);
        if (policy == null) {
            return;
        }
        synchronized (this) {
            if (stopped || thread != null) {
                return;
            }
            thread = new Thread(() -> run(reason), "erlmcp-client-reconnect");
            thread.setDaemon(true);
            thread.start();
        }
    }

    /** True while a reconnect is under way. */
    public synchronized boolean reconnecting() {
        return thread != null;
    }

    /** Stops reconnecting for good (the client is closing). */
    public void stop() {
        Thread t;
        synchronized (this) {
            stopped = true;
            t = thread;
        }
        if (t != null && t != Thread.currentThread()) {
            t.interrupt();
        }
    }

    private void run(String firstReason) {
        String last = firstReason;
        try {
            for (int attempt = 1; attempt <= policy.maxAttempts(); attempt++) {
                Duration delay = policy.delay(attempt, ThreadLocalRandom.current().nextDouble());
                tell(State.RECONNECTING, attempt, "in " + delay.toMillis() + " ms (" + last + ")");
                Thread.sleep(delay.toMillis());
                synchronized (this) {
                    if (stopped) {
                        throw new InterruptedException("stopped");
                    }
                    lostAgain = false;
                }
                try {
                    reopen.reopen();
                } catch (Exception e) {
                    last = String.valueOf(e.getMessage());
                    continue;
                }
                boolean done;
                synchronized (this) {
                    done = !lostAgain;
                    if (done) {
                        thread = null;
                    }
                }
                if (done) {
                    tell(State.RECONNECTED, attempt, "a new session");
                    return;
                }
                last = "the connection was lost again";
            }
            tell(State.FAILED, policy.maxAttempts(), "gave up after " + policy.maxAttempts() + " attempts: " + last);
        } catch (InterruptedException e) {
            tell(State.FAILED, 0, "client closed");
        } finally {
            synchronized (this) {
                if (thread == Thread.currentThread()) {
                    thread = null;
                }
            }
        }
    }

    private void tell(State state, int attempt, String detail) {
        for (ConnectionListener l : listeners) {
            try {
                l.onConnectionState(state, attempt, detail);
            } catch (RuntimeException e) {
                // A listener's failure must not stop reconnecting.
            }
        }
    }
}
