// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** The accept loop of the tests' socket servers: every connection served on its own daemon thread. */
final class Acceptor {

    /** What a server does with one accepted connection (numbered from 1); it is closed afterwards. */
    @FunctionalInterface
    interface Serve {
        void serve(Socket socket, int connection) throws Exception;
    }

    private Acceptor() {
    }

    /**
     * Accepts on the bound {@code server} on a daemon thread until it is closed, adding every socket to
     * {@code accepted} (for the test to close) and counting it in {@code connections}.
     */
    static void start(ServerSocket server, List<Socket> accepted, AtomicInteger connections, Serve serve) {
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    accepted.add(s);
                    int n = connections.incrementAndGet();
                    Thread t = new Thread(() -> {
                        try (s) {
                            serve.serve(s, n);
                        } catch (Exception e) {
                            // The client went away.
                        }
                    });
                    t.setDaemon(true);
                    t.start();
                } catch (IOException e) {
                    return;
                }
            }
        });
        acceptor.setDaemon(true);
        acceptor.start();
    }
}
