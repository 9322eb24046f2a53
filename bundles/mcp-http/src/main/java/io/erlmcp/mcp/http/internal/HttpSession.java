// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;

/**
 * The HTTP side of one engine session: its running POST streams, its standalone GET stream and its event store.
 * Stream ids are {@code p<n>} for POST streams and {@code g<n>} for GET streams.
 */
final class HttpSession {

    /** How a GET was answered. */
    enum Outcome { STREAMING, CONFLICT, UNKNOWN_EVENT }

    final ServerSession session;
    final Settings settings;
    final EventStore events;
    private final AtomicLong streamIds = new AtomicLong();
    private final Map<String, Stream> running = new ConcurrentHashMap<>();
    private Stream standalone;

    HttpSession(ServerSession session, Settings settings, EventStore events) {
        this.session = session;
        this.settings = settings;
        this.events = events;
    }

    boolean resumable() {
        return McpHttp.resumable(session.protocolVersion());
    }

    /** Starts a POST stream; the caller passes it to {@code receive}. */
    Stream post(boolean batch, Exchange exchange) {
        Stream s = Stream.forPost(this, "p" + streamIds.incrementAndGet(), batch, exchange);
        running.put(s.id, s);
        return s;
    }

    /** Where messages caused by a frame without requests go: the standalone stream, if there is one. */
    MessageChannel unrelated() {
        return new MessageChannel() {
            @Override
            public void send(byte[] json, MessageKind kind) {
                Stream s = currentStandalone();
                if (s != null) {
                    s.send(json, kind);
                }
            }

            @Override
            public boolean isOpen() {
                Stream s = currentStandalone();
                return s != null && s.isOpen();
            }
        };
    }

    /** Opens the standalone stream on {@code exchange}, unless one is open. */
    Outcome openStandalone(Exchange exchange) {
        Stream s;
        MessageChannel replaced;
        synchronized (this) {
            if (standalone != null && standalone.isOpen()) {
                return Outcome.CONFLICT;
            }
            s = Stream.standalone(this, "g" + streamIds.incrementAndGet(), exchange);
            standalone = s;
            replaced = session.attachStandalone(s);
        }
        if (replaced != null && replaced != s && replaced instanceof Stream old) {
            old.shutdown(404, "Session closed");
        }
        return Outcome.STREAMING;
    }

    /** Answers a GET with {@code Last-Event-ID}. */
    Outcome resume(String lastEventId, Exchange exchange) {
        int dash = lastEventId.lastIndexOf('-');
        String streamId = dash > 0 ? lastEventId.substring(0, dash) : "";
        Stream post = running.get(streamId);
        if (post != null) {
            return post.resume(lastEventId, exchange) ? Outcome.STREAMING : Outcome.UNKNOWN_EVENT;
        }
        if (streamId.startsWith("g")) {
            // A lost standalone stream: replay what it missed, then carry on as the new standalone stream.
            Stream s;
            MessageChannel replaced;
            synchronized (this) {
                if (standalone != null && standalone.isOpen()) {
                    return Outcome.CONFLICT;
                }
                s = Stream.resumeStandalone(this, "g" + streamIds.incrementAndGet(), lastEventId, exchange);
                if (s == null) {
                    return Outcome.UNKNOWN_EVENT;
                }
                standalone = s;
                replaced = session.attachStandalone(s);
            }
            if (replaced != null && replaced != s && replaced instanceof Stream old) {
                old.shutdown(404, "Session closed");
            }
            return Outcome.STREAMING;
        }
        // A POST stream that already completed: replay and end.
        return Stream.finished(this, streamId).resume(lastEventId, exchange)
                ? Outcome.STREAMING : Outcome.UNKNOWN_EVENT;
    }

    void ended(Stream stream) {
        running.remove(stream.id, stream);
    }

    void standaloneEnded(Stream stream) {
        synchronized (this) {
            if (standalone == stream) {
                standalone = null;
            }
        }
        session.detachStandalone(stream);
    }

    synchronized Stream currentStandalone() {
        return standalone;
    }

    void keepAlive() {
        Stream s = currentStandalone();
        if (s != null) {
            s.keepAlive();
        }
        for (Stream p : running.values()) {
            p.keepAlive();
        }
    }

    /** Ends every stream: the session has closed (404 for a waiting POST) or the transport stops (503). */
    void shutdown(int status, String message) {
        List<Stream> all = new ArrayList<>(running.values());
        running.clear();
        Stream s;
        synchronized (this) {
            s = standalone;
            standalone = null;
        }
        if (s != null) {
            all.add(s);
        }
        for (Stream stream : all) {
            stream.shutdown(status, message);
        }
    }
}
