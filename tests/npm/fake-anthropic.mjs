// A fake Anthropic Messages API (POST /v1/messages) for the npm client test.
//
// It checks requests the way api.anthropic.com does and answers in its wire format:
//  * 401 authentication_error without a valid `x-api-key`; 400 invalid_request_error without
//    `anthropic-version`, without max_tokens/model/messages, with unknown top-level fields, a "system"
//    role inside messages, roles that do not alternate, empty text blocks, a tool_result whose id has no
//    tool_use in the previous message, a tool_use left without its tool_result, a temperature above 1,
//    an image media type it does not take, a tool without input_schema, or thinking with
//    max_tokens <= budget_tokens. Errors are {"type":"error","error":{"type","message"},"request_id"}.
//  * Whole messages as compact JSON; streams as `event: <type>\ndata: <json>\n\n` (message_start,
//    content_block_start, ping, content_block_delta with text_delta / input_json_delta,
//    content_block_stop, message_delta with stop_reason and cumulative usage, message_stop), data lines
//    padded with trailing spaces as the API pads them, one event split across two TCP writes.
//
// What it answers depends on the request, so a test can check each translation end to end:
//  * a user turn whose last message carries tool_result blocks -> text naming each tool and its result;
//  * tools offered -> a short text block, then one tool_use per tool (all of them in parallel unless
//    tool_choice says otherwise) with arguments from TOOL_ARGUMENTS;
//  * an image -> "I see a <w>x<h> <media type> image.";
//  * otherwise REPLY_PIECES.
// Model OVERLOADED_MODEL answers 529 overloaded_error (for failover tests).
// The texts, ids and numbers are made up for this fake.

import crypto from 'node:crypto';

import { startRecordingServer, writeEvents, pieces, imageInfo } from './fake-server.mjs';

export const REPLY_PIECES = ['Bonjour', ' from', ' the', ' fake', ' Claude', '.'];
export const REPLY = REPLY_PIECES.join('');
export const PREAMBLE = 'Let me look that up.';
export const OVERLOADED_MODEL = 'claude-overloaded';
export const TOOL_ARGUMENTS = Object.freeze({
  get_weather: { city: 'Paris', unit: 'celsius' },
  get_time: { timezone: 'Asia/Tokyo' },
});
// Token counts the fake reports: input excludes the cache reads and writes, as Anthropic counts.
export const USAGE = Object.freeze({ input_tokens: 21, cache_creation_input_tokens: 7, cache_read_input_tokens: 100 });

const IMAGE_TYPES = ['image/jpeg', 'image/png', 'image/gif', 'image/webp'];
const TOP_LEVEL_FIELDS = new Set([
  'model', 'messages', 'max_tokens', 'system', 'metadata', 'stop_sequences', 'stream', 'temperature',
  'top_p', 'top_k', 'tools', 'tool_choice', 'thinking', 'service_tier', 'container', 'mcp_servers',
  'output_format', 'context_management',
]);

class RequestError extends Error {
  constructor(status, type, message) {
    super(message);
    this.status = status;
    this.type = type;
  }
}
const invalid = (message) => new RequestError(400, 'invalid_request_error', message);

function randomId(prefix) {
  return prefix + crypto.randomBytes(12).toString('base64url').replace(/[-_]/g, 'x');
}

function sendError(res, status, type, message) {
  const body = JSON.stringify({ type: 'error', error: { type, message }, request_id: randomId('req_011') });
  res.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    'request-id': randomId('req_011'),
    'x-should-retry': status >= 500 || status === 429 ? 'true' : 'false',
  });
  res.end(body);
}

const blocksOf = (message) =>
  typeof message.content === 'string' ? [{ type: 'text', text: message.content }] : message.content ?? [];

// ---- the checks the real API makes --------------------------------------------------------------

