// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.itests.robustness;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** Reads {@code text/event-stream} events from a (de-chunked) body; comments are skipped. */
final class SseEvents {

    /** One event: its {@code id:}, {@code event:} and joined {@code data:} lines. */
    record Event(String id, String name, String data) {
    }

    private final InputStream in;

    SseEvents(InputStream in) {
        this.in = in;
    }

    /** @return the next event, or null when the stream ends */
    Event next() throws IOException {
        String id = null;
        String name = null;
        StringBuilder data = null;
        while (true) {
            String line = line();
            if (line == null) {
                return null;
            }
            if (line.isEmpty()) {
                if (data != null || id != null || name != null) {
                    return new Event(id, name, data == null ? "" : data.toString());
                }
                continue;
            }
            if (line.startsWith(":")) {
                continue;
            }
            int colon = line.indexOf(':');
            String field = colon < 0 ? line : line.substring(0, colon);
            String value = colon < 0 ? "" : line.substring(colon + 1).replaceFirst("^ ", "");
            switch (field) {
                case "id" -> id = value;
                case "event" -> name = value;
                case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                default -> {
                }
            }
        }
    }

    private String line() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            b.write(c);
        }
        if (c < 0 && b.size() == 0) {
            return null;
        }
        String s = b.toString(StandardCharsets.UTF_8);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
