// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.wiring.FrameworkWiring;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

import io.erlmcp.itests.TestBundles;
import io.erlmcp.itests.reload.fixture.FailingActivator;
import io.erlmcp.itests.reload.mcp.fixture.EchoTool;
import io.erlmcp.reload.PrepareReport;
import io.erlmcp.reload.ReloadReport;
import io.erlmcp.reload.ReloadService;

/**
 * Builds the MCP tool bundle the MCP reload itests swap, {@value #BSN}: a DS component providing
 * {@link io.erlmcp.mcp.Tool} {@code echo}, in versions that differ in their manifest (the reply, a failing
 * component, a failing activator); and the set-up and clean-up those tests share.
 */
final class McpFixtures {

    /** Starts with {@code io.erlmcp.itests.fixture.}, so the other reload itests' clean-up removes it too. */
    static final String BSN = "io.erlmcp.itests.fixture.mcpecho";

    private static final String DS = """
            <?xml version="1.0" encoding="UTF-8"?>
            <scr:component xmlns:scr="http://www.osgi.org/xmlns/scr/v1.3.0" name="fixture.mcpecho" immediate="true" activate="activate">
              <implementation class="%s"/>
              <service><provide interface="io.erlmcp.mcp.Tool"/></service>
            </scr:component>
            """.formatted(EchoTool.class.getName());

    private McpFixtures() {
    }

    /** A working echo tool bundle answering {@code v<major>:<msg>}. */
    static Path echo(Path target, String version) throws IOException {
        return echo(target, version, Map.of());
    }

    /** The echo tool bundle whose component throws in activate. */
    static Path failingComponent(Path target, String version) throws IOException {
        return echo(target, version, Map.of("X-Fixture-Fail", "true"));
    }

    /** The echo tool bundle whose Bundle-Activator throws. */
    static Path failingActivator(Path target, String version) throws IOException {
        return echo(target, version, Map.of("Bundle-Activator", FailingActivator.class.getName()));
    }

    private static Path echo(Path target, String version, Map<String, String> extra) throws IOException {
        Map<String, String> h = new LinkedHashMap<>();
        h.put("Manifest-Version", "1.0");
        h.put("Bundle-ManifestVersion", "2");
        h.put("Bundle-SymbolicName", BSN);
        h.put("Bundle-Version", version);
        h.put("Import-Package", "org.osgi.framework, io.erlmcp.mcp;version=\"[1,2)\"");
        h.put("Service-Component", "OSGI-INF/mcpecho.xml");
        h.put("X-Fixture-Reply", "v" + version.split("\\.")[0]);
        h.putAll(extra);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("OSGI-INF/mcpecho.xml", DS.getBytes(StandardCharsets.UTF_8));
        entries.put(TestBundles.classFile(EchoTool.class), TestBundles.classBytes(EchoTool.class));
        entries.put(TestBundles.classFile(FailingActivator.class), TestBundles.classBytes(FailingActivator.class));
        return TestBundles.write(target, h, entries);
    }

    /** Installs or updates through the two-phase API and expects a swap. */
    static ReloadReport swap(ReloadService reload, Path jar) {
        return finish(reload, jar, ReloadReport.Outcome.SWAPPED);
    }

    /** Prepares {@code jar} (which must pass the checks) and finishes, expecting {@code outcome}. */
    static ReloadReport finish(ReloadService reload, Path jar, ReloadReport.Outcome outcome) {
        PrepareReport prepared = reload.prepare(List.of(jar.toString()));
        assertThat(prepared.problems()).isEmpty();
        ReloadReport report = reload.finish(Duration.ofSeconds(5));
        assertThat(report.outcome()).as(report.messages().toString()).isEqualTo(outcome);
        return report;
    }

    /** @return the installed echo tool bundle, or null */
    static Bundle installed(BundleContext context) {
        for (Bundle b : context.getBundles()) {
            if (BSN.equals(b.getSymbolicName()) && !b.getLocation().startsWith("erlmcp-reload-candidate:")) {
                return b;
            }
        }
        return null;
    }

    /** Uninstalls the echo tool bundle, if any, and refreshes. */
    static void remove(BundleContext context) throws Exception {
        List<Bundle> found = new ArrayList<>();
        for (Bundle b : context.getBundles()) {
            if (BSN.equals(b.getSymbolicName())) {
                b.uninstall();
                found.add(b);
            }
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

    /** @return the reload service as it runs unconfigured: no deploy directory (no erlmcp.base in the itests) */
    static ReloadService unwatched(BundleContext context) throws Exception {
        ReloadService service = waitFor(context, "(!(service.pid=io.erlmcp.hotdeploy))", true);
        assertThat(service).as("ReloadService without a deploy directory").isNotNull();
        return service;
    }

    /** Points the hot-deploy component at {@code dir} (polled every 100 ms), as DeployDirIT does. */
    static ReloadService watch(BundleContext context, ConfigurationAdmin cm, Path dir) throws Exception {
        Configuration config = cm.getConfiguration("io.erlmcp.hotdeploy", "?");
        Hashtable<String, Object> props = new Hashtable<>();
        props.put("deploy.dir", dir.toString());
        props.put("poll.ms", 100L);
        config.update(props);
        ReloadService service = waitFor(context, dirFilter(dir), true);
        assertThat(service).as("ReloadService watching " + dir).isNotNull();
        return service;
    }

    /**
     * Removes the configuration {@link #watch} made and waits until the watcher of {@code dir} is gone, so that it
     * neither races the clean-up's uninstall nor sees the temporary directory deleted and undeploys.
     */
    static void unwatch(BundleContext context, ConfigurationAdmin cm, Path dir) throws Exception {
        Configuration[] configs = cm.listConfigurations("(service.pid=io.erlmcp.hotdeploy)");
        if (configs != null) {
            for (Configuration c : configs) {
                c.delete();
            }
        }
        if (dir != null) {
            assertThat(waitFor(context, dirFilter(dir), false)).as("the watcher of " + dir + " stopped").isNull();
        }
    }

    private static String dirFilter(Path dir) {
        return "(deploy.dir=" + dir.toString().replace("\\", "\\\\") + ")";
    }

    /** Waits up to 30 s for a reload service matching {@code filter} to be there (or gone). */
    private static ReloadService waitFor(BundleContext context, String filter, boolean present) throws Exception {
        ServiceTracker<ReloadService, ReloadService> tracker = new ServiceTracker<>(context,
                context.createFilter("(&(objectClass=" + ReloadService.class.getName() + ")" + filter + ")"), null);
        tracker.open();
        try {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            ReloadService service = tracker.getService();
            while ((service != null) != present && System.nanoTime() < deadline) {
                Thread.sleep(20);
                service = tracker.getService();
            }
            return service;
        } finally {
            tracker.close();
        }
    }

    static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
        while (!condition.getAsBoolean()) {
            assertThat(System.nanoTime() - deadline).as("within 15 s: " + what).isNegative();
            Thread.sleep(10);
        }
    }
}
