// A fake OpenAI upstream for the npm client test: node's http server on 127.0.0.1, port 0.
//
// It answers the way api.openai.com does on the wire (checked against recorded exchanges):
//  * JSON bodies pretty-printed with 2 spaces in OpenAI's key order, `content-type: application/json`;
//  * errors as {"error":{"message","type","param","code"}} with 4-space indent, a trailing newline and
//    `content-type: application/json; charset=utf-8`;
//  * chat streams as `text/event-stream; charset=utf-8`, chunked, one compact `data: {...}\n\n` per chunk,
//    each chunk padded with a random "obfuscation" string; with stream_options.include_usage every chunk has
//    "usage":null and one last chunk has "choices":[] and the usage object; then `data: [DONE]\n\n`.
//    The bytes are written in several pieces, one event split across two writes, as TCP may deliver them.
//  * embeddings honour encoding_format: "base64" is the base64 of the little-endian float32 array, "float"
//    prints each float32 with its shortest round-trip decimal, as the API does.
//  * chat answers depend on the request (see chatAnswer): tool results -> text naming each tool and its
//    result; tools offered -> one tool call per tool (parallel unless parallel_tool_calls is false or
//    tool_choice names one), streamed as OpenAI does (a delta with id, type, name and arguments "", then
//    argument fragments, finish_reason "tool_calls"); an image -> "I see a <w>x<h> <media type> image.";
//    otherwise CHAT_REPLY. A tool message that answers no preceding tool call is a 400, as OpenAI says it.
//
// Every request is recorded (method, path, headers, raw body, parsed JSON) for the test's assertions.
// The ids, texts and numbers here are made up for this fake.

import crypto from 'node:crypto';

import { imageInfo, pieces, startRecordingServer } from './fake-server.mjs';

// What the fake answers, exported so the test can compare exactly.
export const CHAT_REPLY_PIECES = ['Greetings', ' from', ' the', ' fake', ' upstream', '!', ' Ask', ' me', ' anything', '.'];
export const CHAT_REPLY = CHAT_REPLY_PIECES.join('');
export const CHAT_USAGE = Object.freeze({
  prompt_tokens: 17,
  completion_tokens: CHAT_REPLY_PIECES.length,
  total_tokens: 17 + CHAT_REPLY_PIECES.length,
  prompt_tokens_details: { cached_tokens: 0, audio_tokens: 0 },
  completion_tokens_details: {
    reasoning_tokens: 0,
    audio_tokens: 0,
    accepted_prediction_tokens: 0,
    rejected_prediction_tokens: 0,
  },
});
export const BROKEN_MODEL = 'upstream-broken';
export const TOOL_ARGUMENTS = Object.freeze({
  get_weather: { city: 'Paris', unit: 'celsius' },
  get_time: { timezone: 'Asia/Tokyo' },
});
export const DEFAULT_EMBEDDING_DIMENSIONS = 1536;
export const IMAGE_URL_PREFIX = 'https://fake-images.example.invalid/private/org-fake/img-';

const SYSTEM_FINGERPRINT = 'fp_fa4e0c1d2b';

function randomAlnum(length) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
  const bytes = crypto.randomBytes(length);
  let out = '';
  for (const b of bytes) out += alphabet[b % alphabet.length];
  return out;
}

function requestId() {
  return 'req_' + crypto.randomBytes(16).toString('hex');
}

function nowSeconds() {
  return Math.floor(Date.now() / 1000);
}

// Deterministic float32 embedding for one input: the same text always gives the same vector.
export function expectedEmbedding(input, dimensions = DEFAULT_EMBEDDING_DIMENSIONS) {
  const text = typeof input === 'string' ? input : JSON.stringify(input);
  const seed = crypto.createHash('sha256').update(text).digest();
  const out = new Array(dimensions);
  for (let i = 0; i < dimensions; ++i) {
    const b = seed[i % seed.length] ^ (i * 37 & 0xff);
    // Values in (-0.1, 0.1) with a fractional part that float32 cannot hold exactly in decimal.
    out[i] = Math.fround(((b - 127.5) / 1275) * (1 + (i % 7) / 13));
  }
  return out;
}

// The shortest decimal that reads back as the same float32 (what OpenAI prints: 0.017608326, not 0.0176083259284...).
function float32Literal(v) {
  for (let p = 1; p <= 9; ++p) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return String(s);
  }
  return String(v);
}

