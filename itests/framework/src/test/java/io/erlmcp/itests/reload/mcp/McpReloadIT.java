// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload.mcp;

import static io.erlmcp.itests.reload.mcp.McpFixtures.await;
import static io.erlmcp.itests.reload.mcp.McpFixtures.installed;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.Version;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.reload.ReloadReport.Outcome;
import io.erlmcp.reload.ReloadService;
import io.erlmcp.transport.McpServerEndpoint;

/**
 * Hot reload seen by MCP clients: engine sessions call {@code tools/call echo} in a loop while the tool bundle that
 * provides it goes from 1.0.0 to 2.0.0, then to two broken 3.0.0s (a component that throws in activate, an
 * activator that throws), once through {@link ReloadService#prepare}/{@link ReloadService#finish} and once through
 * the deploy directory. Every call answers with a result; each session sees v1, then only v2; each is told
 * {@code notifications/tools/list_changed}; the broken versions are rolled back and v2 keeps answering.
 */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class McpReloadIT {

    static final int SESSIONS = 4;
    static final int CALLS = 20;

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin cm;

    @InjectService(timeout = 10_000)
    McpServerEndpoint endpoint;

    @TempDir
    Path base;

    Path deploy;
    ReloadService reload;

    @AfterEach
    void cleanUp() throws Exception {
        McpFixtures.unwatch(context, cm, deploy);
        McpFixtures.remove(context);
    }

    @Test
    void twoPhaseReloadUnderMcpLoadSwapsV1ToV2AndRollsBackBrokenV3s() throws Exception {
        reload = McpFixtures.unwatched(context);
        McpFixtures.swap(reload, McpFixtures.echo(base.resolve("v1.jar"), "1.0.0"));
        Thread.sleep(200); // past the engine's list_changed coalescing of the install
        try (McpLoad load = new McpLoad(endpoint, SESSIONS, 1_000_000, Duration.ofSeconds(90))) {
            load.awaitCalls(CALLS);
            long[] notified = listChanged(load);

            McpFixtures.swap(reload, McpFixtures.echo(base.resolve("v2.jar"), "2.0.0"));
            long swapped = System.nanoTime();
            load.awaitCalls(CALLS);
            await("every session told tools/list_changed", () -> told(load, notified));

            McpFixtures.finish(reload, McpFixtures.failingComponent(base.resolve("v3-component.jar"), "3.0.0"),
                    Outcome.ROLLED_BACK);
            load.awaitCalls(CALLS);
            McpFixtures.finish(reload, McpFixtures.failingActivator(base.resolve("v3-activator.jar"), "3.0.0"),
                    Outcome.ROLLED_BACK);
            load.awaitCalls(CALLS);
            load.stop();

            assertEveryCallAnsweredV1ThenV2(load, swapped);
            assertThat(installed(context).getVersion()).isEqualTo(Version.parseVersion("2.0.0"));
            assertThat(installed(context).getState()).isEqualTo(Bundle.ACTIVE);
            assertThat(load.clients.get(0).echo("after")).isEqualTo(2);
        }
    }

    @Test
    void deployDirectoryCopiesUnderMcpLoadSwapV1ToV2AndRefuseBrokenV3s() throws Exception {
        deploy = Files.createDirectories(base.resolve("deploy"));
        reload = McpFixtures.watch(context, cm, deploy);
        Path jar = deploy.resolve("echo.jar");
        McpFixtures.echo(jar, "1.0.0");
        await("v1 deployed", () -> installed(context) != null && installed(context).getState() == Bundle.ACTIVE);
        Bundle bundle = installed(context);
        assertThat(bundle.getLocation()).isEqualTo(jar.toUri().toString());
        Thread.sleep(200);
        try (McpLoad load = new McpLoad(endpoint, SESSIONS, 1_000_000, Duration.ofSeconds(90))) {
            load.awaitCalls(CALLS);
            long[] notified = listChanged(load);

            McpFixtures.echo(jar, "2.0.0");
            await("v2 in place", () -> bundle.getVersion().getMajor() == 2);
            long swapped = System.nanoTime();
            await("v2 deployed", () -> count("deployed deploy/echo.jar") == 2);
            load.awaitCalls(CALLS);
            await("every session told tools/list_changed", () -> told(load, notified));

            McpFixtures.failingComponent(jar, "3.0.0");
            await("component v3 refused", () -> count("refused deploy/echo.jar (ROLLED_BACK)") == 1);
            load.awaitCalls(CALLS);
            McpFixtures.failingActivator(jar, "3.0.1");
            await("activator v3 refused", () -> count("refused deploy/echo.jar (ROLLED_BACK)") == 2);
            load.awaitCalls(CALLS);
            load.stop();

            assertEveryCallAnsweredV1ThenV2(load, swapped);
            assertThat(installed(context)).isSameAs(bundle);
            assertThat(bundle.getVersion()).isEqualTo(Version.parseVersion("2.0.0"));
            assertThat(bundle.getState()).isEqualTo(Bundle.ACTIVE);
            assertThat(load.clients.get(0).echo("after")).isEqualTo(2);
        }
    }

    /** No failed call; per session a run of v1 answers, then only v2; nothing but v2 once the swap is over. */
    private static void assertEveryCallAnsweredV1ThenV2(McpLoad load, long swapped) {
        assertThat(load.failures()).as("failed calls").isEmpty();
        List<String> problems = new ArrayList<>();
        for (int c = 0; c < load.tracks.size(); c++) {
            McpLoad.Track t = load.tracks.get(c);
            int n = t.count.get();
            int firstV2 = -1;
            for (int i = 0; i < n; i++) {
                int v = t.major[i];
                if (v == 2 && firstV2 < 0) {
                    firstV2 = i;
                }
                if (v == 0) {
                    problems.add("session " + c + " call " + i + " failed");
                } else if (v == 1 && firstV2 >= 0) {
                    problems.add("session " + c + " call " + i + " answered v1 after v2 at call " + firstV2);
                } else if (v == 1 && t.start[i] > swapped) {
                    problems.add("session " + c + " call " + i + " started after the swap and answered v1");
                }
            }
            if (firstV2 <= 0) {
                problems.add("session " + c + " did not see v1 then v2 (first v2 at " + firstV2 + " of " + n + ")");
            }
        }
        assertThat(problems).isEmpty();
    }

    private static long[] listChanged(McpLoad load) {
        return load.clients.stream().mapToLong(McpLoad.Client::listChanged).toArray();
    }

    private static boolean told(McpLoad load, long[] before) {
        for (int i = 0; i < before.length; i++) {
            if (load.clients.get(i).listChanged() <= before[i]) {
                return false;
            }
        }
        return true;
    }

    /** @return how many of the reload service's recent events contain {@code text} */
    private long count(String text) {
        return reload.status().events().stream().filter(e -> e.contains(text)).count();
    }
}
