// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

import io.erlmcp.itests.testkit.ReleaseNode;

/**
 * One release node (bin/erlmcp start, examples feature) shared by the test classes that ask for it as a parameter
 * ({@code @ExtendWith(SharedHttpNode.Resolver.class)}): started by the first, stopped when the whole run ends.
 */
final class SharedHttpNode implements ExtensionContext.Store.CloseableResource {

    private final Path home;
    private final Map<String, String> env;
    private final int port;

    private SharedHttpNode() throws Exception {
        home = ReleaseNode.home();
        port = ReleaseNode.freePort();
        env = ReleaseNode.env(port);
        ReleaseNode.start(home, env);
    }

    /** The node's HTTP port (its MCP endpoint is /mcp). */
    int port() {
        return port;
    }

    @Override
    public void close() throws Exception {
        ReleaseNode.stop(home, env);
    }

    /** Resolves a {@link SharedHttpNode} parameter, starting the node on first use. */
    static final class Resolver implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
            return parameter.getParameter().getType() == SharedHttpNode.class;
        }

        @Override
        public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
            return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).getOrComputeIfAbsent(
                    SharedHttpNode.class, k -> {
                        try {
                            return new SharedHttpNode();
                        } catch (Exception e) {
                            throw new IllegalStateException("cannot start the node", e);
                        }
                    }, SharedHttpNode.class);
        }
    }
}
