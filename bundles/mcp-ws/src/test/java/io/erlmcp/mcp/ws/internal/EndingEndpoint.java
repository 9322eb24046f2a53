// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp.ws.internal;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import io.erlmcp.transport.Inbound;
import io.erlmcp.transport.MessageChannel;
import io.erlmcp.transport.MessageKind;
import io.erlmcp.transport.ServerSession;
import io.erlmcp.transport.TransportInfo;
import io.erlmcp.transport.testkit.TestEndpoint;

/**
 * The shared stand-in engine, plus what the real engine does when the server ends a session (an operator's
 * terminate, idle expiry): {@link #end} closes the session, then calls {@link MessageChannel#sessionClosed()} on
 * the channel it was opened with. The transport gets a session that counts the transport's own
 * {@link ServerSession#close()} calls, so a test can tell that the transport does not close an ended session again.
 * A request {@code end_session} is answered and then ends its session from inside {@code receive}, on the thread
 * that read it.
 */
final class EndingEndpoint extends TestEndpoint {

    /** The transport's {@code close()} calls, by session id. */
    final Map<String, AtomicInteger> transportCloses = new ConcurrentHashMap<>();

    @Override
    public ServerSession open(TransportInfo transport, MessageChannel standalone) {
        TestSession s = (TestSession) super.open(transport, standalone);
        transportCloses.put(s.id, new AtomicInteger());
        return new Counting(s);
    }

    /** Ends {@code s} from the server's side, as the engine does: close it, then tell its standalone channel. */
    void end(TestSession s) {
        MessageChannel channel = s.standalone;
        s.close();
        if (channel != null) {
            channel.sessionClosed();
        }
    }

    int transportCloses(TestSession s) {
        return transportCloses.get(s.id).get();
    }

    /** Delegates to the stand-in's session and counts the transport's closes. */
    private final class Counting implements ServerSession {
        private final TestSession delegate;

        Counting(TestSession delegate) {
            this.delegate = delegate;
        }

        @Override
        public String id() {
            return delegate.id();
        }

        @Override
        public String protocolVersion() {
            return delegate.protocolVersion();
        }

        @Override
        public boolean initialized() {
            return delegate.initialized();
        }

        @Override
        public CompletionStage<Void> receive(Inbound frame, MessageChannel related) {
            Parsed parsed = (Parsed) frame;
            if (parsed.messages().size() == 1 && "end_session".equals(parsed.messages().get(0).path("method").asText())) {
                related.send(("{\"jsonrpc\":\"2.0\",\"id\":" + parsed.messages().get(0).path("id")
                        + ",\"result\":{\"ending\":true}}").getBytes(java.nio.charset.StandardCharsets.UTF_8),
                        MessageKind.RESPONSE);
                end(delegate);
                return CompletableFuture.completedFuture(null);
            }
            return delegate.receive(frame, related);
        }

        @Override
        public MessageChannel attachStandalone(MessageChannel standalone) {
            return delegate.attachStandalone(standalone);
        }

        @Override
        public void detachStandalone(MessageChannel standalone) {
            delegate.detachStandalone(standalone);
        }

        @Override
        public void close() {
            transportCloses.get(delegate.id).incrementAndGet();
            delegate.close();
        }

        @Override
        public boolean isClosed() {
            return delegate.isClosed();
        }
    }
}