function float32Base64(values) {
  const buf = Buffer.alloc(values.length * 4);
  values.forEach((v, i) => buf.writeFloatLE(v, i * 4));
  return buf.toString('base64');
}

function commonHeaders(reqId) {
  return {
    'x-request-id': reqId,
    'openai-version': '2020-10-01',
    'openai-processing-ms': String(5 + Math.floor(Math.random() * 40)),
    'openai-organization': 'org-fakeupstream',
    'x-ratelimit-limit-requests': '10000',
    'x-ratelimit-remaining-requests': '9999',
    'x-ratelimit-reset-requests': '6ms',
    'x-content-type-options': 'nosniff',
  };
}

function sendJson(res, status, value, reqId, extraHeaders = {}) {
  const body = JSON.stringify(value, null, 2) + '\n';
  res.writeHead(status, {
    ...commonHeaders(reqId),
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(body),
    ...extraHeaders,
  });
  res.end(body);
}

// OpenAI's error body: 4-space indent, key order message/type/param/code, '<' and '>' escaped, trailing newline.
function sendError(res, status, { message, type, param = null, code = null }, reqId, extraHeaders = {}) {
  const body =
    JSON.stringify({ error: { message, type, param, code } }, null, 4)
      .replaceAll('<', '\\u003c')
      .replaceAll('>', '\\u003e') + '\n';
  res.writeHead(status, {
    ...commonHeaders(reqId),
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    vary: 'Origin',
    ...extraHeaders,
  });
  res.end(body);
}

function maskKey(presented) {
  if (presented.length <= 8) return '<' + '*'.repeat(presented.length) + '>';
  return '<' + presented.slice(0, 3) + '*'.repeat(8) + presented.slice(-4) + '>';
}

function completionId() {
  return 'chatcmpl-' + randomAlnum(29);
}

class ChatRequestError extends Error {
  constructor(message, param) {
    super(message);
    this.param = param;
  }
}

// What this fake answers to a chat request: { text } or { toolCalls: [{ id, name, arguments }] }.
function chatAnswer(body) {
  const messages = body.messages ?? [];
  const calls = new Map();
  messages.forEach((m, i) => {
    if (m.role === 'assistant') for (const c of m.tool_calls ?? []) calls.set(c.id, c.function.name);
    if (m.role === 'tool' && !calls.has(m.tool_call_id))
      throw new ChatRequestError(
        "Invalid parameter: messages with role 'tool' must be a response to a preceeding message with 'tool_calls'.",
        `messages.[${i}].role`,
      );
  });
  const results = [];
  for (let i = messages.length - 1; i >= 0 && messages[i].role === 'tool'; --i) results.unshift(messages[i]);
  if (results.length > 0) {
    const text = (m) => (typeof m.content === 'string' ? m.content : m.content.map((p) => p.text ?? '').join(''));
    return { text: results.map((m) => `${calls.get(m.tool_call_id)} says ${text(m)}`).join('; ') };
  }
  if (body.tools?.length && body.tool_choice !== 'none') {
    let tools = body.tools.map((t) => t.function.name);
    if (body.tool_choice?.function) tools = [body.tool_choice.function.name];
    if (body.parallel_tool_calls === false) tools = tools.slice(0, 1);
    return {
      toolCalls: tools.map((name) => ({ id: 'call_' + randomAlnum(24), name, arguments: JSON.stringify(TOOL_ARGUMENTS[name] ?? {}) })),
    };
  }
  const last = messages.at(-1);
  const image = Array.isArray(last?.content) ? last.content.find((p) => p.type === 'image_url') : undefined;
  if (image) {
    const m = /^data:([^;]+);base64,(.*)$/.exec(image.image_url.url);
    const info = m && imageInfo(m[2]);
    return { text: info ? `I see a ${info.width}x${info.height} ${m[1]} image.` : 'I cannot read this image.' };
  }
  return { text: CHAT_REPLY, pieces: CHAT_REPLY_PIECES };
}

