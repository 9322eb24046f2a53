// SPDX-License-Identifier: Apache-2.0
//
// An MCP server built with the official TypeScript SDK's McpServer, for erlmcp's Java client to talk to.
//
//   node sdk-server.mjs stdio   one session on stdin/stdout (StdioServerTransport)
//   node sdk-server.mjs http    Streamable HTTP at /mcp, stateful sessions (StreamableHTTPServerTransport)
//   node sdk-server.mjs sse     legacy HTTP+SSE: GET /sse, POST /messages?sessionId= (SSEServerTransport)
//
// The HTTP modes listen on a free loopback port and print one line {"listening":PORT} on stdout once they accept
// connections. Diagnostics go to stderr. The process ends when stdin closes (stdio) or on SIGTERM.

import { randomUUID } from 'node:crypto';
import { createServer } from 'node:http';
import * as z from 'zod';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { CreateMessageResultSchema, ElicitResultSchema, isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';

const CLIENT_REQUEST_TIMEOUT_MS = 20000;
const MAX_BODY_BYTES = 1 << 20;
const mode = process.argv[2];

const text = value => ({ content: [{ type: 'text', text: value }] });

/** One McpServer per session: an McpServer serves exactly one transport. */
function newServer() {
    const server = new McpServer({ name: 'sdk-interop-server', version: '1.0.0' },
        { capabilities: { logging: {} }, instructions: 'The TypeScript SDK side of the erlmcp interop tests.' });
    // Protocol troubles the SDK does not throw (a response to an unknown request, a message that fails its schema,
    // a transport error): the tests fail when one shows up on stderr.
    server.server.onerror = error => console.error('sdk-interop-server error:', error);

    server.registerTool('echo', {
        description: 'Echoes the message back',
        inputSchema: { message: z.string() }
    }, async ({ message }) => text(message));

    server.registerTool('count', {
        description: 'Counts to steps, sending a progress notification for each step',
        inputSchema: { steps: z.number().int().min(1).max(20) }
    }, async ({ steps }, extra) => {
        const progressToken = extra._meta?.progressToken;
        for (let i = 1; i <= steps; i++) {
            if (progressToken !== undefined) {
                await extra.sendNotification({ method: 'notifications/progress',
                    params: { progressToken, progress: i, total: steps, message: `step ${i} of ${steps}` } });
            }
        }
        return text(`counted to ${steps}` + (progressToken === undefined ? ' without a progress token' : ''));
    });

    server.registerTool('ask_llm', {
        description: "Asks the client's LLM (sampling/createMessage) and returns its answer",
        inputSchema: { question: z.string() }
    }, async ({ question }, extra) => {
        const answer = await extra.sendRequest({ method: 'sampling/createMessage', params: {
            messages: [{ role: 'user', content: { type: 'text', text: question } }],
            systemPrompt: 'Answer briefly.',
            maxTokens: 64
        } }, CreateMessageResultSchema, { timeout: CLIENT_REQUEST_TIMEOUT_MS });
        const said = answer.content.type === 'text' ? answer.content.text : JSON.stringify(answer.content);
        return text(`${answer.model} said: ${said}`);
    });

    server.registerTool('ask_user', {
        description: 'Asks the user for their name (elicitation/create, form mode) and greets them',
        inputSchema: { prompt: z.string() }
    }, async ({ prompt }, extra) => {
        const answer = await extra.sendRequest({ method: 'elicitation/create', params: {
            mode: 'form',
            message: prompt,
            requestedSchema: { type: 'object', properties: { name: { type: 'string', description: 'Your name' } },
                required: ['name'] }
        } }, ElicitResultSchema, { timeout: CLIENT_REQUEST_TIMEOUT_MS });
        return text(answer.action === 'accept' ? `hello, ${answer.content.name}` : `no name (${answer.action})`);
    });

    server.registerTool('fail', {
        description: 'Always fails',
        inputSchema: {}
    }, async () => {
        throw new Error('this tool always fails');
    });

    server.registerTool('log', {
        description: 'Sends one log message (notifications/message) about the call, then answers',
        inputSchema: { note: z.string() }
    }, async ({ note }, extra) => {
        await extra.sendNotification({ method: 'notifications/message',
            params: { level: 'warning', logger: 'sdk-interop', data: { note } } });
        return text('logged');
    });

    server.registerTool('pause', {
        description: 'Sends progress 1, closes the call\'s SSE stream when the transport can (Streamable HTTP with '
            + 'an event store), then sends progress 2 and the result, which the client gets by resuming the stream',
        inputSchema: {}
    }, async (_args, extra) => {
        const progressToken = extra._meta?.progressToken;
        const progress = async value => {
            if (progressToken !== undefined) {
                await extra.sendNotification({ method: 'notifications/progress',
                    params: { progressToken, progress: value, total: 2 } });
            }
        };
        await progress(1);
        const closed = typeof extra.closeSSEStream === 'function';
        if (closed) {
            extra.closeSSEStream();
        }
        await new Promise(r => setTimeout(r, 300));
        await progress(2);
        return text(closed ? 'resumed after the stream was closed' : 'no stream to close');
    });

    server.registerTool('announce', {
        description: 'Sends a log message outside the call (no related request: over Streamable HTTP it takes the '
            + 'GET stream), subject to the level the client set',
        inputSchema: { level: z.enum(['debug', 'info', 'notice', 'warning', 'error']), text: z.string() }
    }, async ({ level, text: data }, extra) => {
        await server.sendLoggingMessage({ level, logger: 'sdk-interop-unrelated', data }, extra.sessionId);
        return text('announced');
    });

    const added = new Set();
    server.registerTool('add_resource', {
        description: 'Adds the resource interop://added/<name>; the SDK tells the client resources/list_changed',
        inputSchema: { name: z.string().regex(/^[a-z0-9-]+$/) }
    }, async ({ name }) => {
        if (!added.has(name)) {
            added.add(name);
            server.registerResource(`added-${name}`, `interop://added/${name}`, { mimeType: 'text/plain' },
                async uri => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: `added ${name}` }] }));
        }
        return text(`added interop://added/${name}`);
    });

    server.registerResource('greeting', 'interop://greeting', {
        title: 'Greeting',
        description: 'A static text resource',
        mimeType: 'text/plain'
    }, async uri => ({ contents: [{ uri: uri.href, mimeType: 'text/plain', text: 'Hello from the TypeScript SDK' }] }));

    server.registerPrompt('review', {
        description: 'Asks for a code review',
        argsSchema: { code: z.string() }
    }, ({ code }) => ({
        messages: [{ role: 'user', content: { type: 'text', text: `Please review this code:\n${code}` } }]
    }));

    return server;
}

