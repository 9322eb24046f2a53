// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.mcp;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;

import org.osgi.annotation.versioning.ProviderType;

/**
 * The session and request a handler runs for. Everything it sends goes out on the same transport channel as
 * the request (for Streamable HTTP: the POST's SSE stream). Thread-safe.
 *
 * <p>Server-to-client requests ({@link #sample}, {@link #elicit}, {@link #listRoots}) complete with the
 * client's answer, exceptionally with an {@link McpException} when the client answers with an error, did not
 * declare the capability (refused at once, nothing is sent), or does not answer within the engine's request
 * timeout ({@code java.util.concurrent.TimeoutException}).
 */
@ProviderType
public interface McpContext {

    /** @return the session id */
    String sessionId();

    /** @return the negotiated protocol version */
    String protocolVersion();

    /** @return the client's {@code clientInfo} */
    Implementation clientInfo();

    /** @return whether the client declared this top-level capability ({@code sampling}, {@code roots}, ...) */
    boolean clientSupports(String capability);

    /**
     * Sends {@code notifications/progress} when the request carried a {@code _meta.progressToken}; otherwise
     * does nothing.
     *
     * @param total   or {@code null}
     * @param message or {@code null}
     */
    void progress(double progress, Double total, String message);

    /**
     * Sends {@code notifications/message} when {@code level} passes the session's {@code logging/setLevel}.
     *
     * @param logger or {@code null}
     * @param data   any JSON value ({@link JsonText}, {@code String}, {@code Map}, ...)
     */
    void log(LoggingLevel level, String logger, Object data);

    /** @return whether the client cancelled this request (or the session ended) */
    boolean isCancelled();

    /** Runs {@code action} once when the request is cancelled (at once when it already is). */
    void onCancel(Runnable action);

    /** Sends {@code sampling/createMessage}; requires the client's {@code sampling} capability. */
    CompletionStage<CreateMessageResult> sample(CreateMessageRequest request);

    /** Sends {@code elicitation/create}; requires the client's {@code elicitation} capability (URL mode: 2025-11-25). */
    CompletionStage<ElicitResult> elicit(ElicitRequest request);

    /** Sends {@code roots/list}; requires the client's {@code roots} capability. */
    CompletionStage<List<Root>> listRoots();

    /**
     * Sends any request to the client.
     *
     * @param params a JSON object ({@link JsonText} or {@code Map}), or {@code null}
     * @return the result as a map
     */
    CompletionStage<Map<String, Object>> request(String method, Object params);

    /**
     * Asks the transport to close the stream this request's messages go to (Streamable HTTP: ends the POST's SSE
     * stream without a response, so the client reconnects with {@code Last-Event-ID}). Later messages of the
     * request are still sent and replayed on resumption. Does nothing on transports without streams.
     */
    void closeStream();
}
