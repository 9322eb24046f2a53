// SPDX-License-Identifier: Apache-2.0
//
// The official TypeScript SDK's Client against an erlmcp node with the examples feature.
//
//   node sdk-client.mjs http  <http://127.0.0.1:PORT/mcp>
//   node sdk-client.mjs sse   <http://127.0.0.1:PORT/sse>
//   node sdk-client.mjs stdio <path/to/bin/erlmcp>     (ERLMCP_* come from this process's environment)
//
// Runs every step in order, records what it saw (or the error of a step that failed) and prints one JSON object on
// stdout; the JUnit test asserts on it field by field. Diagnostics go to stderr. Every request has a timeout and the
// whole run is bounded, so a hung server cannot hang the build.

import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import {
    CreateMessageRequestSchema,
    ElicitRequestSchema,
    LoggingMessageNotificationSchema,
    LATEST_PROTOCOL_VERSION
} from '@modelcontextprotocol/sdk/types.js';

const REQUEST_TIMEOUT_MS = 20000;
const RUN_TIMEOUT_MS = 90000;

const [mode, target] = process.argv.slice(2);
const report = { transport: mode, sdkLatestProtocolVersion: LATEST_PROTOCOL_VERSION, steps: [] };

function finish(code) {
    process.stdout.write(JSON.stringify(report) + '\n', () => process.exit(code));
}

setTimeout(() => {
    report.fatal = `run did not finish within ${RUN_TIMEOUT_MS} ms`;
    finish(2);
}, RUN_TIMEOUT_MS).unref();

/** Over Streamable HTTP: remembers each GET that resumes a stream (its Last-Event-ID) and the answer's status. */
const resumptions = [];
async function recordingFetch(url, init) {
    const response = await fetch(url, init);
    const headers = new Headers(init?.headers);
    if ((init?.method ?? 'GET') === 'GET' && headers.has('last-event-id')) {
        resumptions.push({ lastEventId: headers.get('last-event-id'), status: response.status });
    }
    return response;
}

function transportFor() {
    switch (mode) {
        case 'http':
            return new StreamableHTTPClientTransport(new URL(target), { fetch: recordingFetch });
        case 'sse':
            return new SSEClientTransport(new URL(target));
        case 'stdio': {
            const env = {};
            for (const [k, v] of Object.entries(process.env)) {
                if (k.startsWith('ERLMCP_') || k === 'JAVA_HOME' || k === 'PATH' || k === 'HOME') {
                    env[k] = v;
                }
            }
            return new StdioClientTransport({ command: target, args: ['stdio'], env, stderr: 'pipe' });
        }
        default:
            throw new Error(`unknown transport ${mode}: use http, sse or stdio`);
    }
}

/** Runs one step; its value (or {error}) lands in report[name]. */
async function step(name, body) {
    const started = Date.now();
    const errorsBefore = report.clientErrors.length;
    try {
        report[name] = await body();
    } catch (e) {
        report[name] = { error: String(e && e.message ? e.message : e), code: e && e.code };
        console.error(`step ${name} failed:`, e);
    }
    report.steps.push({ name, ms: Date.now() - started, clientErrors: report.clientErrors.slice(errorsBefore) });
}

const textOf = result => (result.content || []).filter(c => c.type === 'text').map(c => c.text).join('\n');
const options = extra => ({ timeout: REQUEST_TIMEOUT_MS, ...extra });

const sampling = [];
const elicitation = [];
const logs = [];
const wireProgress = [];
const wire = [];
const sentCalls = [];

