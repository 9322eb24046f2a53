// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.launcher;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Dictionary;
import java.util.HashMap;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.BundleException;
import org.osgi.framework.Constants;
import org.osgi.framework.FrameworkEvent;
import org.osgi.framework.FrameworkListener;
import org.osgi.framework.launch.Framework;
import org.osgi.framework.launch.FrameworkFactory;
import org.osgi.framework.startlevel.BundleStartLevel;
import org.osgi.framework.wiring.BundleCapability;
import org.osgi.framework.wiring.BundleRevision;

import io.erlmcp.launcher.Features.BundleRef;
import io.erlmcp.launcher.Settings.Mode;

/**
 * Runs one node: takes the instance, starts Felix with the chosen features, waits for it to stop, and starts
 * it again after a framework update ({@code reboot}).
 */
final class Launcher {

    /** Service property on the stdio streams registered in stdio mode. */
    static final String STDIO_PROPERTY = "erlmcp.stdio";
    static final int BEGINNING_START_LEVEL = 100;
    static final int BOOT_TIMEOUT_SECONDS = 120;
    /** Unix domain socket paths: 108 bytes on Linux, 104 on macOS, including the final NUL. */
    static final int MAX_SOCKET_PATH = 103;

    private final Mode mode;
    private final Stdio stdio;
    private final PrintStream console = System.err;
    private final Map<String, String> env;
    private final Properties system;

    Launcher(Mode mode, Stdio stdio, Map<String, String> env, Properties system) {
        this.mode = mode;
        this.stdio = stdio;
        this.env = env;
        this.system = system;
    }

