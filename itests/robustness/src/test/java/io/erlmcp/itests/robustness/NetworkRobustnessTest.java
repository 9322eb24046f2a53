// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What each network transport's test class does around every case on the {@link SharedNode}: the connections the
 * case opened are closed, a fresh, well-behaved client must be answered, and the node's vitals must come back to
 * the baseline the class's warm-up took.
 */
@ExtendWith(SharedNode.class)
@Timeout(60)
abstract class NetworkRobustnessTest {

    private final List<AutoCloseable> opened = new ArrayList<>();

    /** The baseline the subclass's warm-up took. */
    abstract Baseline baseline();

    /** A new client of the transport: initialize, then an echo call that must be answered. */
    abstract void assertFreshClientServed() throws Exception;

    /** Registers a connection the case opened, to be closed after the case; returns it. */
    <C extends AutoCloseable> C closeAfter(C connection) {
        opened.add(connection);
        return connection;
    }

    @BeforeEach
    void begin() {
        baseline().begin();
    }

    @AfterEach
    void settle(TestInfo test) throws Exception {
        for (AutoCloseable c : opened) {
            c.close();
        }
        assertFreshClientServed();
        baseline().settle(test.getTestMethod().orElseThrow().getName());
    }
}
