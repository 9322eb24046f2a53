// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.interop;

import java.net.URI;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;

import io.erlmcp.client.ClientTransport;

/**
 * erlmcp's Java client ({@code io.erlmcp.client}) against the official TypeScript SDK's McpServer
 * ({@code sdk-server.mjs}): over stdio (the client spawns {@code node sdk-server.mjs stdio}), over Streamable HTTP
 * (StreamableHTTPServerTransport, stateful sessions) and over legacy HTTP+SSE (SSEServerTransport), one SDK server
 * process per transport.
 */
class ErlmcpClientTest {

    @Nested
    class Stdio extends ErlmcpClientContract {
        private final StringBuffer stderr = new StringBuffer();

        @Override
        ClientTransport transport() throws Exception {
            NodeSdk sdk = NodeSdk.get();
            return ClientTransport.stdio(List.of(sdk.node().toString(), sdk.script("sdk-server.mjs").toString(),
                    "stdio"), Map.of(), line -> stderr.append(line).append('\n'));
        }

        @Override
        String serverStderr() {
            return stderr.toString();
        }

        @Override
        void stopServer() {
            // the client's close() ended the process
        }
    }

    @Nested
    class StreamableHttp extends OverSdkServerProcess {
        StreamableHttp() {
            super("http");
        }

        @Override
        ClientTransport transport(int port) {
            return ClientTransport.streamableHttp(URI.create("http://127.0.0.1:" + port + "/mcp"));
        }

        @Override
        boolean streamClosable() {
            return true;
        }
    }

    @Nested
    class LegacySse extends OverSdkServerProcess {
        LegacySse() {
            super("sse");
        }

        @Override
        ClientTransport transport(int port) {
            return ClientTransport.legacySse(URI.create("http://127.0.0.1:" + port + "/sse"));
        }
    }

    /** The contract against {@code sdk-server.mjs <mode>} running as a process of its own (an HTTP mode). */
    abstract class OverSdkServerProcess extends ErlmcpClientContract {
        private final String mode;
        private SdkServerProcess server;

        OverSdkServerProcess(String mode) {
            this.mode = mode;
        }

        /** The transport to the server listening on {@code port}. */
        abstract ClientTransport transport(int port);

        @Override
        final ClientTransport transport() throws Exception {
            server = SdkServerProcess.start(NodeSdk.get(), mode);
            return transport(server.port());
        }

        @Override
        String serverStderr() {
            return server == null ? "" : server.stderr();
        }

        @Override
        void stopServer() {
            if (server != null) {
                server.close();
            }
        }
    }
}
