// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.reload;

import static io.erlmcp.itests.reload.ReloadSupport.await;
import static io.erlmcp.itests.reload.ReloadSupport.fixtures;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceReference;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.test.common.annotation.InjectBundleContext;
import org.osgi.test.common.annotation.InjectService;
import org.osgi.test.junit5.context.BundleContextExtension;
import org.osgi.test.junit5.service.ServiceExtension;

import io.erlmcp.drain.RequestGate;
import io.erlmcp.itests.reload.ReloadSupport.EchoClient;
import io.erlmcp.reload.ReloadService;

/** Hot deploy: jars and .cfg files dropped into, replaced in and removed from the watched directory. */
@ExtendWith({ BundleContextExtension.class, ServiceExtension.class })
class DeployDirIT {

    @InjectBundleContext
    BundleContext context;

    @InjectService(timeout = 5000)
    ConfigurationAdmin cm;

    @InjectService(timeout = 5000)
    RequestGate gate;

    @TempDir
    Path base;

    Path deploy;
    ReloadService reload;

    @BeforeEach
    void watch() throws Exception {
        deploy = Files.createDirectories(base.resolve("deploy"));
        reload = ReloadSupport.watch(context, cm, deploy);
    }

    @AfterEach
    void unwatch() throws Exception {
        ReloadSupport.unwatch(cm);
        ReloadSupport.removeFixtures();
    }

    @Test
    void aJarIsInstalledUpdatedInPlaceRefusedWhenBrokenAndUninstalledWhenRemoved() throws Exception {
        Path jar = deploy.resolve("echo.jar");
        Fixtures.echo(jar, "1.0.0");
        await("v1 installed", () -> fixtures(context).size() == 1 && fixtures(context).get(0).getState() == Bundle.ACTIVE);
        Bundle bundle = fixtures(context).get(0);
        assertThat(bundle.getLocation()).isEqualTo(jar.toUri().toString());
        try (EchoClient client = new EchoClient(context, gate)) {
            assertThat(client.awaitCall("a")).isEqualTo("v1:a");

            Fixtures.echo(jar, "2.0.0");
            await("v2 in place", () -> bundle.getVersion().getMajor() == 2);
            assertThat(fixtures(context)).containsExactly(bundle);
            await("v2 answers", () -> call(client).equals("v2:b"));

            Fixtures.failingComponent(jar, "3.0.0");
            await("v3 refused", () -> events().contains("refused deploy/echo.jar (ROLLED_BACK)"));
            assertThat(client.call("c")).isEqualTo("v2:c");
            assertThat(bundle.getVersion().getMajor()).isEqualTo(2);

            Fixtures.notABundle(deploy.resolve("plain.jar"));
            Fixtures.unresolvable(deploy.resolve("unresolvable.jar"), "4.0.0");
            await("plain.jar refused", () -> events().contains("refused deploy/plain.jar: " + deploy.resolve("plain.jar")
                    + ": not a bundle"));
            await("unresolvable.jar refused", () -> events().contains("refused deploy/unresolvable.jar")
                    && events().contains("io.erlmcp.no.such.pkg"));
            assertThat(client.call("d")).isEqualTo("v2:d");
            assertThat(fixtures(context)).containsExactly(bundle);

            Files.delete(jar);
            await("uninstalled", () -> bundle.getState() == Bundle.UNINSTALLED);
            assertThat(fixtures(context)).isEmpty();
        }
    }

    @Test
    void aJarUpdatesABundleInstalledElsewhereInPlaceAndLeavesItWhenRemoved() throws Exception {
        ReloadSupport.install(reload, Fixtures.echo(base.resolve("feature-v1.jar"), "1.0.0"));
        Bundle bundle = fixtures(context).get(0);
        Path jar = deploy.resolve("echo-2.jar");
        Fixtures.echo(jar, "2.0.0");
        await("updated in place", () -> bundle.getVersion().getMajor() == 2);
        assertThat(fixtures(context)).containsExactly(bundle);
        assertThat(bundle.getLocation()).isEqualTo(base.resolve("feature-v1.jar").toUri().toString());

        Files.delete(jar);
        await("removal noted", () -> events().contains("deploy/echo-2.jar removed; the bundle it updated was not installed"));
        assertThat(bundle.getState()).isEqualTo(Bundle.ACTIVE);
    }

    @Test
    void aCfgFileIsAppliedEditedAndDeletedThroughConfigurationAdmin() throws Exception {
        Path cfg = deploy.resolve("io.erlmcp.itests.sample.cfg");
        write(cfg, "greeting = hello\n");
        await("configured", () -> "hello".equals(property("(service.pid=io.erlmcp.itests.sample)", "greeting")));

        write(cfg, "greeting = bonjour\n");
        await("reconfigured", () -> "bonjour".equals(property("(service.pid=io.erlmcp.itests.sample)", "greeting")));

        Path factory = deploy.resolve("io.erlmcp.itests.listener-main.cfg");
        write(factory, "port = 0\n");
        await("factory configuration", () -> "0".equals(
                property("(service.factoryPid=io.erlmcp.itests.listener)", "port")));

        Files.delete(cfg);
        Files.delete(factory);
        await("deleted", () -> property("(service.pid=io.erlmcp.itests.sample)", "greeting") == null
                && property("(service.factoryPid=io.erlmcp.itests.listener)", "port") == null);
    }

    @Test
    void editingACfgFileReconfiguresTheLiveComponentWithoutARestart() throws Exception {
        ServiceReference<RequestGate> before = context.getServiceReference(RequestGate.class);
        Path cfg = deploy.resolve("io.erlmcp.drain.cfg");
        write(cfg, "max.hold.ms = 12345\n");
        await("applied", () -> gate.status().maxHoldMillis() == 12345);
        write(cfg, "max.hold.ms = 23456\n");
        await("edited", () -> gate.status().maxHoldMillis() == 23456);
        Files.delete(cfg);
        await("back to the default", () -> gate.status().maxHoldMillis() == 30000);
        assertThat(context.getServiceReference(RequestGate.class).getProperty("service.id"))
                .as("the same gate, reconfigured in place").isEqualTo(before.getProperty("service.id"));
    }

    private String events() {
        return String.join("\n", reload.status().events());
    }

    private static String call(EchoClient client) {
        try {
            return client.call("b");
        } catch (Exception e) {
            return e.toString();
        }
    }

    private Object property(String filter, String key) {
        try {
            Configuration[] configs = cm.listConfigurations(filter);
            return configs == null ? null : configs[0].getProperties().get(key);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Written beside deploy/ and moved in, as the docs tell operators. */
    private void write(Path target, String text) throws IOException {
        Path tmp = Files.writeString(base.resolve(target.getFileName() + ".tmp"), text, StandardCharsets.UTF_8);
        Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

}
