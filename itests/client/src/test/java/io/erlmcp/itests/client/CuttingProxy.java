// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A TCP proxy on 127.0.0.1 in front of a node, for cutting connections mid-stream the way a network failure does:
 * {@link #cutAll()} resets every connection open at that moment (new ones are accepted as before). It keeps what
 * clients sent (the first {@value #RECORD_LIMIT} bytes of each connection) so tests can see the HTTP requests.
 */
final class CuttingProxy implements AutoCloseable {

    private static final int RECORD_LIMIT = 1 << 20;
    private static final Pattern LAST_EVENT_ID = Pattern.compile("(?im)^last-event-id:\\s*(\\S+)\\s*$");

    private final int target;
    private final ServerSocket listener;
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private final List<StringBuffer> sent = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile int cuts;

    CuttingProxy(int targetPort) throws IOException {
        this.target = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "cutting-proxy-accept");
        accept.setDaemon(true);
        accept.start();
    }

    int port() {
        return listener.getLocalPort();
    }

    /** Resets every connection open now, both the client's side and the node's. */
    void cutAll() {
        cuts++;
        for (Socket s : open) {
            try {
                s.setSoLinger(true, 0); // RST, not a polite FIN
            } catch (IOException e) {
                // closing anyway
            }
            closeQuietly(s);
        }
    }

    int cuts() {
        return cuts;
    }

    /** The Last-Event-ID values of every request clients sent through the proxy, in order per connection. */
    List<String> lastEventIds() {
        List<String> ids = new ArrayList<>();
        for (StringBuffer b : sent) {
            Matcher m = LAST_EVENT_ID.matcher(b);
            while (m.find()) {
                ids.add(m.group(1));
            }
        }
        return ids;
    }

    /** Everything clients sent, as ISO-8859-1 text. */
    String clientTraffic() {
        StringBuilder all = new StringBuilder();
        sent.forEach(all::append);
        return all.toString();
    }

    @Override
    public void close() {
        closeQuietly(listener);
        cutAll();
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket node = new Socket();
                try {
                    node.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), target), 5000);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                open.add(client);
                open.add(node);
                StringBuffer record = new StringBuffer();
                sent.add(record);
                pump(client, node, record);
                pump(node, client, null);
            } catch (IOException e) {
                return; // closed
            }
        }
    }

    private void pump(Socket from, Socket to, StringBuffer record) {
        Thread t = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
                int n;
                while ((n = in.read(buffer)) >= 0) {
                    if (record != null && record.length() < RECORD_LIMIT) {
                        record.append(new String(buffer, 0, n, StandardCharsets.ISO_8859_1));
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                }
            } catch (IOException e) {
                // cut or closed
            } finally {
                open.remove(from);
                open.remove(to);
                closeQuietly(from);
                closeQuietly(to);
            }
        }, "cutting-proxy-pump");
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(java.io.Closeable c) {
        try {
            c.close();
        } catch (IOException e) {
            // already closed
        }
    }
}
