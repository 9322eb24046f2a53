// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The assembled release (system property erlmcp.home, else {@code ../../runtime/target/erlmcp} from an itests
 * module) and how to run its bin/erlmcp; shared by the release tests of the client and the interop modules.
 */
public final class ReleaseNode {

    private ReleaseNode() {
    }

    public static Path home() {
        Path home = Path.of(System.getProperty("erlmcp.home", "../../runtime/target/erlmcp")).toAbsolutePath()
                .normalize();
        assertThat(home.resolve("bin/erlmcp")).as("the assembled release (mvn package)").isExecutable();
        return home;
    }

    /** A fresh ERLMCP_BASE with free ports (HTTP, metrics, TCP, HTTPS) and the examples feature. */
    public static Map<String, String> env(int httpPort) throws IOException {
        Path base = Files.createTempDirectory("erlmcp-it");
        return Map.of("ERLMCP_BASE", base.toString(), "ERLMCP_HTTP_PORT", String.valueOf(httpPort),
                "ERLMCP_METRICS_PORT", String.valueOf(freePort()), "ERLMCP_TCP_PORT", String.valueOf(freePort()),
                "ERLMCP_HTTPS_PORT", String.valueOf(freePort()), "ERLMCP_FEATURES", "examples");
    }

    /** Runs {@code bin/erlmcp <command>} to its end; returns its exit code and prints its output on failure. */
    public static int run(Path home, Map<String, String> env, String command, int timeoutSeconds)
            throws IOException, InterruptedException {
        Output out = output(home, env, List.of(command), timeoutSeconds);
        if (out.exit() != 0) {
            System.out.println("bin/erlmcp " + command + " exited " + out.exit() + ":\n" + out.text());
        }
        return out.exit();
    }

    /** Runs {@code bin/erlmcp start} (at most 120 s) and asserts that it exited 0. */
    public static void start(Path home, Map<String, String> env) throws IOException, InterruptedException {
        assertThat(run(home, env, "start", 120)).as("bin/erlmcp start").isZero();
    }

    /** Runs {@code bin/erlmcp stop} (at most 60 s); returns its exit code. */
    public static int stop(Path home, Map<String, String> env) throws IOException, InterruptedException {
        return run(home, env, "stop", 60);
    }

    /** What a {@code bin/erlmcp} command printed (stdout and stderr together), and its exit code. */
    public record Output(int exit, String text) {
    }

    /** Runs {@code bin/erlmcp <args>} to its end; returns its exit code (-1 after the timeout) and output. */
    public static Output output(Path home, Map<String, String> env, List<String> args, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("erlmcp-it", ".log");
        List<String> command = new ArrayList<>();
        command.add(home.resolve("bin/erlmcp").toString());
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(home.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        int exit;
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            exit = -1;
        } else {
            exit = process.exitValue();
        }
        String text = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Output(exit, text);
    }

    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
