// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import static org.assertj.core.api.Assertions.assertThat;

import static io.erlmcp.itests.testkit.ReleaseNode.freePort;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.erlmcp.itests.testkit.ReleaseNode;

/**
 * A node of the assembled release (system property {@code erlmcp.home}) in a fresh instance directory: the
 * release's {@code etc/} copied and the short limits of {@link #LIMITS} added, free ports, the examples feature.
 * {@link #start()} runs {@code bin/erlmcp start}; {@link #stdio()} runs {@code bin/erlmcp stdio} as a child.
 */
final class Node implements AutoCloseable {

    /** Bytes: the line, body and message limit of every transport in the test instance. */
    static final int LIMIT = 1 << 20;

    /**
     * Configuration files added to the instance's {@code etc/}: small limits and short timeouts, so that every
     * bound is reached quickly. Keys as each bundle's metatype names them (underscores or dots both work).
     */
    static final Map<String, String> LIMITS = Map.of(
            "io.erlmcp.engine.cfg", """
                    # Sessions nobody uses any more end soon (HTTP sessions outlive connections).
                    idle.timeout.seconds = 3
                    handler.pool.size = 8
                    client.request.timeout.seconds = 2
                    """,
            "io.erlmcp.mcp.http.cfg", """
                    max.body.bytes = %d
                    keep.alive.seconds = 1
                    event.store.max.events = 200
                    event.store.max.bytes = 524288
                    event.store.max.age.seconds = 10
                    sse.queue.max.bytes = 262144
                    """.formatted(LIMIT),
            "io.erlmcp.mcp.sse.cfg", """
                    max.body.bytes = %d
                    keep.alive.seconds = 1
                    sse.queue.max.bytes = 262144
                    sse.queue.max.events = 200
                    """.formatted(LIMIT),
            "io.erlmcp.mcp.ws.cfg", """
                    max.message.bytes = %d
                    ping.interval.seconds = 1
                    idle.timeout.seconds = 5
                    queue.max.messages = 200
                    queue.max.bytes = 524288
                    """.formatted(LIMIT),
            "io.erlmcp.mcp.stdio.cfg", """
                    max.line.bytes = %d
                    queue.max.bytes = %d
                    """.formatted(LIMIT, LIMIT));

    /** Appended to the release's {@code etc/io.erlmcp.mcp.tcp-default.cfg}. */
    static final String TCP_LIMITS = """

            max_line_bytes = %d
            idle_timeout_seconds = 2
            queue_max_messages = 200
            queue_max_bytes = 524288
            """.formatted(LIMIT);

    /** Appended to the release's {@code etc/io.erlmcp.http.cfg}: a fixed Jetty pool, a short idle timeout. */
    static final String HTTP_LIMITS = """

            min_threads = 24
            max_threads = 24
            idle_timeout_millis = 2000
            """;

    final Path home;
    final Path base;
    final int httpPort;
    final int tcpPort;
    /** The TLS listener's port once {@link #tls()} added it, else 0. */
    int tlsPort;
    final Map<String, String> env;
    private Process stdio;

    private Node(Path home, Path base) throws IOException {
        this.home = home;
        this.base = base;
        this.httpPort = freePort();
        this.tcpPort = freePort();
        this.env = Map.of("ERLMCP_BASE", base.toString(),
                "ERLMCP_HTTP_PORT", String.valueOf(httpPort), "ERLMCP_METRICS_PORT", String.valueOf(freePort()),
                "ERLMCP_TCP_PORT", String.valueOf(tcpPort), "ERLMCP_HTTPS_PORT", String.valueOf(freePort()),
                "ERLMCP_FEATURES", "examples");
    }

