// SPDX-License-Identifier: Apache-2.0
package io.erlmcp.engine.internal;

import org.osgi.service.metatype.annotations.AttributeDefinition;
import org.osgi.service.metatype.annotations.ObjectClassDefinition;

/** Configuration of the MCP engine, PID {@code io.erlmcp.engine}. */
@ObjectClassDefinition(name = "erlmcp MCP engine", description = "Server identity, paging, sessions and handler pool.")
public @interface EngineConfig {

    @AttributeDefinition(description = "serverInfo.name")
    String server_name() default "erlmcp";

    @AttributeDefinition(description = "serverInfo.title (empty: none)")
    String server_title() default "erlmcp MCP runtime";

    @AttributeDefinition(description = "serverInfo.version (empty: the engine bundle's version)")
    String server_version() default "";

    @AttributeDefinition(description = "instructions sent in the initialize result (empty: none)")
    String instructions() default "";

    @AttributeDefinition(description = "entries per page of tools/list, resources/list, prompts/list")
    int page_size() default 100;

    @AttributeDefinition(description = "seconds without traffic after which a session expires (0: never)")
    long idle_timeout_seconds() default 1800;

    @AttributeDefinition(description = "threads running tool, resource, prompt and completion handlers")
    int handler_pool_size() default 64;

    @AttributeDefinition(description = "handler calls that may wait for a thread before requests are refused")
    int handler_queue_size() default 10000;

    @AttributeDefinition(description = "seconds a server-to-client request (sampling, elicitation, roots) waits")
    long client_request_timeout_seconds() default 300;

    @AttributeDefinition(description = "longest time in seconds a task (tools/call as a task, protocol 2025-11-25) "
            + "and its result are kept after creation; a client's larger ttl is cut to it")
    long task_max_ttl_seconds() default 3600;

    @AttributeDefinition(description = "pollInterval in milliseconds suggested to clients polling a task")
    long task_poll_interval_ms() default 1000;

    @AttributeDefinition(description = "tasks one session may hold at once (running or kept for tasks/result)")
    int task_max_per_session() default 100;
}
