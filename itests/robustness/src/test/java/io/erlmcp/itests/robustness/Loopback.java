// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;

/** Client sockets to the node on 127.0.0.1, with the tests' timeouts, and the way a client vanishes (RST). */
final class Loopback {

    private Loopback() {
    }

    /** Connects a new socket; {@code receiveBuffer} 0 keeps the default. */
    static Socket connect(int port, int receiveBuffer) throws IOException {
        return connect(new Socket(), port, receiveBuffer);
    }

    /**
     * Connects {@code s} (unconnected, e.g. from an SSL socket factory) within 5 s; reads then time out after 20 s.
     * {@code receiveBuffer} 0 keeps the default.
     */
    static <S extends Socket> S connect(S s, int port, int receiveBuffer) throws IOException {
        if (receiveBuffer > 0) {
            s.setReceiveBufferSize(receiveBuffer);
        }
        s.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
        s.setSoTimeout(20_000);
        return s;
    }

    /** Closes with RST instead of FIN: the client is gone, nothing more is read or acknowledged. */
    static void reset(Socket s) throws IOException {
        s.setSoLinger(true, 0);
        s.close();
    }
}
