// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {

    @TempDir
    Path home;

    @Test
    void environmentOverridesTheFileAndDefaults() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/erlmcp.properties"),
                "erlmcp.http.port = 8181\nerlmcp.tcp.port = 9100\nstore = ${erlmcp.base}/data/cache\n");
        Settings s = Settings.load(home, home, Settings.Mode.DAEMON, Map.of("ERLMCP_HTTP_PORT", "18080"),
                new Properties());
        assertThat(s.properties).containsEntry("erlmcp.http.port", "18080").containsEntry("erlmcp.tcp.port", "9100")
                .containsEntry("erlmcp.metrics.port", "9090").containsEntry("erlmcp.node.name", "erlmcp")
                .containsEntry("erlmcp.mode", "daemon").containsEntry("erlmcp.base", home.toString())
                .containsEntry("store", home + "/data/cache")
                .containsEntry("gosh.args", "--nointeractive --noshutdown");
        assertThat(Long.parseLong(s.properties.get("erlmcp.start.time"))).isPositive();
    }

    @Test
    void aStdioNodeListensOnFreePortsUnlessTheEnvironmentNamesThem() throws Exception {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/erlmcp.properties"), "erlmcp.http.port = 8181\nerlmcp.https.port = 8443\n");
        Settings s = Settings.load(home, home, Settings.Mode.STDIO, Map.of("ERLMCP_TCP_PORT", "19000"),
                new Properties());
        assertThat(s.properties).containsEntry("erlmcp.http.port", "0").containsEntry("erlmcp.https.port", "0")
                .containsEntry("erlmcp.metrics.port", "0").containsEntry("erlmcp.tcp.port", "19000");
        Settings daemon = Settings.load(home, home, Settings.Mode.DAEMON, Map.of(), new Properties());
        assertThat(daemon.properties).containsEntry("erlmcp.http.port", "8181").containsEntry("erlmcp.tcp.port", "9000");
    }

    @Test
    void baseDefaultsToHome() throws LaunchException {
        Path[] locations = Settings.locations(Map.of("ERLMCP_HOME", home.toString()), new Properties());
        assertThat(locations[1]).isEqualTo(locations[0]);
    }

    @Test
    void homeIsRequired() {
        assertThatThrownBy(() -> Settings.locations(Map.of(), new Properties())).hasMessageContaining("ERLMCP_HOME");
    }

    @Test
    void unknownReferenceIsAnError() {
        assertThatThrownBy(() -> Settings.substitute(Map.of("a", "${nope}/x"), new Properties(), "f"))
                .hasMessageContaining("a refers to ${nope}");
    }

    @Test
    void systemPropertiesResolveReferences() throws LaunchException {
        Properties system = new Properties();
        system.setProperty("user.home", "/u");
        assertThat(Settings.substitute(Map.of("a", "${user.home}/${b}", "b", "x"), system, "f"))
                .containsEntry("a", "/u/x");
    }

    @Test
    void freshInstanceGetsEtcAndDirectories(@TempDir Path base) throws IOException, LaunchException {
        Files.createDirectories(home.resolve("etc"));
        Files.writeString(home.resolve("etc/io.erlmcp.cfg"), "a = 1\n");
        try (Instance instance = Instance.acquire(home, base.resolve("node1"))) {
            Path b = base.resolve("node1");
            assertThat(b.resolve("etc/io.erlmcp.cfg")).hasContent("a = 1");
            assertThat(b.resolve("log")).isDirectory();
            assertThat(b.resolve("deploy")).isDirectory();
            assertThat(b.resolve("data/erlmcp.lock")).hasContent(Long.toString(ProcessHandle.current().pid()));
            assertThat(b.resolve("data/erlmcp.pid")).doesNotExist();
            instance.writePid();
            assertThat(b.resolve("data/erlmcp.pid")).hasContent(Long.toString(ProcessHandle.current().pid()));
            assertThatThrownBy(() -> Instance.acquire(home, b)).hasMessageContaining("a node is already running from "
                    + b + " (pid " + ProcessHandle.current().pid() + ")");
        }
        assertThat(base.resolve("node1/data/erlmcp.pid")).doesNotExist();
    }
}