    /** A fresh instance directory with the release's {@code etc/} and the test limits. */
    static Node prepare(String name) throws IOException {
        Path home = ReleaseNode.home();
        Path base = Files.createTempDirectory("erlmcp-rb-" + name);
        Path etc = Files.createDirectories(base.resolve("etc"));
        try (Stream<Path> files = Files.list(home.resolve("etc"))) {
            for (Path f : files.toList()) {
                Files.copy(f, etc.resolve(f.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        for (Map.Entry<String, String> cfg : LIMITS.entrySet()) {
            Files.writeString(etc.resolve(cfg.getKey()), cfg.getValue(), StandardCharsets.UTF_8);
        }
        append(etc.resolve("io.erlmcp.mcp.tcp-default.cfg"), TCP_LIMITS);
        append(etc.resolve("io.erlmcp.http.cfg"), HTTP_LIMITS);
        return new Node(home, base);
    }

    private static void append(Path file, String text) throws IOException {
        Files.writeString(file, Files.readString(file, StandardCharsets.UTF_8) + text, StandardCharsets.UTF_8);
    }

    /** The password of the keystore {@link #tls()} makes. */
    static final String TLS_PASSWORD = "robustness";

    /**
     * A TLS 1.3 TCP listener beside the plain one (before {@link #start()}): a self-signed keystore made with
     * keytool in {@link #keystore()}, and {@code etc/io.erlmcp.mcp.tcp-tls.cfg} with the same limits as the plain
     * one, on a free port ({@link #tlsPort}).
     */
    void tls() throws IOException, InterruptedException {
        Path keystore = keystore();
        Files.createDirectories(keystore.getParent());
        Process keytool = new ProcessBuilder("keytool", "-genkeypair", "-alias", "erlmcp", "-keyalg", "EC",
                "-groupname", "secp256r1", "-dname", "CN=localhost", "-ext", "SAN=dns:localhost,ip:127.0.0.1",
                "-validity", "2", "-storetype", "PKCS12", "-keystore", keystore.toString(), "-storepass",
                TLS_PASSWORD).redirectErrorStream(true).start();
        String out = new String(keytool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(keytool.waitFor(60, TimeUnit.SECONDS) && keytool.exitValue() == 0).as("keytool: %s", out).isTrue();
        tlsPort = freePort();
        config("io.erlmcp.mcp.tcp-tls.cfg", "port = " + tlsPort + "\nhost = 127.0.0.1\ntls_keystore = " + keystore
                + "\ntls_keystore_password = " + TLS_PASSWORD + "\n" + TCP_LIMITS);
    }

    /** The PKCS12 keystore of the TLS listener (password {@link #TLS_PASSWORD}). */
    Path keystore() {
        return base.resolve("etc/tls/erlmcp.p12");
    }

    /** Adds a file to the instance's {@code etc/} (before {@link #start()}). */
    void config(String file, String text) throws IOException {
        Files.writeString(base.resolve("etc").resolve(file), text, StandardCharsets.UTF_8);
    }

    /** {@code bin/erlmcp start}: a daemon; returns once it answers ping. */
    Node start() throws IOException, InterruptedException {
        ReleaseNode.Output r = ReleaseNode.output(home, env, List.of("start"), 90);
        assertThat(r.exit()).as("bin/erlmcp start:\n%s", r.text()).isZero();
        return this;
    }

    /** {@code bin/erlmcp stdio} as a child process: its stdin and stdout carry the protocol. */
    Process stdio() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(List.of(home.resolve("bin/erlmcp").toString(), "stdio"))
                .directory(home.toFile()).redirectError(base.resolve("stdio-stderr.log").toFile());
        builder.environment().putAll(env);
        stdio = builder.start();
        return stdio;
    }

    /** The node's pid: the daemon's pid file (also written in stdio mode once every bundle has started). */
    long pid() throws IOException {
        return Long.parseLong(Files.readString(base.resolve("data/erlmcp.pid")).replaceAll("[^0-9]", ""));
    }

    /** Waits until the stdio child has started every bundle: its pid file names it and the control socket exists. */
    void awaitStdio(Process child, long millis) throws IOException, InterruptedException {
        long deadline = System.nanoTime() + millis * 1_000_000L;
        while (true) {
            assertThat(child.isAlive()).as("bin/erlmcp stdio is running; stderr:\n%s",
                    readOrEmpty(base.resolve("stdio-stderr.log"))).isTrue();
            Path pid = base.resolve("data/erlmcp.pid");
            if (Files.isRegularFile(pid) && Files.exists(base.resolve("data/erlmcp.sock"))
                    && Files.readString(pid).replaceAll("[^0-9]", "").equals(String.valueOf(child.pid()))) {
                return;
            }
            assertThat(System.nanoTime()).as("bin/erlmcp stdio started within %d ms", millis).isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    private static String readOrEmpty(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** {@code bin/erlmcp eval <command>}: its output; fails the test when it fails. */
    String eval(String command) throws IOException, InterruptedException {
        ReleaseNode.Output r = ReleaseNode.output(home, env, List.of("eval", command), 30);
        assertThat(r.exit()).as("bin/erlmcp eval %s:\n%s", command, r.text()).isZero();
        return r.text();
    }

    /** The end of the node's log (for failure messages). */
    String logTail() {
        try {
            List<String> lines = Files.readAllLines(base.resolve("log/erlmcp.log"), StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        if (stdio != null) {
            stdio.getOutputStream().close();
            if (!stdio.waitFor(20, TimeUnit.SECONDS)) {
                stdio.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        } else if (Files.exists(base.resolve("data/erlmcp.pid"))) {
            ReleaseNode.output(home, env, List.of("stop"), 60);
        }
    }
}
