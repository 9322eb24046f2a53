// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/**
 * Idle Streamable HTTP sessions: {@code initialize} and {@code notifications/initialized} each, then nothing.
 * The session lives on the server without a connection: the client that opened them is stopped (its
 * connections closed) before anything is measured.
 */
final class HttpSessions {

    private static final int THREADS = 16;

    private HttpSessions() {
    }

    /** @return the ids of the sessions opened (fewer than {@code count} if some failed; failures printed) */
    static List<String> open(String url, int count) throws Exception {
        List<String> ids = Collections.synchronizedList(new ArrayList<>(count));
        AtomicInteger failures = new AtomicInteger();
        HttpClient http = client();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> work = new ArrayList<>();
            AtomicInteger next = new AtomicInteger();
            for (int t = 0; t < THREADS; t++) {
                work.add(threads.submit(() -> {
                    while (next.getAndIncrement() < count) {
                        try {
                            ids.add(openOne(http, url));
                        } catch (Exception e) {
                            if (failures.incrementAndGet() <= 3) {
                                System.err.println("  initialize failed: " + e);
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> f : work) {
                f.get(30, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
            http.stop();
        }
        if (failures.get() > 0) {
            System.err.println("  " + failures.get() + " of " + count + " sessions failed to open");
        }
        return ids;
    }

    private static String openOne(HttpClient http, String url) throws Exception {
        ContentResponse init = post(http, url, null, McpMessages.INITIALIZE);
        String id = init.getHeaders().get("Mcp-Session-Id");
        if (init.getStatus() != 200 || id == null) {
            throw new IllegalStateException("initialize answered " + init.getStatus() + ": "
                    + init.getContentAsString());
        }
        ContentResponse initialized = post(http, url, id, McpMessages.INITIALIZED);
        if (initialized.getStatus() != 202) {
            throw new IllegalStateException("notifications/initialized answered " + initialized.getStatus());
        }
        return id;
    }

    /** Ends the sessions with DELETE. */
    static void delete(String url, List<String> ids) throws Exception {
        HttpClient http = client();
        ExecutorService threads = Executors.newFixedThreadPool(THREADS);
        try {
            List<Future<?>> work = new ArrayList<>();
            for (String id : ids) {
                work.add(threads.submit(() -> http.newRequest(url).method(HttpMethod.DELETE)
                        .headers(h -> h.put("Mcp-Session-Id", id).put("MCP-Protocol-Version",
                                McpMessages.PROTOCOL_VERSION))
                        .timeout(30, TimeUnit.SECONDS).send()));
            }
            for (Future<?> f : work) {
                f.get(30, TimeUnit.MINUTES);
            }
        } finally {
            threads.shutdownNow();
            http.stop();
        }
    }

    private static HttpClient client() throws Exception {
        HttpClient http = new HttpClient();
        http.setMaxConnectionsPerDestination(THREADS + 4);
        http.start();
        return http;
    }

    private static ContentResponse post(HttpClient http, String url, String session, String json) throws Exception {
        return http.newRequest(url).method(HttpMethod.POST).timeout(30, TimeUnit.SECONDS)
                .headers(h -> {
                    h.put(HttpHeader.ACCEPT, "application/json, text/event-stream");
                    if (session != null) {
                        h.put("Mcp-Session-Id", session);
                        h.put("MCP-Protocol-Version", McpMessages.PROTOCOL_VERSION);
                    }
                })
                .body(new BytesRequestContent("application/json", json.getBytes(StandardCharsets.UTF_8)))
                .send();
    }
}