const client = new Client(
    { name: 'sdk-interop-client', version: '1.0.0' },
    { capabilities: { sampling: {}, elicitation: { form: {} } } }
);
const CANCEL_ME = 'cancel this call while it waits for me';
let cancelling = null;
client.setRequestHandler(CreateMessageRequestSchema, async request => {
    sampling.push(request.params);
    if (cancelling && request.params.messages[0]?.content?.text === CANCEL_ME) {
        cancelling.abortedAt = wire.length;
        cancelling.controller.abort('cancelled by the interop test');
        await new Promise(r => setTimeout(r, 300));
        setTimeout(cancelling.answered, 0); // after the SDK has sent this answer
    }
    return {
        role: 'assistant',
        content: { type: 'text', text: 'four, said the SDK client' },
        model: 'sdk-interop-model',
        stopReason: 'endTurn'
    };
});
client.setRequestHandler(ElicitRequestSchema, async request => {
    elicitation.push(request.params);
    return { action: 'accept', content: { username: 'ada', email: 'ada@example.com' } };
});
// Protocol-level troubles the SDK does not throw (say, a progress notification for a finished request).
// Errors once close() began are kept apart: close() aborts what is still in flight (say, the resumption the SDK
// schedules over Streamable HTTP after the cancelled call's stream ended).
report.clientErrors = [];
report.closeErrors = [];
let closing = false;
client.onerror = error => {
    (closing ? report.closeErrors : report.clientErrors).push(String(error && error.message ? error.message : error));
    console.error('client error:', error);
};
client.setNotificationHandler(LoggingMessageNotificationSchema, notification => {
    logs.push(notification.params);
});

