// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.transport.http.internal;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a request body without blocking and without holding more than {@code max} bytes: chunks are copied as
 * they arrive (demand-driven), and the read stops at the first chunk that would pass the limit.
 */
final class BodyReader implements Runnable {

    interface Sink {
        void body(byte[] body);

        void tooLarge();

        void failed(Throwable cause);
    }

    private final Request request;
    private final int max;
    private final Sink sink;
    private byte[] buffer;
    private int count;

    private BodyReader(Request request, int max, Sink sink) {
        this.request = request;
        this.max = max;
        this.sink = sink;
        long length = request.getLength();
        this.buffer = new byte[(int) Math.min(max, length > 0 ? length : 8192)];
    }

    /** Reads the body of {@code request} and reports to {@code sink} exactly once, on some thread. */
    static void read(Request request, int max, Sink sink) {
        new BodyReader(request, max, sink).run();
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
                sink.failed(chunk.getFailure());
                return;
            }
            ByteBuffer bytes = chunk.getByteBuffer();
            int n = bytes.remaining();
            if ((long) count + n > max) {
                chunk.release();
                sink.tooLarge();
                return;
            }
            if (count + n > buffer.length) {
                buffer = Arrays.copyOf(buffer, (int) Math.min(max, Math.max((long) buffer.length * 2, count + n)));
            }
            bytes.get(buffer, count, n);
            count += n;
            boolean last = chunk.isLast();
            chunk.release();
            if (last) {
                sink.body(count == buffer.length ? buffer : Arrays.copyOf(buffer, count));
                return;
            }
        }
    }
}
