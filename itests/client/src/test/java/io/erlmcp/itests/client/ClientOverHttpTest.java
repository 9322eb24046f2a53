// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import io.erlmcp.client.ClientTransport;

/** The client over Streamable HTTP against a node started with bin/erlmcp start. */
class ClientOverHttpTest extends ClientContract {

    private static Path home;
    private static Map<String, String> env;
    private static URI endpoint;

    @BeforeAll
    static void startNode() throws Exception {
        home = ReleaseNode.home();
        int port = ReleaseNode.freePort();
        env = ReleaseNode.env(port);
        assertThat(ReleaseNode.run(home, env, "start", 120)).as("bin/erlmcp start").isZero();
        endpoint = URI.create("http://127.0.0.1:" + port + "/mcp");
    }

    @AfterAll
    static void stopNode() throws Exception {
        if (env != null) {
            ReleaseNode.run(home, env, "stop", 60);
        }
    }

    @Override
    ClientTransport transport() {
        return ClientTransport.streamableHttp(endpoint);
    }
}