function readBody(req) {
    return new Promise((resolve, reject) => {
        const chunks = [];
        let size = 0;
        req.on('data', chunk => {
            size += chunk.length;
            if (size > MAX_BODY_BYTES) {
                reject(new Error('body too large'));
                req.destroy();
                return;
            }
            chunks.push(chunk);
        });
        req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
        req.on('error', reject);
    });
}

function jsonError(res, status, message) {
    res.writeHead(status, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32000, message } }));
}

/**
 * Keeps every event a Streamable HTTP transport sends, so a client that lost a stream can resume it with
 * Last-Event-ID (event ids are "<streamId>_<sequence>").
 */
class EventLog {
    constructor() {
        this.events = [];
    }

    async storeEvent(streamId, message) {
        const eventId = `${streamId}_${this.events.length}`;
        this.events.push({ eventId, streamId, message });
        return eventId;
    }

    async getStreamIdForEventId(eventId) {
        return this.events.find(e => e.eventId === eventId)?.streamId;
    }

    async replayEventsAfter(lastEventId, { send }) {
        const index = this.events.findIndex(e => e.eventId === lastEventId);
        if (index < 0) {
            throw new Error(`unknown event id ${lastEventId}`);
        }
        const streamId = this.events[index].streamId;
        console.error(`sdk-interop-server: replaying stream ${streamId} after event ${lastEventId}`);
        for (const e of this.events.slice(index + 1)) {
            if (e.streamId === streamId) {
                await send(e.eventId, e.message);
            }
        }
        return streamId;
    }
}