function checkHeaders(headers, apiKey) {
  const key = headers['x-api-key'];
  if (!key) throw new RequestError(401, 'authentication_error', 'x-api-key header is required');
  if (key !== apiKey) throw new RequestError(401, 'authentication_error', 'invalid x-api-key');
  if (headers.authorization) throw invalid('authorization: use the x-api-key header, not a Bearer token');
  if (!headers['anthropic-version']) throw invalid('anthropic-version: header is required');
}

function checkBlock(block, path) {
  switch (block.type) {
    case 'text':
      if (typeof block.text !== 'string' || block.text.length === 0)
        throw invalid('messages: text content blocks must be non-empty');
      return;
    case 'image': {
      const s = block.source ?? {};
      if (s.type === 'base64') {
        if (!IMAGE_TYPES.includes(s.media_type))
          throw invalid(`${path}.image.source.base64.media_type: Input should be 'image/jpeg', 'image/png', 'image/gif' or 'image/webp'`);
        if (!s.data) throw invalid(`${path}.image.source.base64.data: Field required`);
      } else if (s.type !== 'url' || !/^https?:\/\//.test(s.url ?? '')) {
        throw invalid(`${path}.image.source: Input tag '${s.type}' found using 'type' does not match any of the expected tags: 'base64', 'url'`);
      }
      return;
    }
    case 'tool_use':
      if (!block.id || !block.name) throw invalid(`${path}.tool_use.id: Field required`);
      if (block.input === null || typeof block.input !== 'object' || Array.isArray(block.input))
        throw invalid(`${path}.tool_use.input: Input should be a valid dictionary`);
      return;
    case 'tool_result':
      if (!block.tool_use_id) throw invalid(`${path}.tool_result.tool_use_id: Field required`);
      return;
    case 'thinking':
      if (!block.signature) throw invalid(`${path}.thinking.signature: Field required`);
      return;
    default:
      throw invalid(`${path}: Input tag '${block.type}' found using 'type' does not match any of the expected tags`);
  }
}

