// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.client;

import java.io.IOException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.client.ClientTransport;

/**
 * Wraps a transport and keeps every message it delivers to the client (duplicates included, before the client
 * drops anything) and every message the client sends, so tests can count what really crossed the transport.
 */
final class RecordingTransport implements ClientTransport {

    final List<JsonNode> received = new CopyOnWriteArrayList<>();
    final List<JsonNode> sent = new CopyOnWriteArrayList<>();
    private final ClientTransport delegate;

    RecordingTransport(ClientTransport delegate) {
        this.delegate = delegate;
    }

    @Override
    public void start(Consumer<JsonNode> inbound) throws IOException {
        delegate.start(m -> {
            received.add(m);
            inbound.accept(m);
        });
    }

    @Override
    public void start(Consumer<JsonNode> inbound, Consumer<String> ended) throws IOException {
        delegate.start(m -> {
            received.add(m);
            inbound.accept(m);
        }, ended);
    }

    @Override
    public void send(JsonNode message) throws IOException {
        sent.add(message);
        delegate.send(message);
    }

    @Override
    public void protocolVersion(String protocolVersion) {
        delegate.protocolVersion(protocolVersion);
    }

    @Override
    public void initialized() {
        delegate.initialized();
    }

    @Override
    public void close() {
        delegate.close();
    }

    /** The messages received that answer request {@code id} (results and errors). */
    List<JsonNode> answersTo(long id) {
        return received.stream().filter(m -> !m.has("method") && m.path("id").asLong(-1) == id).toList();
    }

    /** The id of the last request sent with {@code method}. */
    long lastRequestId(String method) {
        return sent.stream().filter(m -> method.equals(m.path("method").asText()) && m.has("id"))
                .reduce((a, b) -> b).orElseThrow().get("id").asLong();
    }
}
