// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.jar.Attributes;
import java.util.jar.JarFile;

import org.osgi.framework.launch.FrameworkFactory;

/** {@code bin/erlmcp versions}: the release, Java, Felix and the bundles of the features, without a node. */
final class Versions {

    private Versions() {
    }

    static int print(Map<String, String> env, Properties system, PrintStream out) throws LaunchException {
        Path home = Settings.locations(env, system)[0];
        out.println("erlmcp " + Settings.version());
        out.println("java " + System.getProperty("java.runtime.version") + " (" + System.getProperty("java.vendor")
                + ", " + System.getProperty("java.home") + ")");
        out.println("felix " + felixVersion());
        Features all = Features.load(home.resolve("features"));
        String extra = system.getProperty("erlmcp.features", env.get("ERLMCP_FEATURES"));
        List<Features.Feature> features = all.select(extra);
        Path repository = home.resolve("system");
        int status = 0;
        for (Features.Feature feature : features) {
            out.println("feature " + feature.name() + " (" + feature.id() + ")");
            for (Features.BundleRef ref : feature.bundles()) {
                Path jar = ref.path(repository);
                String bundle;
                try (JarFile file = new JarFile(jar.toFile())) {
                    Attributes main = file.getManifest().getMainAttributes();
                    String bsn = main.getValue("Bundle-SymbolicName");
                    bundle = (bsn == null ? "(not a bundle)" : bsn.split(";")[0].strip()) + " "
                            + main.getValue("Bundle-Version");
                } catch (IOException | NullPointerException e) {
                    bundle = "MISSING " + jar;
                    status = 1;
                }
                out.printf("  %-3d %-50s %s%n", ref.startOrder(), bundle, ref.id());
            }
        }
        out.println("available features: " + String.join(", ", all.names()));
        return status;
    }

    private static String felixVersion() {
        return ServiceLoader.load(FrameworkFactory.class).findFirst().map(f -> {
            try {
                Path jar = Path.of(f.getClass().getProtectionDomain().getCodeSource().getLocation().toURI());
                try (JarFile file = new JarFile(jar.toFile())) {
                    return file.getManifest().getMainAttributes().getValue("Bundle-Version");
                }
            } catch (Exception e) {
                return "unknown (" + e.getMessage() + ")";
            }
        }).orElse("missing");
    }
}