function checkMessages(messages) {
  if (!Array.isArray(messages)) throw invalid('messages: Field required');
  let previousToolUses = [];
  messages.forEach((m, i) => {
    if (m.role === 'system')
      throw invalid('messages: Unexpected role "system". The Messages API accepts a top-level `system` parameter, not "system" as an input message role.');
    if (m.role !== 'user' && m.role !== 'assistant')
      throw invalid(`messages.${i}.role: Input should be 'user' or 'assistant'`);
    if (i > 0 && messages[i - 1].role === m.role)
      throw invalid(`messages: roles must alternate between "user" and "assistant", but found multiple "${m.role}" roles in a row`);
    const blocks = blocksOf(m);
    const last = i === messages.length - 1;
    if (blocks.length === 0 && !(last && m.role === 'assistant'))
      throw invalid(`messages.${i}: all messages must have non-empty content except for the optional final assistant message`);
    blocks.forEach((b, j) => checkBlock(b, `messages.${i}.content.${j}`));

    const results = blocks.filter((b) => b.type === 'tool_result');
    if (m.role === 'user') {
      const known = new Set(previousToolUses);
      for (const [j, r] of blocks.entries()) {
        if (r.type !== 'tool_result') continue;
        if (!known.has(r.tool_use_id))
          throw invalid(`messages.${i}.content.${j}: unexpected \`tool_use_id\` found in \`tool_result\` blocks: ${r.tool_use_id}. Each \`tool_result\` block must have a corresponding \`tool_use\` block in the previous message.`);
      }
      const firstOther = blocks.findIndex((b) => b.type !== 'tool_result');
      if (firstOther >= 0 && blocks.slice(firstOther).some((b) => b.type === 'tool_result'))
        throw invalid(`messages.${i}: \`tool_result\` blocks must come before any other content in the message`);
    }
    if (previousToolUses.length > 0) {
      const answered = new Set(results.map((r) => r.tool_use_id));
      const missing = previousToolUses.filter((id) => !answered.has(id));
      if (missing.length > 0)
        throw invalid(`messages.${i - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${missing.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
    }
    previousToolUses = m.role === 'assistant' ? blocks.filter((b) => b.type === 'tool_use').map((b) => b.id) : [];
  });
  if (previousToolUses.length > 0)
    throw invalid(`messages.${messages.length - 1}: \`tool_use\` ids were found without \`tool_result\` blocks immediately after: ${previousToolUses.join(', ')}. Each \`tool_use\` block must have a corresponding \`tool_result\` block in the next message.`);
}

function checkBody(body) {
  if (body === undefined || typeof body !== 'object' || Array.isArray(body))
    throw invalid('There was an error parsing the body of your request: it is not a JSON object');
  for (const key of Object.keys(body)) if (!TOP_LEVEL_FIELDS.has(key)) throw invalid(`${key}: Extra inputs are not permitted`);
  if (typeof body.model !== 'string') throw invalid('model: Field required');
  if (body.max_tokens === undefined) throw invalid('max_tokens: Field required');
  if (!Number.isInteger(body.max_tokens) || body.max_tokens < 1) throw invalid('max_tokens: Input should be greater than or equal to 1');
  if (body.temperature !== undefined && (body.temperature < 0 || body.temperature > 1))
    throw invalid('temperature: Input should be less than or equal to 1');
  for (const s of body.stop_sequences ?? [])
    if (!/\S/.test(s)) throw invalid('stop_sequences: each stop sequence must contain non-whitespace characters');
  (body.tools ?? []).forEach((t, i) => {
    if (!t.name) throw invalid(`tools.${i}.custom.name: Field required`);
    if (!t.input_schema || t.input_schema.type !== 'object') throw invalid(`tools.${i}.custom.input_schema: Field required`);
  });
  if (body.tool_choice && !body.tools) throw invalid('tool_choice: tool_choice may only be specified while providing tools');
  if (body.thinking?.type === 'enabled' && !(body.max_tokens > body.thinking.budget_tokens))
    throw invalid('`max_tokens` must be greater than `thinking.budget_tokens`');
  checkMessages(body.messages);
}

// ---- answers ----------------------------------------------------------------------------------------

// The content blocks this fake answers with (see the header comment).
function answerBlocks(body) {
  const lastUser = body.messages.at(-1);
  const blocks = blocksOf(lastUser);
  const results = blocks.filter((b) => b.type === 'tool_result');
  if (results.length > 0) {
    const names = new Map();
    for (const m of body.messages) for (const b of blocksOf(m)) if (b.type === 'tool_use') names.set(b.id, b.name);
    const text = results
      .map((r) => {
        const content = typeof r.content === 'string' ? r.content : (r.content ?? []).map((c) => c.text ?? '').join('');
        return `${names.get(r.tool_use_id)} says ${content}`;
      })
      .join('; ');
    return { stopReason: 'end_turn', content: [{ type: 'text', text }] };
  }
  if (body.tools?.length && body.tool_choice?.type !== 'none') {
    let tools = body.tools;
    if (body.tool_choice?.type === 'tool') tools = tools.filter((t) => t.name === body.tool_choice.name);
    if (body.tool_choice?.disable_parallel_tool_use) tools = tools.slice(0, 1);
    const content = [{ type: 'text', text: PREAMBLE }];
    for (const t of tools)
      content.push({ type: 'tool_use', id: randomId('toolu_01'), name: t.name, input: TOOL_ARGUMENTS[t.name] ?? {} });
    return { stopReason: 'tool_use', content };
  }
  const image = blocks.find((b) => b.type === 'image' && b.source.type === 'base64');
  if (image) {
    const info = imageInfo(image.source.data);
    const text = info ? `I see a ${info.width}x${info.height} ${image.source.media_type} image.` : 'I cannot read this image.';
    return { stopReason: 'end_turn', content: [{ type: 'text', text }] };
  }
  return { stopReason: 'end_turn', content: [{ type: 'text', text: REPLY }] };
}

// Output tokens: one per text piece and per 8 characters of tool input, never zero.
function outputTokens(content) {
  let n = 0;
  for (const b of content) n += b.type === 'text' ? b.text.split(' ').length : Math.ceil(JSON.stringify(b.input).length / 8);
  return Math.max(1, n);
}

function message(body, answer) {
  return {
    id: randomId('msg_01'),
    type: 'message',
    role: 'assistant',
    model: body.model,
    content: answer.content,
    stop_reason: answer.stopReason,
    stop_sequence: null,
    usage: { ...USAGE, output_tokens: outputTokens(answer.content), service_tier: 'standard' },
  };
}

// Anthropic pads its data lines with a few spaces after the JSON.
const pad = () => ' '.repeat(crypto.randomInt(12));
const event = (type, payload) => `event: ${type}\ndata: ${JSON.stringify(payload)}${pad()}\n\n`;

function streamEvents(body, answer) {
  const whole = message(body, answer);
  const events = [
    event('message_start', {
      type: 'message_start',
      message: {
        model: whole.model, id: whole.id, type: 'message', role: 'assistant', content: [], stop_reason: null,
        stop_sequence: null, stop_details: null,
        usage: { ...USAGE, cache_creation: { ephemeral_5m_input_tokens: USAGE.cache_creation_input_tokens, ephemeral_1h_input_tokens: 0 }, output_tokens: 1, service_tier: 'standard' },
      },
    }),
  ];
  answer.content.forEach((block, index) => {
    if (block.type === 'text') {
      events.push(event('content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } }));
      if (index === 0) events.push('event: ping\ndata: {"type": "ping"}\n\n');
      for (const piece of block.text.split(/(?= )/))
        events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: piece } }));
    } else {
      events.push(event('content_block_start', {
        type: 'content_block_start', index,
        content_block: { type: 'tool_use', id: block.id, name: block.name, input: {}, caller: { type: 'direct' } },
      }));
      if (index === 0) events.push('event: ping\ndata: {"type": "ping"}\n\n');
      for (const partial of ['', ...pieces(JSON.stringify(block.input), 7)])
        events.push(event('content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: partial } }));
    }
    events.push(event('content_block_stop', { type: 'content_block_stop', index }));
  });
  events.push(event('message_delta', {
    type: 'message_delta',
    delta: { stop_reason: answer.stopReason, stop_sequence: null, stop_details: null },
    usage: { ...USAGE, output_tokens: whole.usage.output_tokens },
  }));
  events.push(event('message_stop', { type: 'message_stop' }));
  return events;
}

/**
 * Starts the fake; `apiKey` is the only credential it accepts. Returns { baseUrl, requests, close() };
 * each request record also gets `answer` (the content blocks sent) or `rejected` (the error message).
 */
export async function startFakeAnthropic({ apiKey }) {
  const server = await startRecordingServer(
    async (req, res, record) => {
      try {
        if (req.method !== 'POST' || record.path !== '/v1/messages')
          throw new RequestError(404, 'not_found_error', `Not found: ${req.method} ${record.path}`);
        checkHeaders(req.headers, apiKey);
        checkBody(record.body);
      } catch (err) {
        if (!(err instanceof RequestError)) throw err;
        record.rejected = err.message;
        sendError(res, err.status, err.type, err.message);
        return;
      }
      const body = record.body;
      if (body.model === OVERLOADED_MODEL) {
        record.rejected = 'Overloaded';
        sendError(res, 529, 'overloaded_error', 'Overloaded');
        return;
      }
      const answer = answerBlocks(body);
      record.answer = answer;
      if (!body.stream) {
        const text = JSON.stringify(message(body, answer));
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'request-id': randomId('req_011') });
        res.end(text);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', 'request-id': randomId('req_011') });
      res.flushHeaders();
      await writeEvents(res, streamEvents(body, answer), 2);
    },
    (res, err) => sendError(res, 500, 'api_error', String(err)),
  );
  return { ...server, baseUrl: `http://127.0.0.1:${server.port}/v1` };
}