    /** Runs the node to its end; returns the process exit status. */
    int run() throws LaunchException {
        Path[] locations = Settings.locations(env, system);
        Instance instance = Instance.acquire(locations[0], locations[1]);
        try {
            Settings settings = Settings.load(locations[0], locations[1], mode, env, system);
            Path socket = settings.base.resolve("data/erlmcp.sock");
            if (socket.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_SOCKET_PATH) {
                // bin/erlmcp talks to the node through this Unix socket; the kernel limits its path (sun_path).
                throw new LaunchException("the control socket path " + socket + " is longer than "
                        + MAX_SOCKET_PATH + " bytes; use a shorter ERLMCP_BASE");
            }
            configureLogging(settings);
            Features all = Features.load(settings.home.resolve("features"));
            List<Features.Feature> features = all.select(settings.properties.get("erlmcp.features"));
            List<BundleRef> bundles = Features.bundles(features);
            Path repository = settings.home.resolve("system");
            List<String> missing = Features.missing(bundles, repository);
            if (!missing.isEmpty()) {
                throw new LaunchException("the features name bundles that " + repository + " does not hold:\n  "
                        + String.join("\n  ", missing));
            }
            String names = features.stream().map(Features.Feature::name).collect(Collectors.joining(","));
            Map<String, String> properties = new HashMap<>(settings.properties);
            properties.put("erlmcp.features.active", names);
            properties.putIfAbsent(Constants.FRAMEWORK_BEGINNING_STARTLEVEL, Integer.toString(BEGINNING_START_LEVEL));
            properties.putIfAbsent(Constants.FRAMEWORK_STORAGE, settings.base.resolve("data/cache").toString());
            properties.putIfAbsent(Constants.FRAMEWORK_STORAGE_CLEAN, Constants.FRAMEWORK_STORAGE_CLEAN_ONFIRSTINIT);

            Framework framework = newFramework(properties);
            long stopTimeout = Long.parseLong(properties.getOrDefault("erlmcp.stop.timeout", "30000"));
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                stop(framework, stopTimeout);
                instance.close();
            }, "erlmcp-shutdown"));

            while (true) {
                boot(framework, bundles, repository, settings, names);
                instance.writePid();
                FrameworkEvent end = framework.waitForStop(0);
                if (end.getType() == FrameworkEvent.STOPPED_UPDATE) {
                    console.println("erlmcp: rebooting the framework");
                    continue;
                }
                if (end.getType() == FrameworkEvent.ERROR) {
                    console.println("erlmcp: the framework stopped with an error: " + end.getThrowable());
                    return 1;
                }
                console.println("erlmcp: stopped");
                return 0;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        } finally {
            instance.close();
        }
    }

    private static Framework newFramework(Map<String, String> properties) throws LaunchException {
        FrameworkFactory factory = ServiceLoader.load(FrameworkFactory.class).findFirst()
                .orElseThrow(() -> new LaunchException("no OSGi framework on the class path (lib/)"));
        return factory.newFramework(properties);
    }

    /** slf4j-simple reads system properties: fill them from etc/logging.properties unless given with -D. */
    private void configureLogging(Settings settings) throws LaunchException {
        Map<String, String> logging = new HashMap<>(Settings.read(settings.base.resolve("etc/logging.properties")));
        if (mode == Mode.STDIO) {
            // stdout carries the protocol and stderr belongs to the client: logs go to a file.
            logging.put("org.slf4j.simpleLogger.logFile", settings.base.resolve("log/erlmcp.log").toString());
        }
        if (mode != Mode.CONSOLE) {
            // No terminal: do not let JLine look for one and warn that it made a dumb one.
            logging.put("org.jline.terminal.dumb", "true");
        }
        Path julConfig = settings.base.resolve("etc/java.util.logging.properties");
        if (System.getProperty("java.util.logging.config.file") == null && java.nio.file.Files.isRegularFile(julConfig)) {
            try (InputStream in = java.nio.file.Files.newInputStream(julConfig)) {
                java.util.logging.LogManager.getLogManager().readConfiguration(in);
            } catch (java.io.IOException e) {
                throw new LaunchException("cannot read " + julConfig + ": " + e.getMessage(), e);
            }
        }
        Map<String, String> scope = new HashMap<>(settings.properties);
        scope.putAll(logging);
        Map<String, String> expanded = Settings.substitute(scope, system, "etc/logging.properties");
        for (String key : logging.keySet()) {
            if (System.getProperty(key) == null) {
                System.setProperty(key, expanded.get(key));
            }
        }
    }

    /** Starts the framework and every feature bundle; on any failure stops it again and throws. */
    private void boot(Framework framework, List<BundleRef> bundles, Path repository, Settings settings,
            String names) throws LaunchException, InterruptedException {
        long begin = System.nanoTime();
        CountDownLatch started = new CountDownLatch(1);
        Map<Long, String> errors = new ConcurrentHashMap<>();
        FrameworkListener listener = event -> {
            if (event.getType() == FrameworkEvent.STARTED) {
                started.countDown();
            } else if (event.getType() == FrameworkEvent.ERROR && event.getBundle() != null) {
                errors.merge(event.getBundle().getBundleId(), describe(event.getThrowable()), (a, b) -> a + "; " + b);
            }
        };
        List<Bundle> installed = new ArrayList<>();
        List<Bundle> expectActive = new ArrayList<>();
        JLineLoader jlineLoader = null;
        if (mode == Mode.CONSOLE) {
            // Felix's threads inherit it; the Gogo console builds its terminal on one of them.
            jlineLoader = new JLineLoader(Launcher.class.getClassLoader());
            Thread.currentThread().setContextClassLoader(jlineLoader);
        }
        try {
            framework.init();
            BundleContext context = framework.getBundleContext();
            // Listeners given to init() hear only init's events; STARTED comes later.
            context.addFrameworkListener(listener);
            if (stdio != null) {
                Dictionary<String, Object> props = new Hashtable<>();
                props.put(STDIO_PROPERTY, Boolean.TRUE);
                context.registerService(InputStream.class, stdio.in(), props);
                context.registerService(OutputStream.class, stdio.out(), props);
            }
            for (BundleRef ref : bundles) {
                Bundle bundle = context.installBundle("reference:" + ref.path(repository).toUri());
                installed.add(bundle);
                if (jlineLoader != null && "org.jline".equals(bundle.getSymbolicName())) {
                    jlineLoader.use(bundle);
                }
                bundle.adapt(BundleStartLevel.class).setStartLevel(ref.startOrder());
                if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) != null) {
                    continue;
                }
                if (mode == Mode.STDIO && isShellImplementation(bundle)) {
                    // A Gogo console opens the real stdout, which carries the protocol in stdio mode.
                    continue;
                }
                bundle.start();
                expectActive.add(bundle);
            }
            framework.start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(BOOT_TIMEOUT_SECONDS);
            while (!started.await(100, TimeUnit.MILLISECONDS)) {
                if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE)) == 0) {
                    throw new LaunchException("the framework stopped while it was starting");
                }
                if (System.nanoTime() > deadline) {
                    throw new LaunchException("the framework did not reach its start level within "
                            + BOOT_TIMEOUT_SECONDS + " s");
                }
            }
            context.removeFrameworkListener(listener);
        } catch (BundleException | RuntimeException e) {
            stop(framework, 30_000);
            throw new LaunchException("failed to start the framework: " + describe(e), e);
        } catch (LaunchException e) {
            stop(framework, 30_000);
            throw e;
        }
        List<String> failed = new ArrayList<>();
        for (Bundle bundle : expectActive) {
            if (bundle.getState() != Bundle.ACTIVE) {
                String why = errors.getOrDefault(bundle.getBundleId(), "no error reported");
                failed.add(bundle.getSymbolicName() + " " + bundle.getVersion() + " is " + state(bundle.getState())
                        + ": " + why);
            }
        }
        if (!failed.isEmpty()) {
            stop(framework, 30_000);
            throw new LaunchException("bundles did not start, the node is stopped:\n  " + String.join("\n  ", failed));
        }
        long bootMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - begin);
        long sinceJvm = System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
        console.printf("erlmcp: %s %s started in %s mode from %s: %d bundles (features %s) in %d ms"
                + " (JVM start to here %d ms), pid %d%n", settings.properties.get("erlmcp.node.name"),
                settings.version, mode.id(), settings.base, installed.size(), names, bootMillis, sinceJvm,
                ProcessHandle.current().pid());
    }

    private static boolean isShellImplementation(Bundle bundle) {
        BundleRevision revision = bundle.adapt(BundleRevision.class);
        if (revision == null) {
            return false;
        }
        for (BundleCapability c : revision.getDeclaredCapabilities("org.apache.felix.gogo")) {
            if ("shell.implementation".equals(c.getAttributes().get("org.apache.felix.gogo"))) {
                return true;
            }
        }
        return false;
    }

    /** Stops a starting or active framework and waits for it; safe to call from several threads. */
    static void stop(Framework framework, long timeoutMillis) {
        if ((framework.getState() & (Bundle.STARTING | Bundle.ACTIVE | Bundle.STOPPING)) == 0) {
            return;
        }
        try {
            framework.stop();
            FrameworkEvent event = framework.waitForStop(timeoutMillis);
            if (event.getType() == FrameworkEvent.WAIT_TIMEDOUT) {
                System.err.println("erlmcp: the framework did not stop within " + timeoutMillis + " ms");
            }
        } catch (BundleException e) {
            System.err.println("erlmcp: stopping the framework failed: " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String describe(Throwable t) {
        if (t == null) {
            return "unknown error";
        }
        StringBuilder sb = new StringBuilder(t.getMessage() == null ? t.getClass().getName() : t.getMessage());
        for (Throwable c = t.getCause(); c != null && c != c.getCause(); c = c.getCause()) {
            sb.append(" <- ").append(c.getMessage() == null ? c.getClass().getName() : c.getMessage());
        }
        return sb.toString();
    }

    private static String state(int state) {
        switch (state) {
        case Bundle.INSTALLED:
            return "INSTALLED";
        case Bundle.RESOLVED:
            return "RESOLVED";
        case Bundle.STARTING:
            return "STARTING";
        case Bundle.STOPPING:
            return "STOPPING";
        case Bundle.ACTIVE:
            return "ACTIVE";
        default:
            return "UNINSTALLED";
        }
    }
}