/** Streamable HTTP at /mcp: a new transport and McpServer per initialize, found again by Mcp-Session-Id. */
function streamableHttp() {
    const sessions = new Map();
    return async (req, res, url) => {
        if (url.pathname !== '/mcp') {
            return jsonError(res, 404, 'not found');
        }
        const sessionId = req.headers['mcp-session-id'];
        let body;
        if (req.method === 'POST') {
            try {
                body = JSON.parse(await readBody(req));
            } catch (e) {
                return jsonError(res, 400, `Parse error: ${e.message}`);
            }
        }
        let transport = sessionId ? sessions.get(sessionId) : undefined;
        if (!transport) {
            if (sessionId) {
                return jsonError(res, 404, 'Session not found');
            }
            if (req.method !== 'POST' || !isInitializeRequest(body)) {
                return jsonError(res, 400, 'Bad Request: no session; send initialize first');
            }
            transport = new StreamableHTTPServerTransport({
                sessionIdGenerator: () => randomUUID(),
                eventStore: new EventLog(),
                retryInterval: 200,
                onsessioninitialized: id => sessions.set(id, transport)
            });
            transport.onclose = () => {
                if (transport.sessionId) {
                    sessions.delete(transport.sessionId);
                }
            };
            await newServer().connect(transport);
        }
        await transport.handleRequest(req, res, body);
    };
}

/** Legacy HTTP+SSE: GET /sse opens a session whose endpoint event names /messages?sessionId=. */
function legacySse() {
    const sessions = new Map();
    return async (req, res, url) => {
        if (req.method === 'GET' && url.pathname === '/sse') {
            const transport = new SSEServerTransport('/messages', res);
            sessions.set(transport.sessionId, transport);
            res.on('close', () => sessions.delete(transport.sessionId));
            await newServer().connect(transport);
            return;
        }
        if (req.method === 'POST' && url.pathname === '/messages') {
            const transport = sessions.get(url.searchParams.get('sessionId'));
            if (!transport) {
                return jsonError(res, 404, 'Session not found');
            }
            let body;
            try {
                body = JSON.parse(await readBody(req));
            } catch (e) {
                return jsonError(res, 400, `Parse error: ${e.message}`);
            }
            await transport.handlePostMessage(req, res, body);
            return;
        }
        return jsonError(res, 404, 'not found');
    };
}

function listen(handler) {
    const httpServer = createServer((req, res) => {
        const url = new URL(req.url, 'http://127.0.0.1');
        handler(req, res, url).catch(e => {
            console.error(`${req.method} ${req.url} failed:`, e);
            if (!res.headersSent) {
                jsonError(res, 500, String(e.message || e));
            } else {
                res.end();
            }
        });
    });
    httpServer.listen(0, '127.0.0.1', () => {
        process.stdout.write(JSON.stringify({ listening: httpServer.address().port }) + '\n');
    });
    const stop = () => {
        httpServer.closeAllConnections();
        httpServer.close(() => process.exit(0));
        setTimeout(() => process.exit(0), 2000).unref();
    };
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    // The test closes our stdin when it is done: leave then, even if a signal never comes.
    process.stdin.on('end', stop);
    process.stdin.resume();
}

switch (mode) {
    case 'stdio': {
        const transport = new StdioServerTransport();
        transport.onclose = () => process.exit(0);
        process.stdin.on('end', () => process.exit(0));
        await newServer().connect(transport);
        console.error('sdk-interop-server: serving on stdio');
        break;
    }
    case 'http':
        listen(streamableHttp());
        break;
    case 'sse':
        listen(legacySse());
        break;
    default:
        console.error(`usage: sdk-server.mjs stdio|http|sse (got ${mode})`);
        process.exit(64);
}
