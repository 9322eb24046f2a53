// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload.mcp;

import static io.erlmcp.itests.reload.mcp.McpFixtures.await;
import static io.erlmcp.itests.reload.mcp.McpFixtures.installed;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.felix.service.command.CommandProcessor;
import org.apache.felix.service.command.CommandSession;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadService;
import io.erlmcp.transport.McpServerEndpoint;

/**
 * The benchmark through MCP: 16 engine sessions call {@code tools/call echo} in a closed loop while the tool bundle
 * that provides it is reloaded 20 times by the shell's two-phase {@code reload:prepare} + {@code reload:finish}, and
 * 20 times by copying its jar into deploy/. Not one call may fail. Each call's latency is recorded and classed as
 * "during a swap" (it overlapped a reload, from the command or the copy to the swap being seen done) or "steady";
 * p50/p99/p99.9/max of both, and the longest time no session got an answer, are printed as
 * {@code MCP-RELOAD-BENCH} lines. Bounded: at most {@value #MAX_CALLS} calls per session and
 * {@value #MAX_SECONDS} s per run.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class McpReloadBenchIT {

    static final int SESSIONS = 16;
    static final int RELOADS = 20;
    static final int MAX_CALLS = 1 << 20;
    static final int MAX_SECONDS = 60;
    static final long STEADY_MS = 500;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin cm;

    @InjectService(timeout = 5000)
    CommandProcessor processor;

    @InjectService(timeout = 10_000)
    McpServerEndpoint endpoint;

    @TempDir
    Path base;

    /** Per reload: how long the reload itself says calls were held (drain + swap + verify), in ms. */
    private final List<Long> held = new ArrayList<>();

    Path deploy;

    @AfterEach
    void cleanUp() throws Exception {
        McpFixtures.unwatch(context, cm, deploy);
        McpFixtures.remove(context);
    }

    @Test
    void shellTwoPhaseReloads() throws Exception {
        ReloadService reload = McpFixtures.unwatched(context);
        Path[] jars = { McpFixtures.echo(base.resolve("v1.jar"), "1.0.0"), McpFixtures.echo(base.resolve("v2.jar"), "2.0.0") };
        McpFixtures.swap(reload, jars[0]);
        measure("shell reload:prepare + reload:finish", i -> {
            try (CommandSession session = processor.createSession(new ByteArrayInputStream(new byte[0]),
                    new PrintStream(System.out, true, StandardCharsets.UTF_8), System.err)) {
                session.execute("reload:prepare " + jars[(i + 1) % 2]);
                ReloadReport report = (ReloadReport) session.execute("reload:finish");
                assertThat(report.outcome()).as(report.messages().toString()).isEqualTo(ReloadReport.Outcome.SWAPPED);
                held.add(report.drainMillis() + report.swapMillis());
            }
        });
    }

    @Test
    void deployDirectoryCopies() throws Exception {
        deploy = Files.createDirectories(base.resolve("deploy"));
        ReloadService reload = McpFixtures.watch(context, cm, deploy);
        McpFixtures.echo(deploy.resolve("echo.jar"), "1.0.0");
        await("v1 deployed", () -> installed(context) != null && installed(context).getState() == Bundle.ACTIVE);
        Bundle bundle = installed(context);
        measure("deploy/ copy", i -> {
            int major = (i + 1) % 2 + 1;
            McpFixtures.echo(deploy.resolve("echo.jar"), major + ".0.0");
            await("v" + major + " deployed", () -> bundle.getVersion().getMajor() == major && bundle.getState() == Bundle.ACTIVE
                    && reload.status().last() != null && reload.status().last().bundles().toString().contains(major + ".0.0"));
            ReloadReport report = reload.status().last();
            assertThat(report.outcome()).isEqualTo(ReloadReport.Outcome.SWAPPED);
            held.add(report.drainMillis() + report.swapMillis());
        });
    }

    interface Reload {
        void run(int i) throws Exception;
    }

    private void measure(String name, Reload reloadOnce) throws Exception {
        long[][] windows = new long[RELOADS][];
        long from;
        long to;
        long elapsed;
        try (McpLoad load = new McpLoad(endpoint, SESSIONS, MAX_CALLS, Duration.ofSeconds(MAX_SECONDS))) {
            load.awaitCalls(200); // warm-up, not measured
            long[] gc0 = gc();
            from = System.nanoTime();
            Thread.sleep(STEADY_MS);
            long t0 = System.nanoTime();
            for (int i = 0; i < RELOADS; i++) {
                long start = System.nanoTime();
                reloadOnce.run(i);
                windows[i] = new long[] { start, System.nanoTime() };
                load.awaitCalls(1); // every session answered since
            }
            elapsed = System.nanoTime() - t0;
            Thread.sleep(STEADY_MS);
            to = System.nanoTime();
            long[] gc1 = gc();
            load.stop();
            assertThat(load.failures()).as("failed calls").isEmpty();

            long[] steady = new long[(int) load.calls()];
            long[] swapping = new long[steady.length];
            long[] ends = new long[steady.length];
            long[] slowest = new long[RELOADS];
            int ns = 0;
            int nw = 0;
            int ne = 0;
            for (McpLoad.Track t : load.tracks) {
                for (int i = 0; i < t.count.get(); i++) {
                    long s = t.start[i];
                    long e = s + t.took[i];
                    if (s < from || e > to) {
                        continue;
                    }
                    ends[ne++] = e;
                    int w = overlapping(windows, s, e);
                    if (w >= 0) {
                        slowest[w] = Math.max(slowest[w], t.took[i]);
                        swapping[nw++] = t.took[i];
                    } else {
                        steady[ns++] = t.took[i];
                    }
                }
            }
            steady = sorted(steady, ns);
            swapping = sorted(swapping, nw);
            ends = sorted(ends, ne);
            long gap = 0;
            long gapAt = from;
            for (int i = 1; i < ends.length; i++) {
                if (ends[i] - ends[i - 1] > gap) {
                    gap = ends[i] - ends[i - 1];
                    gapAt = ends[i - 1];
                }
            }
            int gapIn = overlapping(windows, gapAt, gapAt + gap);
            System.out.printf(Locale.ROOT, "MCP-RELOAD-BENCH %s: %d sessions, %d reloads in %.1f s, %d calls measured "
                    + "(%.0f calls/s), %d failed%n", name, SESSIONS, RELOADS, elapsed / 1e9, ne,
                    ne / ((to - from) / 1e9), load.failures().size());
            System.out.println("MCP-RELOAD-BENCH " + name + ": steady      " + stats(steady));
            System.out.println("MCP-RELOAD-BENCH " + name + ": during swap " + stats(swapping));
            long[] h = held.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "MCP-RELOAD-BENCH %s: longest stall: slowest call %.1f ms, longest time "
                    + "without any answer %.1f ms; calls held per reload (drain+swap+verify) median %d ms, max %d ms%n",
                    name, Math.max(max(steady), max(swapping)) / 1e6, gap / 1e6, h[h.length / 2], h[h.length - 1]);
            System.out.printf(Locale.ROOT, "MCP-RELOAD-BENCH %s: the longest time without any answer began %s; "
                    + "GC while measuring: %d collections, %d ms in total%n", name, gapIn < 0 ? "outside the reloads"
                            : String.format(Locale.ROOT, "%.1f ms into reload %d (which took %.1f ms)",
                                    (gapAt - windows[gapIn][0]) / 1e6, gapIn, (windows[gapIn][1] - windows[gapIn][0]) / 1e6),
                    gc1[0] - gc0[0], gc1[1] - gc0[1]);
            System.out.println("MCP-RELOAD-BENCH " + name + ": calls held per reload (ms) " + held);
            System.out.println("MCP-RELOAD-BENCH " + name + ": slowest call per reload (ms) " + Arrays.toString(
                    Arrays.stream(slowest).map(v -> Math.round(v / 1e6)).toArray()));
            assertThat(ne).isGreaterThan(SESSIONS * RELOADS);
            assertThat(swapping).as("calls during swaps").isNotEmpty();
        }
    }

    /** @return collections and milliseconds spent in them so far, over every collector */
    private static long[] gc() {
        long count = 0;
        long millis = 0;
        for (GarbageCollectorMXBean gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            count += Math.max(0, gc.getCollectionCount());
            millis += Math.max(0, gc.getCollectionTime());
        }
        return new long[] { count, millis };
    }

    /** @return the index of the first reload the call [s, e] overlapped, or -1 */
    private static int overlapping(long[][] windows, long s, long e) {
        for (int i = 0; i < windows.length; i++) {
            if (windows[i] != null && s < windows[i][1] && e > windows[i][0]) {
                return i;
            }
        }
        return -1;
    }

    private static long[] sorted(long[] values, int n) {
        long[] out = Arrays.copyOf(values, n);
        Arrays.sort(out);
        return out;
    }

    private static long max(long[] sorted) {
        return sorted.length == 0 ? 0 : sorted[sorted.length - 1];
    }

    private static String stats(long[] sorted) {
        if (sorted.length == 0) {
            return "no calls";
        }
        return String.format(Locale.ROOT, "%8d calls: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.1f ms",
                sorted.length, pct(sorted, 0.50), pct(sorted, 0.99), pct(sorted, 0.999), max(sorted) / 1e6);
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }
}
