// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One daemon node ({@code bin/erlmcp start}) for every network transport's test class, started before the first
 * and stopped after the last (JUnit's root store closes it), so the module starts one node, not five.
 */
final class SharedNode implements BeforeAllCallback {

    private static volatile Node node;

    @Override
    public void beforeAll(ExtensionContext context) {
        node = context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
                .getOrComputeIfAbsent(SharedNode.class, k -> new Holder(startNode()), Holder.class).node();
    }

    static Node node() {
        return node;
    }

    private static Node startNode() {
        try {
            Node n = Node.prepare("net");
            n.tls();
            return n.start();
        } catch (Exception e) {
            throw new IllegalStateException("could not start a release node", e);
        }
    }

    private record Holder(Node node) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() throws Exception {
            node.close();
        }
    }
}
