// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.osgi.service.component.annotations.Activate;
import org.osgi.service.component.annotations.Component;
import org.osgi.service.component.annotations.Deactivate;
import org.osgi.service.component.annotations.Modified;
import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.Designate;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import io.erlmcp.drain.DrainStatus;
import io.erlmcp.drain.RequestGate;

/**
 * The {@link RequestGate}: a per-key in-flight counter and one volatile drain field. The fast path (no drain)
 * increments the key's counter, reads the field and returns; the increment comes before the read so a drain
 * that starts concurrently always sees the call either counted or held. The counters are {@link AtomicLong}s,
 * not {@code LongAdder}s: a drain must never read a call's decrement without its increment (an adder's sum is
 * not a snapshot), or it would see zero while a call is still running.
 */
@Component(service = RequestGate.class, configurationPid = RequestGateImpl.PID)
@Designate(ocd = RequestGateImpl.Config.class)
public class RequestGateImpl implements RequestGate {

    static final String PID = "io.erlmcp.drain";
    static final long DEFAULT_MAX_HOLD_MS = 30_000;

    @ObjectClassDefinition(name = "erlmcp request gate", description = "Graceful drain of MCP requests")
    public @interface Config {
        @AttributeDefinition(name = "Maximum hold (ms)",
                description = "A drain that nobody stops ends by itself after this long; held calls then proceed.")
        long max_hold_ms() default DEFAULT_MAX_HOLD_MS;
    }

    private static final Logger LOG = LoggerFactory.getLogger(RequestGateImpl.class);

    private final ConcurrentHashMap<String, AtomicLong> inFlight = new ConcurrentHashMap<>();
    private final AtomicLong waiting = new AtomicLong();
    // @Modified, not re-activation: the engine and the reload service hold this gate, and its counters are live
    private volatile long maxHoldMillis;
    private final ScheduledExecutorService timer;
    private volatile Drain drain;

    @Activate
    public RequestGateImpl(Config config) {
        this(config.max_hold_ms());
    }

