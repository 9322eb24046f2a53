// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.client.internal;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Parses a text/event-stream (the WHATWG rules MCP needs): data lines joined with newlines, id, event and retry
 * fields, comments ignored, one event per blank line. Events with no data are skipped.
 */
public final class SseParser {

    /** One event: its type ("message" when unnamed), data, and id (null when it had none). */
    public record Event(String type, String data, String id) {
    }

    private final Consumer<Event> events;
    private final StringBuilder data = new StringBuilder();
    private String type;
    private String id;
    private boolean hasData;
    private String lastEventId;
    private long retryMillis = -1;

    public SseParser(Consumer<Event> events) {
        this.events = events;
    }

    /** Reads the stream to its end, one line at a time. */
    public void read(InputStream in) throws IOException {
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                line(line);
            }
            line("");
        }
    }

    /** One line, without its line ending. */
    public void line(String line) {
        if (line.isEmpty()) {
            dispatch();
            return;
        }
        if (line.startsWith(":")) {
            return;
        }
        int colon = line.indexOf(':');
        String field = colon < 0 ? line : line.substring(0, colon);
        String value = colon < 0 ? "" : line.substring(colon + 1);
        if (value.startsWith(" ")) {
            value = value.substring(1);
        }
        switch (field) {
            case "data" -> {
                if (hasData) {
                    data.append('\n');
                }
                data.append(value);
                hasData = true;
            }
            case "event" -> type = value;
            case "id" -> {
                if (value.indexOf('\0') < 0) {
                    id = value;
                    lastEventId = value;
                }
            }
            case "retry" -> {
                if (!value.isEmpty() && value.chars().allMatch(Character::isDigit)) {
                    retryMillis = Long.parseLong(value);
                }
            }
            default -> {
                // Unknown fields are ignored.
            }
        }
    }

    /** The last event id seen, for resuming with Last-Event-ID; null if none. */
    public String lastEventId() {
        return lastEventId;
    }

    /** The last retry the server asked for, in milliseconds, or -1. */
    public long retryMillis() {
        return retryMillis;
    }

    private void dispatch() {
        if (hasData) {
            events.accept(new Event(type == null || type.isEmpty() ? "message" : type, data.toString(), id));
        }
        data.setLength(0);
        hasData = false;
        type = null;
        id = null;
    }
}
