// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkUtil;
import org.osgi.framework.ServiceReference;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import io.erlmcp.drain.RequestGate;
import io.erlmcp.reload.PrepareReport;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadService;

/** What the reload itests share: the echo client (the in-framework stand-in for an MCP client) and cleanup. */
final class ReloadSupport {

    private ReloadSupport() {
    }

    /**
     * Calls the echo tool as the engine must (see {@link RequestGate}): key = the symbolic name of the bundle that
     * registered the tool, or {@link RequestGate#UNKNOWN} when no tool is registered right now; enter the gate;
     * look the tool up again.
     */
    static final class EchoClient implements AutoCloseable {
        private final RequestGate gate;
        private final ServiceTracker<Function<String, String>, Function<String, String>> tracker;

        @SuppressWarnings({ "unchecked", "rawtypes" })
        EchoClient(BundleContext context, RequestGate gate) throws Exception {
            this.gate = gate;
            this.tracker = new ServiceTracker(context,
                    context.createFilter("(&(objectClass=java.util.function.Function)" + Fixtures.FILTER + ")"), null);
            tracker.open();
        }

        /** @return the reply; throws when no echo service answers */
        String call(String input) throws InterruptedException {
            ServiceReference<Function<String, String>> ref = tracker.getServiceReference();
            Bundle provider = ref == null ? null : ref.getBundle();
            String key = provider == null ? RequestGate.UNKNOWN : provider.getSymbolicName();
            try (RequestGate.Permit permit = gate.enter(key)) {
                Function<String, String> echo = tracker.getService();
                if (echo == null) {
                    throw new IllegalStateException("no echo service");
                }
                return echo.apply(input);
            }
        }

        /** @return the reply once the service appears (for setup, not measured) */
        String awaitCall(String input) throws InterruptedException {
            tracker.waitForService(5000);
            return call(input);
        }

        @Override
        public void close() {
            tracker.close();
        }
    }

    static ReloadReport install(ReloadService reload, Path jar) {
        PrepareReport prepared = reload.prepare(List.of(jar.toString()));
        assertThat(prepared.problems()).isEmpty();
        ReloadReport report = reload.finish(Duration.ofSeconds(5));
        assertThat(report.outcome()).as(report.messages().toString()).isEqualTo(ReloadReport.Outcome.SWAPPED);
        return report;
    }

    static List<Bundle> fixtures(BundleContext context) {
        List<Bundle> found = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getSymbolicName() != null && b.getSymbolicName().startsWith("io.erlmcp.itests.fixture.")) {
                found.add(b);
            }
        }
        return found;
    }

    /** @return the installed bundle with this symbolic name */
    static Bundle bundle(BundleContext context, String bsn) {
        for (Bundle b : context.getBundles()) {
            if (bsn.equals(b.getSymbolicName())) {
                return b;
            }
        }
        throw new AssertionError(bsn + " is not installed");
    }

    static List<Bundle> candidates(BundleContext context) {
        List<Bundle> found = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (b.getLocation().startsWith("erlmcp-reload-candidate:")) {
                found.add(b);
            }
        }
        return found;
    }

    /** Uninstalls every fixture bundle and refreshes. */
    static void removeFixtures() throws Exception {
        BundleContext context = FrameworkUtil.getBundle(ReloadSupport.class).getBundleContext();
        List<Bundle> found = fixtures(context);
        for (Bundle b : found) {
            b.uninstall();
        }
        if (!found.isEmpty()) {
            CountDownLatch done = new CountDownLatch(1);
            context.getBundle(Constants.SYSTEM_BUNDLE_LOCATION).adapt(FrameworkWiring.class).refreshBundles(found,
                    e -> {
                        if (e.getType() == FrameworkEvent.PACKAGES_REFRESHED) {
                            done.countDown();
                        }
                    });
            assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    /** Points the hot-deploy component at {@code dir} (polled every 100 ms). @return the reconfigured service */
    static ReloadService watch(BundleContext context, ConfigurationAdmin cm, Path dir) throws Exception {
        Configuration config = cm.getConfiguration("io.erlmcp.hotdeploy", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("deploy.dir", dir.toString());
        props.put("poll.ms", 100L);
        config.update(props);
        ServiceTracker<ReloadService, ReloadService> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + ReloadService.class.getName() + ")(deploy.dir="
                        + dir.toString().replace("\\", "\\\\") + "))"), null);
        tracker.open();
        try {
            ReloadService service = tracker.waitForService(10_000);
            assertThat(service).as("ReloadService watching " + dir).isNotNull();
            return service;
        } finally {
            tracker.close();
        }
    }

    /** Removes the configuration {@link #watch} made. */
    static void unwatch(ConfigurationAdmin cm) throws Exception {
        Configuration[] configs = cm.listConfigurations("(service.pid=io.erlmcp.hotdeploy)");
        if (configs != null) {
            for (Configuration c : configs) {
                c.delete();
            }
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("within 15 s: " + what).isNegative();
            Thread.sleep(20);
        }
    }
}
