// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;


/**
 * The closed loop of {@link LoadGenerator} over a WebSocket or TCP connection per virtual client: one thread per
 * client with a blocking socket, sending its next {@code tools/call echo} as soon as the answer to the previous
 * one arrived. Against erlmcp every connection is an MCP session ({@code initialize}, {@code
 * notifications/initialized}, then calls); against the baseline it sends the same {@code tools/call} messages.
 * Bounded in time and count; an answer counts only when it echoes the call's text without an error.
 */
public final class SocketLoadGenerator {

    private static final long MAX_CALLS_PER_CLIENT = 50_000_000L;
    private static final int TIMEOUT_MILLIS = 30_000;

    private final String url;
    private final boolean mcp;

    /**
     * @param url {@code ws://host:port/path} or {@code tcp://host:port}
     * @param mcp whether each connection starts an MCP session first
     */
    public SocketLoadGenerator(String url, boolean mcp) {
        this.url = url;
        this.mcp = mcp;
    }

    /** Runs {@code clients} virtual clients for {@code warmupSeconds} + {@code seconds}. */
    public LoadGenerator.Result run(String target, int clients, int warmupSeconds, int seconds) throws Exception {
        List<MessageSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < clients; i++) {
                MessageSocket socket = MessageSocket.open(url, TIMEOUT_MILLIS);
                sockets.add(socket);
                if (mcp) {
                    initialize(socket);
                }
            }
            LoadGenerator.Phase phase = new LoadGenerator.Phase(clients);
            for (int i = 0; i < clients; i++) {
                MessageSocket socket = sockets.get(i);
                int number = i;
                Thread thread = new Thread(() -> {
                    try {
                        loop(socket, number, phase);
                    } finally {
                        phase.finished.countDown();
                    }
                }, "loadgen-" + i);
                thread.setDaemon(true);
                thread.start();
            }
            return phase.measure(target, clients, warmupSeconds, seconds, TIMEOUT_MILLIS + 5_000);
        } finally {
            for (MessageSocket socket : sockets) {
                socket.close();
            }
        }
    }

    /** Sends {@code initialize}, checks its answer, sends {@code notifications/initialized}. */
    static void initialize(MessageSocket socket) throws IOException {
        socket.send(McpMessages.INITIALIZE);
        String answer = socket.receive();
        while (McpMessages.fromServer(answer)) {
            answer = socket.receive();
        }
        if (!answer.contains("\"protocolVersion\"") || answer.contains("\"error\"")) {
            throw new IOException("initialize failed: " + answer);
        }
        socket.send(McpMessages.INITIALIZED);
    }

    private static void loop(MessageSocket socket, int number, LoadGenerator.Phase phase) {
        for (long id = 1; phase.running && id <= MAX_CALLS_PER_CLIENT; id++) {
            String text = "c" + number + "-" + id;
            long begin = System.nanoTime();
            try {
                socket.send(McpMessages.echoCall(id, text));
                String answer = socket.receive();
                while (McpMessages.fromServer(answer)) {
                    answer = socket.receive();
                }
                if (McpMessages.isEcho(answer, text)) {
                    phase.succeeded(System.nanoTime() - begin);
                } else {
                    phase.failed();
                }
            } catch (IOException e) {
                // The connection is gone; this client stops, and the failure counts.
                phase.failed();
                return;
            }
        }
    }

    /** {@code SocketLoadGenerator <ws://...|tcp://...> <mcp|plain> <clients> <warmupSeconds> <seconds>} */
    public static void main(String[] args) throws Exception {
        if (args.length != 5) {
            System.err.println("usage: SocketLoadGenerator <ws-or-tcp-url> <mcp|plain> <clients> <warmup-seconds> "
                    + "<seconds>");
            System.exit(2);
        }
        SocketLoadGenerator generator = new SocketLoadGenerator(args[0], "mcp".equals(args[1]));
        System.out.println(generator.run(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]),
                Integer.parseInt(args[4])).row());
    }
}
