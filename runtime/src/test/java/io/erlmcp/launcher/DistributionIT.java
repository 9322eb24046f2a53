// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

/** The assembled distribution (runtime/target/erlmcp) holds what the runtime contract promises. */
class DistributionIT {

    static Path dist() {
        return Path.of(System.getProperty("erlmcp.dist", "target/erlmcp"));
    }

    @Test
    void layout() {
        Path d = dist();
        for (String dir : List.of("bin", "etc", "lib", "system", "features", "deploy", "log", "data")) {
            assertThat(d.resolve(dir)).as(dir).isDirectory();
        }
        assertThat(d.resolve("bin/erlmcp")).isExecutable();
        for (String file : List.of("jvm.options", "erlmcp.properties", "logging.properties", "io.erlmcp.cfg",
                "io.erlmcp.http.cfg", "gosh_profile")) {
            assertThat(d.resolve("etc").resolve(file)).as(file).isRegularFile();
        }
        assertThat(d.resolve("etc/io.erlmcp.http.cfg")).content().contains("port = ${erlmcp.http.port}",
                "host = 127.0.0.1");
        assertThat(d.getParent().toFile().list((dir, name) -> name.matches("erlmcp-.+\\.tar\\.gz"))).hasSize(1);
    }

    @Test
    void everyBundleOfEveryFeatureIsInSystem() throws Exception {
        Features features = Features.load(dist().resolve("features"));
        assertThat(features.names()).contains("framework", "core", "http", "admin", "examples", "client");
        List<Features.Feature> all = features.select(String.join(",", features.names()));
        List<Features.BundleRef> bundles = Features.bundles(all);
        assertThat(bundles).isNotEmpty();
        assertThat(Features.missing(bundles, dist().resolve("system"))).isEmpty();
    }

    @Test
    void launcherClassPathHasFelixJacksonAndTheLauncher() throws Exception {
        try (var files = Files.list(dist().resolve("lib"))) {
            assertThat(files.map(p -> p.getFileName().toString())).anyMatch(n -> n.startsWith("org.apache.felix.framework-"))
                    .anyMatch(n -> n.startsWith("jackson-databind-")).anyMatch(n -> n.startsWith("erlmcp-launcher-"));
        }
    }
}
