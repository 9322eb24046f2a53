// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.http.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;

/**
 * The HTTP side of one engine session: its running POST streams, its standalone GET stream and its event store.
 * Stream ids are {@code p<n>} for POST streams and {@code g<n>} for GET streams.
 *
 * <p>Holds no lock while it calls the engine, and the engine is never called with a {@link Stream}'s lock held
 * for a standalone stream's end (that goes through {@code executor}), so an engine that sends while holding its
 * own locks cannot deadlock with a transport thread.
 */
final class HttpSession {

    /** How a GET was answered. */
    enum Outcome { STREAMING, CONFLICT, UNKNOWN_EVENT }

    final ServerSession session;
    final Settings settings;
    final EventStore events;
    private final Executor executor;
    private final AtomicLong streamIds = new AtomicLong();
    private final Map<String, Stream> running = new ConcurrentHashMap<>();
    private final AtomicReference<Stream> standalone = new AtomicReference<>();

    HttpSession(ServerSession session, Settings settings, EventStore events, Executor executor) {
        this.session = session;
        this.settings = settings;
        this.events = events;
        this.executor = executor;
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
                Stream s = standalone.get();
                if (s != null) {
                    s.send(json, kind);
                }
            }

            @Override
            public boolean isOpen() {
                Stream s = standalone.get();
                return s != null && s.isOpen();
            }
        };
    }

    /** Opens the standalone stream on {@code exchange}, unless one is open. */
    Outcome openStandalone(Exchange exchange) {
        Stream s = Stream.standalone(this, "g" + streamIds.incrementAndGet());
        if (!claimStandalone(s)) {
            return Outcome.CONFLICT;
        }
        s.start(exchange);
        attach(s);
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
            Stream s = Stream.standalone(this, "g" + streamIds.incrementAndGet());
            if (!claimStandalone(s)) {
                return Outcome.CONFLICT;
            }
            if (!s.resume(lastEventId, exchange)) {
                standalone.compareAndSet(s, null);
                return Outcome.UNKNOWN_EVENT;
            }
            attach(s);
            return Outcome.STREAMING;
        }
        // A POST stream that already completed: replay and end.
        return Stream.finished(this, streamId).resume(lastEventId, exchange)
                ? Outcome.STREAMING : Outcome.UNKNOWN_EVENT;
    }

    /** @return whether {@code s} became the standalone stream; else the open one gets a keep-alive probe */
    private boolean claimStandalone(Stream s) {
        while (true) {
            Stream current = standalone.get();
            if (current != null && current.isOpen()) {
                // A client that vanished is only noticed on a write: probe it, so that a retry can succeed.
                current.keepAlive();
                return false;
            }
            if (standalone.compareAndSet(current, s)) {
                return true;
            }
        }
    }

    private void attach(Stream s) {
        MessageChannel replaced = session.attachStandalone(s);
        if (replaced != null && replaced != s && replaced instanceof Stream old) {
            old.shutdown(404, "Session closed");
        }
    }

    void ended(Stream stream) {
        running.remove(stream.id, stream);
    }

    /** A standalone stream lost its response; may be called with the stream's lock held. */
    void standaloneEnded(Stream stream) {
        standalone.compareAndSet(stream, null);
        try {
            executor.execute(() -> session.detachStandalone(stream));
        } catch (RejectedExecutionException e) {
            // The transport is stopping; nothing else runs on this session's behalf any more.
            session.detachStandalone(stream);
        }
    }

    void keepAlive() {
        Stream s = standalone.get();
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
        Stream s = standalone.getAndSet(null);
        if (s != null) {
            all.add(s);
        }
        for (Stream stream : all) {
            stream.shutdown(status, message);
        }
    }
}
