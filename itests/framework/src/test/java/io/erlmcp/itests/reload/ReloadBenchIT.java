// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload;

import static io.erlmcp.itests.reload.ReloadSupport.await;
import static io.erlmcp.itests.reload.ReloadSupport.fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

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

import io.erlmcp.drain.RequestGate;
import io.erlmcp.itests.reload.ReloadSupport.EchoClient;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadService;

/**
 * 16 sessions call echo in a closed loop while its bundle is reloaded 20 times by the shell's two-phase
 * reload and 20 times by copying a jar into deploy/. Every call must answer; the stall (p99, max) is printed
 * as {@code RELOAD-BENCH} lines.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class ReloadBenchIT {

    static final int SESSIONS = 16;
    static final int RELOADS = 20;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin cm;

    @InjectService(timeout = 5000)
    CommandProcessor processor;

    @InjectService(timeout = 5000)
    RequestGate gate;

    @TempDir
    Path base;

    @AfterEach
    void cleanUp() throws Exception {
        ReloadSupport.unwatch(cm);
        ReloadSupport.removeFixtures();
    }

    @Test
    void shellTwoPhaseReloads() throws Exception {
        ReloadService reload = ReloadSupport.watch(context, cm, Files.createDirectories(base.resolve("deploy")));
        ReloadSupport.install(reload, Fixtures.echo(base.resolve("v1.jar"), "1.0.0"));
        Path[] jars = { Fixtures.echo(base.resolve("v1.jar"), "1.0.0"), Fixtures.echo(base.resolve("v2.jar"), "2.0.0") };
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
        Path deploy = Files.createDirectories(base.resolve("deploy"));
        ReloadService reload = ReloadSupport.watch(context, cm, deploy);
        Fixtures.echo(deploy.resolve("echo.jar"), "1.0.0");
        await("v1 deployed", () -> fixtures(context).size() == 1 && fixtures(context).get(0).getState() == Bundle.ACTIVE);
        Bundle bundle = fixtures(context).get(0);
        measure("deploy/ copy", i -> {
            int major = (i + 1) % 2 + 1;
            Fixtures.echo(deploy.resolve("echo.jar"), major + ".0.0");
            await("v" + major + " deployed", () -> bundle.getVersion().getMajor() == major
                    && reload.status().last() != null && reload.status().last().bundles().toString().contains(major + ".0.0"));
            ReloadReport report = reload.status().last();
            held.add(report.drainMillis() + report.swapMillis());
        });
    }

    interface Reload {
        void run(int i) throws Exception;
    }

    /** Per reload: how long the reload itself says calls were held (drain + swap + verify), in ms. */
    private final List<Long> held = new java.util.concurrent.CopyOnWriteArrayList<>();

    private void measure(String name, Reload reloadOnce) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(SESSIONS);
        AtomicBoolean stop = new AtomicBoolean();
        ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
        List<Future<long[]>> sessions = new ArrayList<>();
        try (EchoClient client = new EchoClient(context, gate)) {
            client.awaitCall("warm");
            for (int s = 0; s < SESSIONS; s++) {
                sessions.add(pool.submit(() -> {
                    long[] latencies = new long[1 << 16];
                    int n = 0;
                    while (!stop.get()) {
                        long t0 = System.nanoTime();
                        try {
                            String reply = client.call("x");
                            if (!reply.equals("v1:x") && !reply.equals("v2:x")) {
                                failures.add("unexpected reply " + reply);
                            }
                        } catch (Exception e) {
                            failures.add(e.toString());
                        }
                        long took = System.nanoTime() - t0;
                        if (n == latencies.length) {
                            latencies = Arrays.copyOf(latencies, n * 2);
                        }
                        latencies[n++] = took;
                    }
                    return Arrays.copyOf(latencies, n);
                }));
            }
            long t0 = System.nanoTime();
            for (int i = 0; i < RELOADS; i++) {
                reloadOnce.run(i);
            }
            long elapsed = System.nanoTime() - t0;
            stop.set(true);
            List<long[]> all = new ArrayList<>();
            for (Future<long[]> f : sessions) {
                all.add(f.get(30, TimeUnit.SECONDS));
            }
            long[] merged = all.stream().flatMapToLong(Arrays::stream).sorted().toArray();
            System.out.printf(Locale.ROOT,
                    "RELOAD-BENCH %s: %d sessions, %d reloads in %.1f s, %d calls, %d failed, "
                            + "p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms, max %.1f ms%n",
                    name, SESSIONS, RELOADS, elapsed / 1e9, merged.length, failures.size(), pct(merged, 0.50),
                    pct(merged, 0.99), pct(merged, 0.999), merged[merged.length - 1] / 1e6);
            long[] h = held.stream().mapToLong(Long::longValue).sorted().toArray();
            System.out.printf(Locale.ROOT, "RELOAD-BENCH %s: calls held per reload (drain+swap+verify) median %d ms, max %d ms%n",
                    name, h[h.length / 2], h[h.length - 1]);
            assertThat(failures).as("failed calls").isEmpty();
            assertThat(merged.length).isGreaterThan(SESSIONS * RELOADS);
        } finally {
            stop.set(true);
            pool.shutdownNow();
        }
    }

    private static double pct(long[] sorted, double p) {
        return sorted[(int) Math.min(sorted.length - 1, Math.floor(p * sorted.length))] / 1e6;
    }
}
