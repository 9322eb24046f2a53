// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * As many idle WebSocket MCP sessions at once as one node can hold, and proof that it still serves: a node with
 * {@link ReleaseNode#manySessions()} and {@code felix.cache.filelimit = 10} (Felix keeps at most ten bundle jars
 * open, so the node's own files stay few), idle WebSocket sessions held by {@link IdleClients} processes (10,000
 * each, on 127.0.0.2, 127.0.0.3, ...), then: sessions still open after two ping rounds, the node's open files,
 * live heap per connection, a fresh MCP client's {@code tools/call echo}, and {@code GET /health}.
 *
 * <p>Usage: {@code ManyConnections <erlmcp-home> <count|max> [hold-seconds]}. {@code max} asks for as many as the
 * node's open-file limit leaves after its own files and a reserve of {@value #RESERVE} (the control socket of
 * {@code bin/erlmcp eval}, the fresh client, the {@code /health} request, {@code jcmd}).
 */
public final class ManyConnections {

    /** File descriptors left free on the node for the checks made while it holds the connections. */
    static final int RESERVE = 8;

    private ManyConnections() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: ManyConnections <erlmcp-home> <count|max> [hold-seconds]");
            System.exit(2);
        }
        int hold = args.length == 3 ? Integer.parseInt(args[2]) : 35;
        Map<String, String> etc = new LinkedHashMap<>(ReleaseNode.manySessions());
        etc.put("erlmcp.properties", "felix.cache.filelimit = 10");
        try (ReleaseNode node = new ReleaseNode(Path.of(args[0]), etc, System.getProperty("bench.nodeJavaOpts"))) {
            node.start();
            String ws = "ws://127.0.0.1:" + node.httpPort() + "/mcp/ws";
            // Load the classes of every path used later while files can still be opened.
            report("warm-up echo over WebSocket", echo(ws));
            report("warm-up GET /health", health(node.httpPort()));
            long heapBefore = node.liveHeap();
            long filesBefore = node.openFiles();
            long limit = openFileLimit(node.pid());
            long count = "max".equals(args[1]) ? limit - filesBefore - RESERVE : Long.parseLong(args[1]);
            System.out.printf("node pid %d: open files %d of %d, live heap %d bytes; asking for %d idle WebSocket "
                    + "sessions%n", node.pid(), filesBefore, limit, heapBefore, count);
            long began = System.nanoTime();
            try (IdleHolders holders = new IdleHolders(IdleClients.Kind.WS, node.httpPort(), "/mcp/ws", (int) count,
                    10_000, 2)) {
                long[] opened = holders.status();
                System.out.printf("opened in %.1f s: ready %d, failed %d; node open files %d%n",
                        (System.nanoTime() - began) / 1e9, opened[0], opened[1], node.openFiles());
                System.out.printf("holding for %d s (the node pings every 15 s)%n", hold);
                Thread.sleep(hold * 1000L);
                long[] held = holders.status();
                long files = node.openFiles();
                System.out.printf("held at once: %d sessions (dropped %d, server pings answered %d) after %d s; "
                        + "node open files %d of %d%n", held[0], held[2], held[3], hold, files, limit);
                try {
                    long heap = node.liveHeap();
                    System.out.printf("live heap %d bytes: %.0f bytes per held connection%n", heap,
                            (double) (heap - heapBefore) / held[0]);
                } catch (IllegalStateException e) {
                    System.out.println("live heap: FAILED: " + e.getMessage());
                }
                report("fresh client echo over WebSocket while holding", echo(ws));
                report("GET /health while holding", health(node.httpPort()));
                try {
                    System.out.println("node status: " + node.run(60, "eval", "erlmcp:status").replaceAll("\\s+",
                            " "));
                } catch (IllegalStateException e) {
                    System.out.println("node status: FAILED: " + e.getMessage());
                }
                System.out.printf("still held: %d sessions%n", holders.ready());
            }
            Thread.sleep(3_000);
            System.out.printf("after closing: node open files %d%n", node.openFiles());
            report("fresh client echo over WebSocket after closing", echo(ws));
            report("GET /health after closing", health(node.httpPort()));
            try {
                node.run(30, "ping");
                System.out.println("bin/erlmcp ping after closing: ok");
            } catch (IllegalStateException e) {
                System.out.println("bin/erlmcp ping after closing: FAILED: " + e.getMessage());
            }
        }
    }

    private static void report(String what, String outcome) {
        System.out.println(what + ": " + outcome);
    }

    /** @return "ok (...)" or what failed: a full MCP session over WebSocket calling echo */
    static String echo(String url) {
        long begin = System.nanoTime();
        try (MessageSocket socket = MessageSocket.open(url, 10_000)) {
            SocketLoadGenerator.initialize(socket);
            socket.send(McpMessages.echoCall(1, "fresh-client"));
            String answer = socket.receive();
            while (McpMessages.fromServer(answer)) {
                answer = socket.receive();
            }
            return McpMessages.isEcho(answer, "fresh-client")
                    ? String.format("ok (%.0f ms)", (System.nanoTime() - begin) / 1e6)
                    : "FAILED: " + answer;
        } catch (IOException | RuntimeException e) {
            return "FAILED: " + e;
        }
    }

    /** @return "ok (...)" or what failed: {@code GET /health} on a connection closed afterwards */
    static String health(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String status = answer.isEmpty() ? "(nothing)" : answer.substring(0, answer.indexOf('\r') < 0
                    ? answer.length() : answer.indexOf('\r'));
            int body = answer.indexOf("\r\n\r\n");
            String json = body < 0 ? "" : answer.substring(body + 4);
            return (status.contains(" 200 ") && json.contains("\"healthy\"") ? "ok: " : "FAILED: ") + status + " "
                    + (json.length() > 160 ? json.substring(0, 160) + "..." : json);
        } catch (IOException | RuntimeException e) {
            return "FAILED: " + e;
        }
    }

    private static long openFileLimit(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid), "limits"))) {
            if (line.startsWith("Max open files")) {
                String[] parts = line.substring("Max open files".length()).trim().split("\\s+");
                return Long.parseLong(parts[0]);
            }
        }
        throw new IllegalStateException("no 'Max open files' in /proc/" + pid + "/limits");
    }
}
