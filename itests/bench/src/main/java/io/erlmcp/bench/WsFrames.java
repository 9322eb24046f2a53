// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The client side of RFC 6455, just what the benchmarks need: the opening handshake, masked frames out,
 * unmasked frames in. Written by hand so that a client connection costs a socket and a few small objects, which
 * lets one process hold ten thousand of them (see {@link IdleClients}).
 */
final class WsFrames {

    static final int TEXT = 0x1;
    static final int CONTINUATION = 0x0;
    static final int BINARY = 0x2;
    static final int CLOSE = 0x8;
    static final int PING = 0x9;
    static final int PONG = 0xA;

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private WsFrames() {
    }

    /** @return a fresh {@code Sec-WebSocket-Key} */
    static String newKey() {
        byte[] nonce = new byte[16];
        ThreadLocalRandom.current().nextBytes(nonce);
        return Base64.getEncoder().encodeToString(nonce);
    }

    /** @return the upgrade request for {@code path} on {@code host:port}, offering {@code subprotocol} if not null */
    static byte[] handshake(String host, int port, String path, String key, String subprotocol) {
        StringBuilder request = new StringBuilder(256).append("GET ").append(path).append(" HTTP/1.1\r\n")
                .append("Host: ").append(host).append(':').append(port).append("\r\n")
                .append("Upgrade: websocket\r\nConnection: Upgrade\r\n")
                .append("Sec-WebSocket-Key: ").append(key).append("\r\n")
                .append("Sec-WebSocket-Version: 13\r\n");
        if (subprotocol != null) {
            request.append("Sec-WebSocket-Protocol: ").append(subprotocol).append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** @return the {@code Sec-WebSocket-Accept} a server must answer to {@code key} */
    static String accept(String key) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII));
            return Base64.getEncoder().encodeToString(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is missing", e);
        }
    }

    /**
     * Checks a server's handshake answer (status line and headers, without the blank line).
     *
     * @return null when it is a valid 101 for {@code key}, else what is wrong
     */
    static String checkAnswer(String head, String key) {
        String[] lines = head.split("\r\n");
        if (lines.length == 0 || !lines[0].startsWith("HTTP/1.1 101")) {
            return "not upgraded: " + (lines.length == 0 ? "(empty)" : lines[0]);
        }
        String expected = accept(key);
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Sec-WebSocket-Accept")) {
                return line.substring(colon + 1).trim().equals(expected) ? null : "wrong Sec-WebSocket-Accept";
            }
        }
        return "no Sec-WebSocket-Accept";
    }

    /** @return one final, masked frame carrying {@code payload} */
    static byte[] frame(int opcode, byte[] payload) {
        int length = payload.length;
        int header = length < 126 ? 2 : length < 65536 ? 4 : 10;
        byte[] out = new byte[header + 4 + length];
        out[0] = (byte) (0x80 | opcode);
        if (length < 126) {
            out[1] = (byte) (0x80 | length);
        } else if (length < 65536) {
            out[1] = (byte) (0x80 | 126);
            out[2] = (byte) (length >>> 8);
            out[3] = (byte) length;
        } else {
            out[1] = (byte) (0x80 | 127);
            for (int i = 0; i < 8; i++) {
                out[2 + i] = (byte) ((long) length >>> (56 - 8 * i));
            }
        }
        int mask = ThreadLocalRandom.current().nextInt();
        byte[] key = {(byte) (mask >>> 24), (byte) (mask >>> 16), (byte) (mask >>> 8), (byte) mask};
        System.arraycopy(key, 0, out, header, 4);
        for (int i = 0; i < length; i++) {
            out[header + 4 + i] = (byte) (payload[i] ^ key[i & 3]);
        }
        return out;
    }

    /** @return a masked text frame */
    static byte[] text(String json) {
        return frame(TEXT, json.getBytes(StandardCharsets.UTF_8));
    }

    /** One frame from the server. */
    record Frame(int opcode, boolean fin, byte[] payload) {
        String text() {
            return new String(payload, StandardCharsets.UTF_8);
        }
    }

    /**
     * Takes one whole frame off {@code in} (flipped for reading). When {@code in} does not yet hold a whole
     * frame it is left as it was and null is returned.
     *
     * @throws IllegalStateException on a masked frame or one larger than {@code maxPayload}
     */
    static Frame next(ByteBuffer in, int maxPayload) {
        int start = in.position();
        if (in.remaining() < 2) {
            return null;
        }
        int b0 = in.get(start) & 0xFF;
        int b1 = in.get(start + 1) & 0xFF;
        if ((b1 & 0x80) != 0) {
            throw new IllegalStateException("a server frame must not be masked");
        }
        long length = b1 & 0x7F;
        int header = 2;
        if (length == 126) {
            if (in.remaining() < 4) {
                return null;
            }
            length = ((in.get(start + 2) & 0xFF) << 8) | (in.get(start + 3) & 0xFF);
            header = 4;
        } else if (length == 127) {
            if (in.remaining() < 10) {
                return null;
            }
            length = in.getLong(start + 2);
            header = 10;
        }
        if (length < 0 || length > maxPayload) {
            throw new IllegalStateException("frame of " + length + " bytes is larger than " + maxPayload);
        }
        if (in.remaining() < header + length) {
            return null;
        }
        byte[] payload = new byte[(int) length];
        in.position(start + header);
        in.get(payload);
        return new Frame(b0 & 0x0F, (b0 & 0x80) != 0, payload);
    }
}
