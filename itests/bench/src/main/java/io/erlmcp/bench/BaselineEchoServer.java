// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.bench;

import java.nio.ByteBuffer;

import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The ceiling the MCP benchmark is measured against: plain Jetty 12 core and Jackson, no MCP. It parses a
 * JSON-RPC {@code tools/call} body and answers the echo tool's result, the least any HTTP JSON-RPC server must do.
 *
 * <p>Usage: {@code BaselineEchoServer <port>} (0 picks a free port); prints {@code listening <port>} when ready.
 */
public final class BaselineEchoServer {

    private static final ObjectMapper JSON = new ObjectMapper();

    private BaselineEchoServer() {
    }

    public static void main(String[] args) throws Exception {
        int port = args.length > 0 ? Integer.parseInt(args[0]) : 0;
        Server server = start(port);
        System.out.println("listening " + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
        System.out.flush();
        server.join();
    }

    static Server start(int port) throws Exception {
        Server server = new Server(new QueuedThreadPool(200, 8));
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new EchoHandler());
        server.start();
        return server;
    }

    static final class EchoHandler extends Handler.Abstract {
        @Override
        public boolean handle(Request request, Response response, Callback callback) throws Exception {
            if (!"POST".equals(request.getMethod())) {
                Response.writeError(request, response, callback, HttpStatus.METHOD_NOT_ALLOWED_405);
                return true;
            }
            ByteBuffer body = Content.Source.asByteBuffer(request);
            byte[] bytes = new byte[body.remaining()];
            body.get(bytes);
            JsonNode message = JSON.readTree(bytes);
            ObjectNode answer = JSON.createObjectNode();
            answer.put("jsonrpc", "2.0");
            answer.set("id", message.get("id"));
            ObjectNode result = answer.putObject("result");
            result.putArray("content").addObject().put("type", "text")
                    .put("text", message.path("params").path("arguments").path("message").asText());
            byte[] out = JSON.writeValueAsBytes(answer);
            response.setStatus(200);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, out.length);
            response.write(true, ByteBuffer.wrap(out), callback);
            return true;
        }
    }
}
