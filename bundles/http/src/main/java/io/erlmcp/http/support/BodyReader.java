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

    private BodyReader(Request request, long limit, long expected, Listener listener) {
        this.request = request;
        this.limit = limit;
        this.listener = listener;
        this.out = new ByteArrayOutputStream((int) Math.min(Math.max(expected, 256), Math.min(limit, 65_536)));
    }

    /** Starts reading {@code request}'s body; {@code Content-Length} over the limit fails at once. */
    public static void read(Request request, long limit, Listener listener) {
        long length = request.getLength();
        if (length > limit) {
            listener.tooLarge();
            return;
        }
        new BodyReader(request, limit, length, listener).run();
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
            if (out.size() + (long) buffer.remaining() > limit) {
                chunk.release();
                listener.tooLarge();
                return;
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