async function main() {
    const transport = transportFor();
    if (mode === 'stdio' && transport.stderr) {
        transport.stderr.on('data', chunk => {
            for (const line of String(chunk).split('\n').filter(l => l.length > 0)) {
                process.stderr.write(`[erlmcp stdio] ${line}\n`);
            }
        });
    }
    // The Client tells the transport the negotiated version (HTTP sends it as MCP-Protocol-Version); record it.
    const setVersion = transport.setProtocolVersion ? transport.setProtocolVersion.bind(transport) : null;
    transport.setProtocolVersion = version => {
        report.negotiatedProtocolVersion = version;
        if (setVersion) {
            setVersion(version);
        }
    };

    await step('initialize', async () => {
        await client.connect(transport, options());
        // Record every progress notification as it comes off the wire, before the SDK dispatches it: the SDK drops
        // one that lands in the same read as its response (typescript-sdk issue #2580), so onprogress alone
        // cannot tell what the server sent.
        const dispatch = transport.onmessage;
        transport.onmessage = (message, extra) => {
            if (message.method === 'notifications/progress') {
                wireProgress.push(message.params);
            }
            wire.push(message);
            dispatch(message, extra);
        };
        const send = transport.send.bind(transport);
        transport.send = (message, sendOptions) => {
            if (message.method === 'tools/call') {
                sentCalls.push(message);
            }
            return send(message, sendOptions);
        };
        return {
            serverInfo: client.getServerVersion(),
            capabilities: client.getServerCapabilities(),
            sessionId: transport.sessionId ?? null
        };
    });
    if (report.initialize.error) {
        return;
    }

    await step('ping', async () => {
        const result = await client.ping(options());
        return { ok: true, result };
    });

    await step('listTools', async () => {
        const { tools } = await client.listTools(undefined, options());
        return { names: tools.map(t => t.name), echo: tools.find(t => t.name === 'echo') ?? null };
    });

    await step('echo', async () => {
        const result = await client.callTool({ name: 'echo', arguments: { message: 'hello from the TypeScript SDK' } },
            undefined, options());
        return { isError: result.isError ?? false, text: textOf(result), content: result.content };
    });

    await step('toolError', async () => {
        const result = await client.callTool({ name: 'test_error_handling', arguments: {} }, undefined, options());
        return { isError: result.isError ?? false, text: textOf(result) };
    });

    await step('invalidArguments', async () => {
        // echo requires "message": the server must refuse the call (a JSON-RPC error or an isError result).
        try {
            const result = await client.callTool({ name: 'echo', arguments: {} }, undefined, options());
            return { isError: result.isError ?? false, text: textOf(result) };
        } catch (e) {
            return { rpcError: true, code: e.code, message: e.message };
        }
    });

    await step('progress', async () => {
        const notifications = [];
        const result = await client.callTool({ name: 'test_tool_with_progress', arguments: {} }, undefined,
            options({ onprogress: p => notifications.push(p) }));
        return { text: textOf(result), notifications, wire: wireProgress.slice() };
    });

    await step('listResources', async () => {
        const { resources } = await client.listResources(undefined, options());
        return { uris: resources.map(r => r.uri) };
    });

    await step('readResource', async () => {
        const { contents } = await client.readResource({ uri: 'test://static-text' }, options());
        return { contents };
    });

    await step('readTemplate', async () => {
        const { contents } = await client.readResource({ uri: 'test://template/42/data' }, options());
        return { contents };
    });

    await step('listPrompts', async () => {
        const { prompts } = await client.listPrompts(undefined, options());
        return { names: prompts.map(p => p.name) };
    });

    await step('getPrompt', async () => {
        const result = await client.getPrompt({ name: 'test_prompt_with_arguments',
            arguments: { arg1: 'sdk', arg2: 'interop' } }, options());
        return { messages: result.messages };
    });

    await step('complete', async () => {
        if (!client.getServerCapabilities()?.completions) {
            return { offered: false };
        }
        const result = await client.complete({ ref: { type: 'ref/prompt', name: 'test_prompt_with_arguments' },
            argument: { name: 'arg1', value: 'pa' } }, options());
        return { offered: true, values: result.completion.values };
    });

    await step('logging', async () => {
        await client.setLoggingLevel('debug', options());
        const result = await client.callTool({ name: 'test_tool_with_logging', arguments: {} }, undefined, options());
        // Log notifications travel ahead of the result on every transport; allow a short grace all the same.
        for (let i = 0; i < 20 && logs.length < 3; i++) {
            await new Promise(r => setTimeout(r, 50));
        }
        return { text: textOf(result), messages: logs.slice() };
    });

    await step('sampling', async () => {
        const result = await client.callTool({ name: 'test_sampling', arguments: { prompt: 'What is 2+2?' } },
            undefined, options());
        return { text: textOf(result), isError: result.isError ?? false, requests: sampling.slice() };
    });

    await step('elicitation', async () => {
        const result = await client.callTool({ name: 'test_elicitation', arguments: { message: 'Who are you?' } },
            undefined, options());
        return { text: textOf(result), isError: result.isError ?? false, requests: elicitation.slice() };
    });

    if (mode === 'http') {
        // test_reconnection closes the call's SSE stream before it answers; the SDK must resume it with a GET
        // carrying Last-Event-ID (after the retry the server's priming event asked for) and get the result there.
        await step('reconnection', async () => {
            const before = resumptions.length;
            const result = await client.callTool({ name: 'test_reconnection', arguments: {} }, undefined, options());
            return { text: textOf(result), isError: result.isError ?? false, resumptions: resumptions.slice(before) };
        });
    }

    await step('cancel', async () => {
        // test_sampling asks this client for a sampling answer; the handler cancels the call (the SDK sends
        // notifications/cancelled) and answers only 300 ms later. The server must then not send the call's result,
        // and must serve the next request. Last before close: over Streamable HTTP erlmcp ends the cancelled call's
        // stream without a response, and about a second later the SDK tries to resume it (see README).
        const controller = new AbortController();
        const answered = new Promise(resolve => {
            cancelling = { controller, answered: resolve };
        });
        const outcome = await client.callTool({ name: 'test_sampling', arguments: { prompt: CANCEL_ME } }, undefined,
            options({ signal: controller.signal }))
            .then(result => ({ resolved: textOf(result) }), e => ({ rejected: String(e.message) }));
        const callId = sentCalls.filter(m => m.params?.arguments?.prompt === CANCEL_ME).map(m => m.id).pop();
        const abortedAt = cancelling.abortedAt;
        await Promise.race([answered, new Promise(r => setTimeout(r, 5000))]);
        await new Promise(r => setTimeout(r, 300)); // time for a result the server should not send
        const late = wire.slice(abortedAt).filter(m => m.id === callId);
        cancelling = null;
        await client.ping(options());
        return { ...outcome, callId: callId ?? null, samplingAnswered: true, late, pingAfter: true };
    });

    await step('close', async () => {
        closing = true;
        await client.close();
        return { ok: true };
    });
}

main().then(() => finish(0), e => {
    report.fatal = String(e && e.stack ? e.stack : e);
    finish(1);
});
