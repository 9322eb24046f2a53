// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.ClientTransport;

/**
 * The stdio transport: spawns the server process and exchanges newline-delimited JSON-RPC on its stdin and stdout.
 * Lines on stdout that are not JSON are skipped; stderr is drained (to the given consumer, if any). Closing closes
 * stdin, waits for the process to end and destroys it if it does not.
 */
public final class StdioTransport implements ClientTransport {

    private final List<String> command;
    private final Map<String, String> env;
    private final Consumer<String> stderr;
    private Process process;
    private Writer stdin;
    private volatile boolean closed;
    private boolean ended;

    public StdioTransport(List<String> command, Map<String, String> env, Consumer<String> stderr) {
        this.command = List.copyOf(command);
        this.env = Map.copyOf(env);
        this.stderr = stderr;
    }

    @Override
    public void start(Consumer<JsonNode> inbound) throws IOException {
        start(inbound, reason -> {
        });
    }

    @Override
    public synchronized void start(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        if (process != null) {
            throw new IllegalStateException("already started");
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(env);
        process = builder.start();
        stdin = new BufferedWriter(new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8));
        thread("erlmcp-client-stdout", () -> lines(process.getInputStream(), line -> {
            JsonNode message = JsonRpcPeer.parse(line);
            if (message != null) { // blank or not JSON-RPC: a stray line
                inbound.accept(message);
            }
        }, () -> {
            ended();
            ended.accept("the server process closed its stdout" + exit());
        }));
        thread("erlmcp-client-stderr", () -> lines(process.getErrorStream(), line -> {
            if (stderr != null) {
                stderr.accept(line);
            }
        }, () -> {
        }));
    }

    @Override
    public void send(JsonNode message) throws IOException {
        String line = JsonRpcPeer.JSON.writeValueAsString(message);
        synchronized (this) {
            if (closed || stdin == null) {
                throw new IOException("transport closed");
            }
            if (ended) {
                throw new IOException("the server process ended");
            }
            stdin.write(line);
            stdin.write('\n');
            stdin.flush();
        }
    }

    @Override
    public void close() {
        Process p;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            p = process;
            if (stdin != null) {
                try {
                    stdin.close();
                } catch (IOException e) {
                    // The process is gone.
                }
            }
        }
        if (p == null) {
            return;
        }
        try {
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroy();
                if (!p.waitFor(5, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                }
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    /** The server process, or null before {@link #start}. */
    public Process process() {
        return process;
    }

    private static void lines(InputStream in, Consumer<String> each, Runnable atEnd) {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                each.accept(line);
            }
        } catch (IOException e) {
            // The process ended.
        }
        atEnd.run();
    }

    private synchronized void ended() {
        ended = true;
    }

    private String exit() {
        try {
            return process.waitFor(1, TimeUnit.SECONDS) ? " (exit " + process.exitValue() + ")" : "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void thread(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }
}
