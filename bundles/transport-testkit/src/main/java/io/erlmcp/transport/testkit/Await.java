// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.testkit;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waiting in tests for what another thread does, bounded. */
public final class Await {

    private Await() {
    }

    /** Polls {@code condition} every 20 ms; fails with {@code what} if it is not true within 10 s. */
    public static void until(BooleanSupplier condition, String what) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() >= deadline) {
                throw new AssertionError(what + ": not within 10 s");
            }
            Thread.sleep(20);
        }
    }
}
