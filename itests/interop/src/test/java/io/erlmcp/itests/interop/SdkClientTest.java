// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.interop;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.itests.testkit.ReleaseNode;

/**
 * The official TypeScript SDK's Client against erlmcp: one release node ({@code bin/erlmcp start}, examples feature)
 * serves Streamable HTTP and legacy HTTP+SSE; over stdio the SDK's StdioClientTransport spawns
 * {@code bin/erlmcp stdio} with an instance directory and ports of its own.
 */
class SdkClientTest {

    private static Path home;
    private static Map<String, String> nodeEnv;
    private static int port;

    @BeforeAll
    static void startNode() throws Exception {
        home = ReleaseNode.home();
        port = ReleaseNode.freePort();
        nodeEnv = ReleaseNode.env(port);
        ReleaseNode.start(home, nodeEnv);
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (nodeEnv != null) {
            ReleaseNode.stop(home, nodeEnv);
        }
    }

    @Nested
    class StreamableHttp extends SdkClientContract {
        @Override
        String transport() {
            return "http";
        }

        @Override
        String target() {
            return "http://127.0.0.1:" + port + "/mcp";
        }

        @Override
        List<String> extraSteps() {
            return List.of("reconnection");
        }

        /** test_reconnection closes the call's stream mid-call: the SDK resumes it with Last-Event-ID. */
        @Test
        void aClosedStreamIsResumedWithLastEventId() {
            JsonNode reconnection = step("reconnection");
            assertThat(reconnection.path("isError").asBoolean()).as(why()).isFalse();
            assertThat(reconnection.path("text").asText()).as(why())
                    .isEqualTo("Reconnection test completed successfully");
            assertThat(reconnection.path("resumptions")).as(why()).hasSize(1);
            assertThat(reconnection.path("resumptions").get(0).path("lastEventId").asText()).as(why()).isNotEmpty();
            assertThat(reconnection.path("resumptions").get(0).path("status").asInt()).as(why()).isEqualTo(200);
        }
    }

    @Nested
    class LegacySse extends SdkClientContract {
        @Override
        String transport() {
            return "sse";
        }

        @Override
        String target() {
            return "http://127.0.0.1:" + port + "/sse";
        }
    }

    @Nested
    class Stdio extends SdkClientContract {
        @Override
        String transport() {
            return "stdio";
        }

        @Override
        String target() {
            return home.resolve("bin/erlmcp").toString();
        }

        /** The script passes ERLMCP_*, JAVA_HOME, PATH and HOME on to bin/erlmcp stdio. */
        @Override
        Map<String, String> scriptEnv() throws Exception {
            Map<String, String> env = new HashMap<>(ReleaseNode.env(ReleaseNode.freePort()));
            String javaHome = System.getenv("JAVA_HOME");
            env.put("JAVA_HOME", javaHome != null ? javaHome : System.getProperty("java.home"));
            return env;
        }
    }
}
