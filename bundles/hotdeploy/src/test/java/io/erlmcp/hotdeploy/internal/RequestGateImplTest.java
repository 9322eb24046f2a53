// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.hotdeploy.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.erlmcp.drain.DrainStatus;
import io.erlmcp.drain.RequestGate.Permit;

class RequestGateImplTest {

    private final RequestGateImpl gate = new RequestGateImpl(2_000);
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void tearDown() {
        gate.deactivate();
        pool.shutdownNow();
    }

    @Test
    void countsCallsInFlightWhileNoDrain() throws Exception {
        Permit a = gate.enter("tools");
        Permit b = gate.enter("tools");
        assertThat(gate.status().inFlight()).isEqualTo(2);
        a.close();
        a.close(); // a second close changes nothing
        assertThat(gate.status().inFlightByKey()).containsEntry("tools", 1L);
        b.close();
        assertThat(gate.status().inFlight()).isZero();
        assertThat(gate.status().draining()).isFalse();
    }

    @Test
    void drainWaitsForCallsInFlightAndHoldsNewOnesUntilStop() throws Exception {
        Permit running = gate.enter("tools");
        Future<DrainStatus> draining = pool.submit(() -> gate.start(Duration.ofSeconds(5), Set.of("tools")));
        awaitTrue(() -> gate.status().draining());
        assertThat(draining.isDone()).as("drain waits for the call in flight").isFalse();

        Future<Permit> held = pool.submit(() -> gate.enter("tools"));
        Permit other = gate.enter("resources"); // not drained: passes
        other.close();
        awaitTrue(() -> gate.status().waiting() == 1);
        assertThat(held.isDone()).isFalse();

        running.close();
        DrainStatus drained = draining.get(5, TimeUnit.SECONDS);
        assertThat(drained.inFlight()).isZero();
        assertThat(drained.keys()).containsExactly("tools");
        assertThat(held.isDone()).as("still held after the drain completed").isFalse();

        gate.stop();
        held.get(5, TimeUnit.SECONDS).close();
        assertThat(gate.status().waiting()).isZero();
    }

    @Test
    void drainTimeoutReportsCallsStillInFlight() throws Exception {
        Permit running = gate.enter("x");
        DrainStatus status = gate.start(Duration.ofMillis(50));
        assertThat(status.draining()).isTrue();
        assertThat(status.inFlight()).isEqualTo(1);
        running.close();
        gate.stop();
    }

    @Test
    void asyncAdmitCompletesWhenTheDrainEnds() throws Exception {
        gate.start(Duration.ZERO);
        CompletableFuture<Permit> admitted = gate.admit("x").toCompletableFuture();
        assertThat(admitted).isNotDone();
        gate.stop();
        admitted.get(5, TimeUnit.SECONDS).close();
        assertThat(gate.admit("x").toCompletableFuture()).isDone();
    }

    @Test
    void aForgottenDrainEndsByItself() throws Exception {
        RequestGateImpl quick = new RequestGateImpl(100);
        try {
            quick.start(Duration.ZERO);
            long t0 = System.nanoTime();
            quick.enter("x").close();
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(2_000L);
            assertThat(quick.status().draining()).isFalse();
        } finally {
            quick.deactivate();
        }
    }

    @Test
    void everyCallPassesUnderConcurrentDrains() throws Exception {
        AtomicLong calls = new AtomicLong();
        CountDownLatch stop = new CountDownLatch(1);
        List<Future<?>> clients = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            clients.add(pool.submit(() -> {
                while (stop.getCount() > 0) {
                    try (Permit p = gate.enter("echo")) {
                        calls.incrementAndGet();
                    }
                }
                return null;
            }));
        }
        for (int i = 0; i < 20; i++) {
            DrainStatus s = gate.start(Duration.ofSeconds(1), Set.of("echo"));
            assertThat(s.inFlight()).isZero();
            gate.stop();
        }
        stop.countDown();
        for (Future<?> f : clients) {
            f.get(5, TimeUnit.SECONDS);
        }
        assertThat(calls.get()).isPositive();
        assertThat(gate.status().inFlight()).isZero();
    }

    @Test
    void rejectsBadInput() {
        assertThatThrownBy(() -> gate.start(Duration.ofMillis(-1))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new RequestGateImpl(0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> gate.enter(null)).isInstanceOf(NullPointerException.class);
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("condition within 5 s").isNegative();
            Thread.sleep(2);
        }
    }
}
