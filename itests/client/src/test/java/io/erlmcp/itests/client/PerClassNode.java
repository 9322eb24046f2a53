// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One {@link NodeUnderTest} for the test class that registers this extension in a static field: started before
 * its first test, stopped after its last.
 */
final class PerClassNode implements BeforeAllCallback, AfterAllCallback {

    /** How the class wants its node: {@code NodeUnderTest::start}, {@code ::withTcpTls}, {@code ::withHttps}. */
    @FunctionalInterface
    interface Starter {
        NodeUnderTest start() throws Exception;
    }

    private final Starter starter;
    private NodeUnderTest node;

    PerClassNode(Starter starter) {
        this.starter = starter;
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        node = starter.start();
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        if (node != null) {
            node.close();
            node = null;
        }
    }

    /** The running node. */
    NodeUnderTest get() {
        if (node == null) {
            throw new IllegalStateException("the node is not running (outside the test class's lifetime)");
        }
        return node;
    }
}
