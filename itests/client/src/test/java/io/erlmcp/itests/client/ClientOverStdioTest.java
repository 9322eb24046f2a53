// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import java.nio.file.Path;
import java.util.List;

import io.erlmcp.client.ClientTransport;
import io.erlmcp.itests.testkit.ReleaseNode;

/** The client over stdio: each test spawns its own bin/erlmcp stdio with a fresh ERLMCP_BASE. */
class ClientOverStdioTest extends ClientContract {

    @Override
    ClientTransport transport() throws Exception {
        Path home = ReleaseNode.home();
        return ClientTransport.stdio(List.of(home.resolve("bin/erlmcp").toString(), "stdio"),
                ReleaseNode.env(ReleaseNode.freePort()), line -> System.err.println("[stdio node] " + line));
    }
}
