// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;

import io.erlmcp.mcp.ErrorCodes;
import io.erlmcp.transport.Inbound;

/** A parsed transport frame: one message or a batch, or the error response for a frame that did not parse. */
final class Frame implements Inbound {

    final List<JsonNode> messages;
    final boolean batch;
    private final byte[] error;
    private final boolean initialize;
    private final boolean requests;

    private Frame(List<JsonNode> messages, boolean batch, byte[] error) {
        this.messages = messages;
        this.batch = batch;
        this.error = error;
        boolean init = false;
        boolean req = false;
        for (JsonNode m : messages) {
            if (Rpc.isRequest(m)) {
                req = true;
                init |= "initialize".equals(m.get("method").asText());
            }
        }
        this.initialize = init;
        this.requests = req;
    }

    static Frame parse(byte[] bytes) {
        JsonNode root;
        try {
            root = Json.MAPPER.readTree(bytes);
        } catch (JsonProcessingException e) {
            return failed(Rpc.error(null, ErrorCodes.PARSE_ERROR, "Parse error: " + e.getOriginalMessage(), null));
        } catch (IOException e) {
            return failed(Rpc.error(null, ErrorCodes.PARSE_ERROR, "Parse error", null));
        }
        if (root == null || root.isMissingNode()) {
            return failed(Rpc.error(null, ErrorCodes.PARSE_ERROR, "Parse error: empty frame", null));
        }
        if (root.isArray()) {
            if (root.isEmpty()) {
                return failed(Rpc.error(null, ErrorCodes.INVALID_REQUEST, "Invalid Request: empty batch", null));
            }
            List<JsonNode> list = new ArrayList<>(root.size());
            root.forEach(list::add);
            return new Frame(list, true, null);
        }
        String problem = Rpc.envelopeProblem(root);
        if (problem != null) {
            return failed(Rpc.error(Rpc.usableId(root), ErrorCodes.INVALID_REQUEST, "Invalid Request: " + problem,
                    null));
        }
        return new Frame(List.of(root), false, null);
    }

    private static Frame failed(byte[] error) {
        return new Frame(List.of(), false, error);
    }

    @Override
    public boolean isInitialize() {
        return initialize;
    }

    @Override
    public boolean hasRequests() {
        return requests;
    }

    @Override
    public boolean isBatch() {
        return batch;
    }

    @Override
    public Optional<byte[]> errorResponse() {
        return error == null ? Optional.empty() : Optional.of(error.clone());
    }

    byte[] error() {
        return error;
    }
}
