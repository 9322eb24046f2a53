// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.support;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without blocking, up to a limit: the bytes beyond it are never buffered. Each outcome
 * is reported once, on whichever thread the last chunk arrives. Call it from a Jetty handler that has returned
 * or will return {@code true}; the listener completes the response.
 *
 * <p>A body over the limit is read on and thrown away, up to {@link #SWALLOW_BYTES} more, before
 * {@link Listener#tooLarge()} is called: a client that is still sending when the server answers would otherwise
 * have its connection reset by the close and never see the 413. Beyond that allowance (or a
 * {@code Content-Length} announcing more) the answer goes at once and the connection is closed after it.
 */
public final class BodyReader implements Runnable {

    /** What happens to the body. */
    public interface Listener {
        void body(byte[] body);

        void tooLarge();

        void failed(Throwable cause);
    }

    private final Request request;
    private final long limit;
    private final Listener listener;
    private final ByteArrayOutputStream out;
    private long discarded = -1;

    /** How much of an oversized body is read and dropped so that the client sees the 413 (as Tomcat does). */
    public static final long SWALLOW_BYTES = 2L * 1024 * 1024;

    private BodyReader(Request request, long limit, long expected, Listener listener) {
        this.request = request;
        this.limit = limit;
        this.listener = listener;
        this.out = new ByteArrayOutputStream((int) Math.min(Math.max(expected, 256), Math.min(limit, 65_536)));
    }

    /** Starts reading {@code request}'s body; a {@code Content-Length} beyond the limit and the allowance fails at once. */
    public static void read(Request request, long limit, Listener listener) {
        long length = request.getLength();
        if (length > limit + SWALLOW_BYTES) {
            listener.tooLarge();
            return;
        }
        BodyReader reader = new BodyReader(request, limit, Math.min(length, limit), listener);
        if (length > limit) {
            reader.discarded = 0;
        }
        reader.run();
    }

    @Override
    public void run() {
        while (true) {
            Content.Chunk chunk = request.read();
            if (chunk == null) {
                request.demand(this);
                return;
            }
            if (Content.Chunk.isFailure(chunk)) {
                listener.failed(chunk.getFailure());
                return;
            }
            ByteBuffer buffer = chunk.getByteBuffer();
            boolean last = chunk.isLast();
            if (discarded < 0 && out.size() + (long) buffer.remaining() > limit) {
                discarded = out.size();
                out.reset();
            }
            if (discarded >= 0) {
                discarded += buffer.remaining();
                chunk.release();
                if (last || discarded > limit + SWALLOW_BYTES) {
                    listener.tooLarge();
                    return;
                }
                continue;
            }
            if (buffer.hasArray()) {
                out.write(buffer.array(), buffer.arrayOffset() + buffer.position(), buffer.remaining());
            } else {
                byte[] copy = new byte[buffer.remaining()];
                buffer.get(copy);
                out.write(copy, 0, copy.length);
            }
            chunk.release();
            if (last) {
                listener.body(out.toByteArray());
                return;
            }
        }
    }
}
