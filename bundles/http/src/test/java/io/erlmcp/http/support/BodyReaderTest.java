// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.http.support;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** A real Jetty whose handler reads bodies through {@link BodyReader}, driven by a real client and raw sockets. */
class BodyReaderTest {

    private static final int LIMIT = 64 * 1024;
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private Server server;
    private int port;

    @BeforeEach
    void start() throws Exception {
        server = new Server();
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                BodyReader.read(request, LIMIT, new BodyReader.Listener() {
                    @Override
                    public void body(byte[] body) {
                        Response.writeError(request, response, callback, 200, "read " + body.length);
                    }

                    @Override
                    public void tooLarge() {
                        Response.writeError(request, response, callback, 413, "too large");
                    }

                    @Override
                    public void failed(Throwable cause) {
                        callback.failed(cause);
                    }
                });
                return true;
            }
        });
        server.start();
        port = connector.getLocalPort();
    }

    @AfterEach
    void stop() throws Exception {
        server.stop();
    }

    private HttpResponse<String> post(HttpRequest.BodyPublisher body) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                .timeout(Duration.ofSeconds(10)).POST(body).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBodyWithinTheLimitIsReadWhole() throws Exception {
        HttpResponse<String> r = post(HttpRequest.BodyPublishers.ofString("x".repeat(LIMIT)));
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("read " + LIMIT);
    }

    @Test
    void aClientStillSendingAnOversizedBodySeesThe413EveryTime() throws Exception {
        byte[] big = new byte[LIMIT + 70 * 1024];
        for (int i = 0; i < 40; i++) {
            assertThat(post(HttpRequest.BodyPublishers.ofByteArray(big)).statusCode()).as("attempt %d", i)
                    .isEqualTo(413);
            assertThat(post(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)))
                    .statusCode()).as("chunked attempt %d", i).isEqualTo(413);
        }
        assertThat(post(HttpRequest.BodyPublishers.ofString("ok")).body()).contains("read 2");
    }

    @Test
    void theConnectionServesTheNextRequestAfterASwallowedBody() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            int size = LIMIT + 100_000;
            out.write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + size + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[size]);
            out.write("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 3\r\n\r\nabc"
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(readResponse(in)).startsWith("HTTP/1.1 413");
            String second = readResponse(in);
            assertThat(second).startsWith("HTTP/1.1 200").contains("read 3");
        }
    }

    @Test
    void aContentLengthBeyondTheAllowanceIsRefusedBeforeTheBodyIsSent() throws Exception {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(10_000);
            long size = LIMIT + BodyReader.SWALLOW_BYTES + 1;
            socket.getOutputStream().write(("POST / HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + size
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String response = readResponse(socket.getInputStream());
            assertThat(response).startsWith("HTTP/1.1 413");
            assertThat(response.toLowerCase()).contains(HttpHeader.CONNECTION.asString().toLowerCase() + ": close");
        }
    }

    /** Reads one response with a Content-Length body. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("closed after " + head);
            }
            head.append((char) b);
        }
        int length = 0;
        for (String line : head.toString().split("\r\n")) {
            if (line.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(line.substring(15).trim());
            }
        }
        return head + new String(in.readNBytes(length), StandardCharsets.UTF_8);
    }
}
