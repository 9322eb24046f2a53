// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * An erlmcp release node for a benchmark: a fresh instance directory (its {@code etc/} copied from the release,
 * plus whatever configuration the benchmark adds), free ports, {@code bin/erlmcp start} with the examples
 * feature, and the operator's view of it: live heap through {@code bin/erlmcp eval 'erlmcp:garbage_collect'},
 * open files from {@code /proc}, a class histogram from {@code jcmd}. The instance directory is deleted when the
 * node stopped cleanly, unless {@code -Dbench.keepInstance=true}.
 */
final class ReleaseNode implements AutoCloseable {

    private static final Pattern HEAP_AFTER = Pattern.compile("heap_used_after_bytes\\s*(\\d+)");

    private final Path home;
    private final Path base;
    private final Map<String, String> env = new HashMap<>();
    private final int httpPort;
    private final int tcpPort;
    private boolean running;

    /**
     * @param etc   extra files for the instance's {@code etc/} (name to content); a name already there is
     *              appended to, so {@code erlmcp.properties} can gain framework properties
     * @param javaOpts added to the node's JVM options ({@code ERLMCP_JAVA_OPTS}), or null
     */
    ReleaseNode(Path home, Map<String, String> etc, String javaOpts) throws IOException {
        this.home = home.toAbsolutePath();
        if (!Files.isExecutable(this.home.resolve("bin/erlmcp"))) {
            throw new IllegalArgumentException(this.home + " is not an erlmcp release (no bin/erlmcp)");
        }
        this.base = Files.createTempDirectory("erlmcp-bench");
        copy(this.home.resolve("etc"), base.resolve("etc"));
        for (Map.Entry<String, String> file : etc.entrySet()) {
            Files.writeString(base.resolve("etc").resolve(file.getKey()), "\n" + file.getValue() + "\n",
                    StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        }
        httpPort = freePort();
        tcpPort = freePort();
        env.put("ERLMCP_BASE", base.toString());
        env.put("ERLMCP_HTTP_PORT", String.valueOf(httpPort));
        env.put("ERLMCP_METRICS_PORT", String.valueOf(freePort()));
        env.put("ERLMCP_TCP_PORT", String.valueOf(tcpPort));
        env.put("ERLMCP_HTTPS_PORT", String.valueOf(freePort()));
        env.put("ERLMCP_FEATURES", "examples");
        if (javaOpts != null && !javaOpts.isBlank()) {
            env.put("ERLMCP_JAVA_OPTS", javaOpts);
        }
    }

    /** The node settings every benchmark uses: limits that would otherwise stop tens of thousands of sessions. */
    static Map<String, String> manySessions() {
        Map<String, String> etc = new LinkedHashMap<>();
        // The session store's default of 10,000 records would evict idle HTTP sessions.
        etc.put("io.erlmcp.session.store.cfg", "max.sessions = 100000");
        // TCP: 1000 connections by default, idle ones closed after 300 s.
        etc.put("io.erlmcp.mcp.tcp-default.cfg", "max.connections = 30000\nidle.timeout.seconds = 3600");
        // WebSocket: Jetty's idle timeout (pings keep the connection busy anyway).
        etc.put("io.erlmcp.mcp.ws.cfg", "idle.timeout.seconds = 3600");
        return etc;
    }

    void start() throws IOException, InterruptedException {
        run(120, "start");
        running = true;
    }

    int httpPort() {
        return httpPort;
    }

    int tcpPort() {
        return tcpPort;
    }

    Path base() {
        return base;
    }

    long pid() throws IOException {
        return Long.parseLong(Files.readString(base.resolve("data/erlmcp.pid")).trim());
    }

    /** @return the node's open file descriptors */
    long openFiles() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc", String.valueOf(pid()), "fd"))) {
            return fds.count();
        }
    }

    /** @return the live heap in bytes after full collections ({@code erlmcp:garbage_collect}) */
    long liveHeap() throws IOException, InterruptedException {
        String out = run(60, "eval", "erlmcp:garbage_collect");
        Matcher m = HEAP_AFTER.matcher(out);
        if (!m.find()) {
            throw new IllegalStateException("erlmcp:garbage_collect printed no heap_used_after_bytes: " + out);
        }
        return Long.parseLong(m.group(1));
    }

    /** @return class name to {instances, bytes} from {@code jcmd <pid> GC.class_histogram} (a full GC first) */
    Map<String, long[]> classHistogram() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("jcmd", String.valueOf(pid()), "GC.class_histogram").redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException("jcmd GC.class_histogram failed: " + out);
        }
        Map<String, long[]> classes = new HashMap<>();
        Pattern row = Pattern.compile("^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
        for (String line : out.split("\n")) {
            Matcher m = row.matcher(line);
            if (m.find()) {
                classes.merge(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))},
                        (a, b) -> new long[] {a[0] + b[0], a[1] + b[1]});
            }
        }
        return classes;
    }

    /** Runs {@code bin/erlmcp <args>} for this instance and returns its output. */
    String run(int timeoutSeconds, String... args) throws IOException, InterruptedException {
        String[] command = new String[args.length + 1];
        command[0] = home.resolve("bin/erlmcp").toString();
        System.arraycopy(args, 0, command, 1, args.length);
        Path output = Files.createTempFile("erlmcp-bench", ".out");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(output.toFile());
            builder.environment().putAll(env);
            Process process = builder.start();
            if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                // A node out of file descriptors cannot accept the control connection: do not wait forever.
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                throw new IllegalStateException("bin/erlmcp " + String.join(" ", args) + " did not end in "
                        + timeoutSeconds + " s");
            }
            String out = Files.readString(output, StandardCharsets.UTF_8);
            if (process.exitValue() != 0) {
                throw new IllegalStateException("bin/erlmcp " + String.join(" ", args) + " failed: " + out);
            }
            return out;
        } finally {
            Files.deleteIfExists(output);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (running) {
            running = false;
            long pid = pid();
            try {
                run(120, "stop");
            } catch (IllegalStateException e) {
                System.err.println(e.getMessage() + "; killing the node (pid " + pid + "); its instance (logs) stays "
                        + "in " + base);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                return;
            }
            if (Boolean.getBoolean("bench.keepInstance")) {
                System.err.println("instance kept in " + base);
                return;
            }
            try (Stream<Path> files = Files.walk(base)) {
                for (Path p : (Iterable<Path>) files.sorted(java.util.Comparator.reverseOrder())::iterator) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> files = Files.walk(from)) {
            for (Path source : (Iterable<Path>) files::iterator) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target);
                }
            }
        }
    }
}
