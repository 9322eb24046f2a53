// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A feature whose bundle is missing, or does not start, stops the launch loudly: exit 1, the reason in the
 * output, no pid file, no JVM. Runs on a copy of the distribution with an extra feature.
 */
class BrokenFeatureIT {

    @TempDir
    Path temp;

    private Path home;
    private Path base;

    @BeforeEach
    void copyDistribution() throws IOException {
        home = temp.resolve("home");
        base = temp.resolve("base");
        Path dist = DistributionIT.dist();
        try (Stream<Path> files = Files.walk(dist)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Path target = home.resolve(dist.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target, StandardCopyOption.COPY_ATTRIBUTES);
                }
            }
        }
        feature("missing", "io.erlmcp.test:not-there:1.0.0");
        feature("unresolvable", "io.erlmcp.test:unresolvable:1.0.0");
        Path jar = home.resolve("system/io/erlmcp/test/unresolvable/1.0.0/unresolvable-1.0.0.jar");
        Files.createDirectories(jar.getParent());
        Manifest manifest = new Manifest();
        Attributes main = manifest.getMainAttributes();
        main.put(Attributes.Name.MANIFEST_VERSION, "1.0");
        main.putValue("Bundle-ManifestVersion", "2");
        main.putValue("Bundle-SymbolicName", "io.erlmcp.test.unresolvable");
        main.putValue("Bundle-Version", "1.0.0");
        main.putValue("Import-Package", "io.erlmcp.does.not.exist");
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out, manifest)) {
            // a manifest is all it needs
        }
    }

    private void feature(String name, String bundle) throws IOException {
        Files.writeString(home.resolve("features/" + name + ".json"), "{\"feature-resource-version\":\"1.0\","
                + "\"id\":\"io.erlmcp:erlmcp-feature-" + name + ":1\",\"bundles\":[{\"id\":\"" + bundle
                + "\",\"start-order\":50}]}");
    }

    @Test
    void missingBundle() throws Exception {
        String out = startFails("missing");
        assertThat(out).contains("does not hold", "io.erlmcp.test:not-there:1.0.0");
    }

    @Test
    void bundleThatDoesNotStart() throws Exception {
        String out = startFails("unresolvable");
        assertThat(out).contains("bundles did not start", "io.erlmcp.test.unresolvable",
                "io.erlmcp.does.not.exist");
    }

    private String startFails(String feature) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(home.resolve("bin/erlmcp").toString(), "start").redirectErrorStream(true);
        pb.environment().keySet().removeIf(k -> k.startsWith("ERLMCP_"));
        pb.environment().put("ERLMCP_BASE", base.toString());
        pb.environment().put("ERLMCP_FEATURES", feature);
        pb.environment().put("ERLMCP_HTTP_PORT", "0");
        pb.environment().put("ERLMCP_JAVA_OPTS", "-Xms64m -Xmx256m");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(90, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isEqualTo(1);
        assertThat(base.resolve("data/erlmcp.pid")).doesNotExist();
        assertThat(base.resolve("data/erlmcp.sock")).doesNotExist();
        assertThat(ProcessHandle.allProcesses().filter(h -> h.info().arguments().map(
                a -> String.join(" ", a).contains(home.resolve("lib").toString())).orElse(false)).count())
                .as("JVMs of this distribution still running").isZero();
        return out;
    }
}
