// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeRequest;
import org.eclipse.jetty.websocket.core.server.ServerUpgradeResponse;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ceiling the MCP benchmarks are measured against: the same framing as each erlmcp transport, no MCP.
 * Every message is parsed with Jackson and answered with the echo tool's result, the least any JSON-RPC server
 * must do:
 * <ul>
 * <li>HTTP: {@code POST /} on Jetty 12 core (the Streamable HTTP baseline);
 * <li>WebSocket: {@code /ws} with Jetty 12 core WebSocket (the library the {@code mcp-ws} bundle uses), one JSON
 * message per text frame, subprotocol {@code mcp} when offered;
 * <li>TCP: newline-delimited JSON on a plain {@link ServerSocket}, one thread per connection (as the blocking
 * {@code mcp-tcp} bundle does).
 * </ul>
 *
 * <p>Usage: {@code BaselineEchoServer <http-port> <tcp-port>} (0 picks a free port); prints
 * {@code listening <http-port> <tcp-port>} when ready.
 */
public final class BaselineEchoServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Server server;
    private final ServerSocket tcp;
    private final ExecutorService tcpThreads = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "baseline-tcp");
        t.setDaemon(true);
        return t;
    });

    private BaselineEchoServer(int httpPort, int tcpPort) throws Exception {
        server = new Server(new QueuedThreadPool(200, 8));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(httpPort);
        connector.setIdleTimeout(300_000);
        server.addConnector(connector);
        WebSocketUpgradeHandler ws = new WebSocketUpgradeHandler();
        ws.addMapping("/ws", new WebSocketNegotiator() {
            @Override
            public FrameHandler negotiate(ServerUpgradeRequest request, ServerUpgradeResponse response,
                    Callback callback) {
                if (request.hasSubProtocol("mcp")) {
                    response.setAcceptedSubProtocol("mcp");
                }
                return new WsEcho();
            }

            @Override
            public void customize(org.eclipse.jetty.websocket.core.Configuration configuration) {
                configuration.setIdleTimeout(java.time.Duration.ofMinutes(5));
                configuration.setAutoFragment(false);
            }
        });
        ws.setHandler(new HttpEcho());
        server.setHandler(ws);
        server.start();
        tcp = new ServerSocket();
        tcp.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort), 1024);
        Thread acceptor = new Thread(this::acceptLoop, "baseline-tcp-acceptor");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    /** Starts all three listeners on 127.0.0.1 (0: a free port). */
    public static BaselineEchoServer start(int httpPort, int tcpPort) throws Exception {
        return new BaselineEchoServer(httpPort, tcpPort);
    }

    public int httpPort() {
        return ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    }

    public int tcpPort() {
        return tcp.getLocalPort();
    }

    @Override
    public void close() throws Exception {
        tcp.close();
        tcpThreads.shutdownNow();
        server.stop();
    }

    public static void main(String[] args) throws Exception {
        int httpPort = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        int tcpPort = args.length > 1 ? Integer.parseInt(args[1]) : 0;
        BaselineEchoServer server = start(httpPort, tcpPort);
        System.out.println("listening " + server.httpPort() + " " + server.tcpPort());
        System.out.flush();
        server.server.join();
    }

    /**
     * @return the echo tool's JSON-RPC result for a {@code tools/call} request; for {@code initialize} a minimal
     *         initialize result (so that idle-session clients can be tried against the baseline); null for a
     *         notification
     */
    static byte[] answer(byte[] request) throws IOException {
        JsonNode message = JSON.readTree(request);
        if (!message.has("id")) {
            return null;
        }
        ObjectNode answer = JSON.createObjectNode();
        answer.put("jsonrpc", "2.0");
        answer.set("id", message.get("id"));
        ObjectNode result = answer.putObject("result");
        if ("initialize".equals(message.path("method").asText())) {
            result.put("protocolVersion", message.path("params").path("protocolVersion").asText());
            result.putObject("capabilities");
            result.putObject("serverInfo").put("name", "baseline").put("version", "1");
        } else {
            result.putArray("content").addObject().put("type", "text")
                    .put("text", message.path("params").path("arguments").path("message").asText());
        }
        return JSON.writeValueAsBytes(answer);
    }

    private static final class HttpEcho extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!"POST".equals(request.getMethod())) {
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                return true;
            }
            ByteBuffer body = Content.Source.asByteBuffer(request);
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            byte[] out = answer(bytes);
            if (out == null) {
                response.setStatus(202);
                response.write(true, null, callback);
                return true;
            }
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
            response.write(true, ByteBuffer.wrap(out), callback);
            return true;
        }
    }

    /** One text message in, its echo answer out as one text frame; pings answered. */
    private static final class WsEcho implements FrameHandler {
        private final ByteArrayOutputStream message = new ByteArrayOutputStream();
        private CoreSession session;

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            byte opcode = frame.getOpCode();
            if (opcode == OpCode.TEXT || opcode == OpCode.CONTINUATION) {
                if (opcode == OpCode.TEXT) {
                    message.reset();
                }
                if (frame.hasPayload()) {
                    message.writeBytes(BufferUtil.toArray(frame.getPayload()));
                }
                if (frame.isFin()) {
                    try {
                        byte[] out = answer(message.toByteArray());
                        if (out != null) {
                            session.sendFrame(new Frame(OpCode.TEXT, true, ByteBuffer.wrap(out)), Callback.NOOP, false);
                        }
                    } catch (IOException e) {
                        session.close(1007, "not JSON", Callback.NOOP);
                    }
                }
            } else if (opcode == OpCode.PING) {
                byte[] payload = frame.hasPayload() ? BufferUtil.toArray(frame.getPayload()) : new byte[0];
                session.sendFrame(new Frame(OpCode.PONG, true, ByteBuffer.wrap(payload)), Callback.NOOP, false);
            }
            callback.succeeded();
            session.demand();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(org.eclipse.jetty.websocket.core.CloseStatus closeStatus, Callback callback) {
            callback.succeeded();
        }
    }

    private void acceptLoop() {
        while (!tcp.isClosed()) {
            try {
                Socket socket = tcp.accept();
                tcpThreads.execute(() -> serve(socket));
            } catch (IOException e) {
                if (tcp.isClosed()) {
                    return;
                }
            }
        }
    }

    /** Newline-delimited JSON: every line answered with one line. */
    private static void serve(Socket socket) {
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 8192);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 8192);
            ByteArrayOutputStream line = new ByteArrayOutputStream();
            int b;
            while ((b = in.read()) >= 0) {
                if (b != '\n') {
                    line.write(b);
                    continue;
                }
                byte[] answer = line.size() > 0 ? answer(line.toByteArray()) : null;
                if (answer != null) {
                    out.write(answer);
                    out.write('\n');
                    if (in.available() == 0) {
                        out.flush();
                    }
                }
                line.reset();
            }
        } catch (IOException e) {
            // the client went away
        }
    }
}