function chatCompletion(model, answer) {
  const message = answer.toolCalls
    ? {
        role: 'assistant',
        content: null,
        tool_calls: answer.toolCalls.map((c) => ({ id: c.id, type: 'function', function: { name: c.name, arguments: c.arguments } })),
        refusal: null,
        annotations: [],
      }
    : { role: 'assistant', content: answer.text, refusal: null, annotations: [] };
  return {
    id: completionId(),
    object: 'chat.completion',
    created: nowSeconds(),
    model,
    choices: [
      {
        index: 0,
        message,
        logprobs: null,
        finish_reason: answer.toolCalls ? 'tool_calls' : 'stop',
      },
    ],
    usage: structuredClone(CHAT_USAGE),
    service_tier: 'default',
    system_fingerprint: SYSTEM_FINGERPRINT,
  };
}

// The SSE events of one streamed completion, exactly as OpenAI writes them.
function chatStreamEvents(model, includeUsage, answer) {
  const id = completionId();
  const created = nowSeconds();
  const chunk = (choices, usage) => {
    const c = {
      id,
      object: 'chat.completion.chunk',
      created,
      model,
      service_tier: 'default',
      system_fingerprint: SYSTEM_FINGERPRINT,
      choices,
    };
    if (includeUsage) c.usage = usage;
    c.obfuscation = randomAlnum(1 + crypto.randomInt(14));
    return 'data: ' + JSON.stringify(c) + '\n\n';
  };
  const choice = (delta, finishReason = null) => ({ index: 0, delta, logprobs: null, finish_reason: finishReason });
  if (answer.toolCalls) {
    const events = [chunk([choice({ role: 'assistant', content: null })], null)];
    answer.toolCalls.forEach((c, index) => {
      const open = { index, id: c.id, type: 'function', function: { name: c.name, arguments: '' } };
      events.push(chunk([choice({ tool_calls: [open] })], null));
      for (const fragment of pieces(c.arguments, 6))
        events.push(chunk([choice({ tool_calls: [{ index, function: { arguments: fragment } }] })], null));
    });
    events.push(chunk([choice({}, 'tool_calls')], null));
    if (includeUsage) events.push(chunk([], structuredClone(CHAT_USAGE)));
    events.push('data: [DONE]\n\n');
    return events;
  }
  const events = [chunk([choice({ role: 'assistant', content: '', refusal: null })], null)];
  for (const piece of answer.pieces ?? answer.text.split(/(?= )/)) events.push(chunk([choice({ content: piece })], null));
  events.push(chunk([choice({}, 'stop')], null));
  if (includeUsage) events.push(chunk([], structuredClone(CHAT_USAGE)));
  events.push('data: [DONE]\n\n');
  return events;
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function streamChat(res, model, includeUsage, answer, reqId) {
  res.writeHead(200, {
    ...commonHeaders(reqId),
    'content-type': 'text/event-stream; charset=utf-8',
    'cache-control': 'no-cache',
  }); // no content-length: node sends it chunked
  res.flushHeaders();
  const events = chatStreamEvents(model, includeUsage, answer);
  for (let i = 0; i < events.length; ++i) {
    if (res.destroyed) return;
    if (i === 2) {
      // Split one event mid-JSON across two writes (and two HTTP chunks).
      const cut = Math.floor(events[i].length / 2);
      res.write(events[i].slice(0, cut));
      await sleep(5);
      res.write(events[i].slice(cut));
    } else {
      res.write(events[i]);
    }
    await sleep(2);
  }
  res.end();
}

function embeddingsResponse(body) {
  const inputs = Array.isArray(body.input) && body.input.length > 0 && typeof body.input[0] !== 'number'
    ? body.input
    : [body.input];
  const dimensions = Number.isInteger(body.dimensions) ? body.dimensions : DEFAULT_EMBEDDING_DIMENSIONS;
  const format = body.encoding_format ?? 'float';
  const data = inputs.map((input, index) => {
    const values = expectedEmbedding(input, dimensions);
    return {
      object: 'embedding',
      index,
      embedding: format === 'base64' ? float32Base64(values) : values,
    };
  });
  const promptTokens = inputs.reduce((n, s) => n + String(s).split(/\s+/).filter(Boolean).length, 0);
  const value = {
    object: 'list',
    data,
    model: body.model,
    usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
  };
  if (format === 'base64') return JSON.stringify(value, null, 2) + '\n';
  // Print each float as OpenAI does (float32 shortest form, e.g. -0.045733217), not as a double.
  const placeholders = {
    ...value,
    data: data.map((d, row) => ({ ...d, embedding: d.embedding.map((_, i) => `@@F${row}_${i}@@`) })),
  };
  const text = JSON.stringify(placeholders, null, 2) + '\n';
  return text.replace(/"@@F(\d+)_(\d+)@@"/g, (_, row, i) => float32Literal(data[Number(row)].embedding[Number(i)]));
}

function imagesResponse(body) {
  const n = Number.isInteger(body.n) ? body.n : 1;
  const data = [];
  for (let i = 0; i < n; ++i) {
    const item = {};
    if (body.model === 'dall-e-3') item.revised_prompt = `A detailed rendering of: ${body.prompt}`;
    if (body.response_format === 'b64_json') {
      // A 1x1 transparent PNG.
      item.b64_json = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
    } else {
      const name = randomAlnum(24);
      item.url = `${IMAGE_URL_PREFIX}${name}.png?st=2025-01-01T00%3A00%3A00Z&se=2025-01-01T02%3A00%3A00Z&sp=r&sv=2021-08-06&sr=b&sig=FAKESIGNATURE`;
    }
    data.push(item);
  }
  return { created: nowSeconds(), data };
}

/**
 * Starts the fake. `apiKey` is the credential it expects in `authorization: Bearer ...`; any other value
 * gets OpenAI's 401 invalid_api_key answer.
 * Returns { baseUrl, port, requests, close() }; `requests` lists every request received, in order (a chat
 * request the fake refused also has `rejected`, its error message).
 */
export async function startFakeOpenAI({ apiKey }) {
  async function handle(req, res, record) {
    const { path, body } = record;
    const reqId = requestId();
    const auth = req.headers.authorization ?? '';
    if (auth !== `Bearer ${apiKey}`) {
      const presented = auth.startsWith('Bearer ') ? auth.slice(7) : '';
      sendError(
        res,
        401,
        presented
          ? {
              message: `Incorrect API key provided: ${maskKey(presented)}. You can find your API key at https://platform.openai.com/account/api-keys.`,
              type: 'invalid_request_error',
              code: 'invalid_api_key',
            }
          : {
              message:
                "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY), or as the password field (i.e. https://platform.openai.com/account/api-keys).",
              type: 'invalid_request_error',
            },
        reqId,
        { 'www-authenticate': 'Bearer realm="OpenAI API"' },
      );
      return;
    }
    const route = `${req.method} ${path}`;
    const known = ['POST /v1/chat/completions', 'POST /v1/embeddings', 'POST /v1/images/generations'];
    if (!known.includes(route)) {
      sendError(res, 404, { message: `Invalid URL (${req.method} ${path})`, type: 'invalid_request_error' }, reqId);
      return;
    }
    if (body === undefined || typeof body !== 'object' || Array.isArray(body)) {
      sendError(
        res,
        400,
        {
          message:
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. The OpenAI API expects a JSON payload, but what was sent was not valid JSON. If you have trouble figuring out how to fix this, please contact us through our help center at help.openai.com.)",
          type: 'invalid_request_error',
        },
        reqId,
      );
      return;
    }
    if (body.model === BROKEN_MODEL) {
      sendError(
        res,
        500,
        {
          message: `The server had an error processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if you keep seeing this error. (Please include the request ID ${reqId} in your email.)`,
          type: 'server_error',
        },
        reqId,
      );
      return;
    }
    if (path === '/v1/chat/completions') {
      let answer;
      try {
        answer = chatAnswer(body);
      } catch (err) {
        if (!(err instanceof ChatRequestError)) throw err;
        record.rejected = err.message;
        sendError(res, 400, { message: err.message, type: 'invalid_request_error', param: err.param }, reqId);
        return;
      }
      if (body.stream === true) {
        await streamChat(res, body.model, body.stream_options?.include_usage === true, answer, reqId);
      } else {
        sendJson(res, 200, chatCompletion(body.model, answer), reqId);
      }
      return;
    }
    if (path === '/v1/embeddings') {
      const text = embeddingsResponse(body);
      res.writeHead(200, {
        ...commonHeaders(reqId),
        'content-type': 'application/json',
        'openai-model': body.model,
        'content-length': Buffer.byteLength(text),
      });
      res.end(text);
      return;
    }
    sendJson(res, 200, imagesResponse(body), reqId);
  }

  const server = await startRecordingServer(handle, (res, err) =>
    sendError(res, 500, { message: String(err), type: 'server_error' }, requestId()),
  );
  return { ...server, baseUrl: `http://127.0.0.1:${server.port}/v1` };
}