    RequestGateImpl(long maxHoldMillis) {
        if (maxHoldMillis <= 0) {
            throw new IllegalArgumentException("max.hold.ms must be positive, was " + maxHoldMillis);
        }
        this.maxHoldMillis = maxHoldMillis;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "erlmcp-drain-timer");
            t.setDaemon(true);
            return t;
        });
    }

    @Modified
    void modified(Config config) {
        if (config.max_hold_ms() <= 0) {
            throw new IllegalArgumentException("max.hold.ms must be positive, was " + config.max_hold_ms());
        }
        maxHoldMillis = config.max_hold_ms();
        LOG.info("Drains now hold calls for at most {} ms", maxHoldMillis);
    }

    @Deactivate
    void deactivate() {
        stop();
        timer.shutdownNow();
    }

    @Override
    public Permit enter(String key) throws InterruptedException {
        AtomicLong counter = counter(key);
        for (;;) {
            counter.incrementAndGet();
            Drain d = drain;
            if (d == null || !d.covers(key)) {
                return new CountedPermit(counter);
            }
            counter.decrementAndGet();
            waiting.incrementAndGet();
            try {
                d.released.get(Math.max(1, d.deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                expire(d);
            } catch (ExecutionException e) {
                throw new AssertionError(e); // released is only ever completed normally
            } finally {
                waiting.decrementAndGet();
            }
        }
    }

    @Override
    public CompletionStage<Permit> admit(String key) {
        AtomicLong counter = counter(key);
        counter.incrementAndGet();
        Drain d = drain;
        if (d == null || !d.covers(key)) {
            return CompletableFuture.completedFuture(new CountedPermit(counter));
        }
        counter.decrementAndGet();
        waiting.incrementAndGet();
        return d.released.thenComposeAsync(v -> {
            waiting.decrementAndGet();
            return admit(key);
        });
    }

    @Override
    public DrainStatus start(Duration timeout) throws InterruptedException {
        return start(timeout, Set.of());
    }

    @Override
    public DrainStatus start(Duration timeout, Collection<String> keys) throws InterruptedException {
        if (timeout == null || timeout.isNegative()) {
            throw new IllegalArgumentException("drain timeout must be zero or positive, was " + timeout);
        }
        Drain started;
        long hold = maxHoldMillis;
        synchronized (this) {
            Drain old = drain;
            Set<String> union;
            if (old == null) {
                union = Set.copyOf(keys);
            } else if (old.keys.isEmpty() || keys.isEmpty()) {
                union = Set.of();
            } else {
                Set<String> both = new HashSet<>(old.keys);
                both.addAll(keys);
                union = Set.copyOf(both);
            }
            started = new Drain(union, old == null ? Instant.now() : old.since,
                    System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(hold));
            drain = started;
            if (old != null) {
                old.expiry.cancel(false);
                old.released.complete(null); // its waiters loop and wait on the new drain
            }
            started.expiry = timer.schedule(() -> expire(started), hold, TimeUnit.MILLISECONDS);
        }
        LOG.info("Drain started on {}", started.keys.isEmpty() ? "every key" : started.keys);
        long deadline = System.nanoTime() + timeout.toNanos();
        long running;
        while ((running = inFlight(started)) > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
        DrainStatus now = status();
        // report what the wait ended on: a call counted only while it turns back at the gate is not in flight
        return new DrainStatus(now.draining(), now.keys(), now.since(), running, now.waiting(), now.inFlightByKey(),
                now.maxHoldMillis());
    }

    @Override
    public DrainStatus stop() {
        Drain d;
        synchronized (this) {
            d = drain;
            drain = null;
        }
        if (d != null) {
            d.expiry.cancel(false);
            d.released.complete(null);
            LOG.info("Drain stopped; held calls proceed");
        }
        return status();
    }

    @Override
    public DrainStatus status() {
        Drain d = drain;
        Map<String, Long> byKey = new TreeMap<>();
        inFlight.forEach((k, c) -> {
            long n = c.get();
            if (n > 0) {
                byKey.put(k, n);
            }
        });
        return new DrainStatus(d != null, d == null ? Set.of() : d.keys, d == null ? null : d.since,
                d == null ? inFlight(null) : inFlight(d), waiting.get(), byKey, maxHoldMillis);
    }

    private void expire(Drain d) {
        synchronized (this) {
            if (drain != d) {
                return;
            }
            drain = null;
        }
        d.released.complete(null);
        LOG.warn("Drain on {} ended by itself after {} ms; held calls proceed",
                d.keys.isEmpty() ? "every key" : d.keys, maxHoldMillis);
    }

    private long inFlight(Drain d) {
        long sum = 0;
        for (Map.Entry<String, AtomicLong> e : inFlight.entrySet()) {
            if (d == null || d.covers(e.getKey())) {
                sum += e.getValue().get();
            }
        }
        return sum;
    }

    private AtomicLong counter(String key) {
        if (key == null) {
            throw new NullPointerException("key");
        }
        AtomicLong counter = inFlight.get(key);
        return counter != null ? counter : inFlight.computeIfAbsent(key, k -> new AtomicLong());
    }

    private static final class Drain {
        final Set<String> keys;
        final Instant since;
        final long deadlineNanos;
        final CompletableFuture<Void> released = new CompletableFuture<>();
        volatile ScheduledFuture<?> expiry;

        Drain(Set<String> keys, Instant since, long deadlineNanos) {
            this.keys = keys;
            this.since = since;
            this.deadlineNanos = deadlineNanos;
        }

        boolean covers(String key) {
            return keys.isEmpty() || keys.contains(key);
        }
    }

    private static final class CountedPermit extends AtomicBoolean implements Permit {
        private static final long serialVersionUID = 1L;
        private final transient AtomicLong counter;

        CountedPermit(AtomicLong counter) {
            this.counter = counter;
        }

        @Override
        public void close() {
            if (compareAndSet(false, true)) {
                counter.decrementAndGet();
            }
        }
    }
}
