// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A node's vitals before the bad inputs, and the check after each one that they came back: busy threads, sessions
 * and requests in flight to the baseline exactly, all threads to at most {@link #THREAD_SLACK} above it, live heap to at most
 * {@link #HEAP_SLACK} above it, all within {@link #SETTLE_MILLIS} (polling). Every check is appended to
 * {@code target/robustness-results.txt}.
 */
final class Baseline {

    /**
     * Pool threads that may still be idle after a case: the TCP listener's pool and the engine's handler pool
     * keep an idle thread for 60 s, and a case can need one or two more than the warm-up did.
     */
    static final int THREAD_SLACK = 4;
    /** Live heap a case may leave: class loading, JIT-held constants, log buffers; far below one leaked frame. */
    static final long HEAP_SLACK = 4L << 20;
    /**
     * Longest wait for the vitals to come back: idle timeouts (2 s to 5 s), a session expiry round, and room for a
     * loaded machine (each reading runs two control clients and jcmd).
     */
    static final long SETTLE_MILLIS = 20_000;

    private static final Path RESULTS = Path.of("target/robustness-results.txt");

    static {
        try {
            Files.deleteIfExists(RESULTS); // one run's numbers
        } catch (IOException e) {
            System.out.println("[robustness] could not delete " + RESULTS + ": " + e);
        }
    }

    private final Node node;
    private final String transport;
    private final Vitals before;
    private long caseStart = System.nanoTime();

    private Baseline(Node node, String transport, Vitals before) {
        this.node = node;
        this.transport = transport;
        this.before = before;
    }

    /**
     * Reads the baseline of {@code node}; call after a warm-up that used the transport normally. Waits (bounded)
     * until the warm-up's sessions have ended, down to {@code sessions}, and nothing is in flight.
     */
    static Baseline of(Node node, String transport, int sessions) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000L;
        Vitals v = Vitals.of(node);
        while ((v.sessions() > sessions || v.inFlight() > 0) && System.nanoTime() < deadline) {
            Thread.sleep(250);
            v = Vitals.of(node);
        }
        assertThat(v.sessions()).as("%s baseline: sessions left from the warm-up", transport).isEqualTo(sessions);
        record(transport + " baseline: " + v.describe() + " " + v.busyNames());
        return new Baseline(node, transport, v);
    }

    /** Marks the start of a case (for the time it took, in the results). */
    void begin() {
        caseStart = System.nanoTime();
    }

    /** Waits until the vitals are back within the tolerances; fails the case otherwise. */
    Vitals settle(String inputCase) throws IOException, InterruptedException {
        long start = System.nanoTime();
        long deadline = start + SETTLE_MILLIS * 1_000_000L;
        Vitals now;
        String firstMiss = null; // what the first reading still had above the baseline (diagnostics)
        while (true) {
            now = Vitals.of(node);
            String miss = (now.busy() > before.busy() ? " busy " + now.busyNames() : "")
                    + (now.threads() > before.threads() + THREAD_SLACK ? " threads " + now.threads() : "")
                    + (now.heap() > before.heap() + HEAP_SLACK ? " heap " + now.heap() : "")
                    + (now.sessions() > before.sessions() ? " sessions " + now.sessions() : "")
                    + (now.inFlight() > before.inFlight() ? " in flight " + now.inFlight() : "");
            if (firstMiss == null) {
                firstMiss = miss;
            }
            if (miss.isEmpty() || System.nanoTime() > deadline) {
                break;
            }
            Thread.sleep(500);
        }
        long took = (System.nanoTime() - start) / 1_000_000;
        record(String.format("%s %s: before %s; after %s (case %d ms, settled in %d ms%s)", transport, inputCase,
                before.describe(), now.describe(), (start - caseStart) / 1_000_000, took,
                firstMiss.isEmpty() ? "" : "; first reading had" + firstMiss));
        assertThat(now.busy()).as("%s %s: busy threads %s (baseline %s)\n%s", transport, inputCase,
                now.busyNames(), before.busyNames(), node.logTail()).isLessThanOrEqualTo(before.busy());
        assertThat(now.threads()).as("%s %s: threads", transport, inputCase)
                .isLessThanOrEqualTo(before.threads() + THREAD_SLACK);
        assertThat(now.heap()).as("%s %s: live heap", transport, inputCase)
                .isLessThanOrEqualTo(before.heap() + HEAP_SLACK);
        assertThat(now.sessions()).as("%s %s: sessions", transport, inputCase).isLessThanOrEqualTo(before.sessions());
        assertThat(now.inFlight()).as("%s %s: requests in flight", transport, inputCase)
                .isLessThanOrEqualTo(before.inFlight());
        return now;
    }

    static synchronized void record(String line) {
        System.out.println("[robustness] " + line);
        try {
            Files.createDirectories(RESULTS.getParent());
            Files.writeString(RESULTS, line + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
        } catch (IOException e) {
            System.out.println("[robustness] could not write " + RESULTS + ": " + e);
        }
    }
}
