// The official `openai` npm client through a real `agentrouter serve` to OpenAI, Anthropic and Gemini
// upstreams (fakes that speak each API's wire format and reject malformed requests as the real APIs do):
// chat, streams, parallel tool calls with their follow-up turn, vision, usage, embeddings, failover.
// Run by ctest (npm_native_providers) with AGENTROUTER_BIN set; needs `npm ci` in tests/npm first.
//
// Every answer below comes from a fake that validated the translated request first: a 200 here means
// the gateway's Anthropic / Gemini request passed the checks listed at the top of fake-anthropic.mjs
// and fake-gemini.mjs. (tests/npm/openai_client.test.mjs covers the rest of the OpenAI surface.)

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import * as anthropic from './fake-anthropic.mjs';
import * as gemini from './fake-gemini.mjs';
import * as openai from './fake-openai.mjs';
import { startGateway } from './gateway-process.mjs';

let OpenAI;
try {
  ({ default: OpenAI } = await import('openai'));
} catch (err) {
  throw new Error(
    `The 'openai' npm package is not installed (${err.message}). ` +
      `Run \`npm ci\` in ${path.dirname(new URL(import.meta.url).pathname)} first.`,
  );
}

const openaiKey = 'sk-proj-fake-' + crypto.randomBytes(16).toString('hex');
const anthropicKey = 'sk-ant-fake-' + crypto.randomBytes(16).toString('hex');
const geminiKey = 'AIzaFake' + crypto.randomBytes(16).toString('hex');
const FAILOVER_MODEL = 'claude-or-gemini';
const EMBEDDING_MODEL = 'gemini-embedding-001';
// A 1x1 PNG.
const PNG_1X1 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';

const TOOLS = [
  {
    type: 'function',
    function: {
      name: 'get_weather',
      description: 'Current weather in a city',
      parameters: {
        type: 'object',
        properties: { city: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] } },
        required: ['city'],
      },
    },
  },
  {
    type: 'function',
    function: {
      name: 'get_time',
      description: 'Local time in a timezone',
      parameters: { type: 'object', properties: { timezone: { type: 'string' } }, required: ['timezone'] },
    },
  },
];
const TOOL_OUTPUTS = { get_weather: '{"temperature":18}', get_time: '{"time":"09:00"}' };

let fakes; // { openai, anthropic, gemini }
let gateway;

// One entry per native provider: how to reach it and what its fake's answers mean in OpenAI terms.
const PROVIDERS = [
  {
    name: 'OpenAI',
    providerId: 'openai',
    model: 'gpt-4o-mini',
    upstreamModel: 'gpt-4o-mini-2024-07-18',
    fake: () => fakes.openai,
    reply: openai.CHAT_REPLY,
    toolCallText: null,
    toolArguments: openai.TOOL_ARGUMENTS,
    plainUsage: {
      prompt_tokens: openai.CHAT_USAGE.prompt_tokens,
      completion_tokens: openai.CHAT_USAGE.completion_tokens,
      cached_tokens: 0,
      reasoning_tokens: 0,
    },
    checkWire(record) {
      assert.equal(record.path, '/v1/chat/completions');
      assert.equal(record.headers.authorization, `Bearer ${openaiKey}`);
      assert.equal(record.body.model, this.upstreamModel);
    },
    systemOf: (record) => record.body.messages.find((m) => m.role === 'system')?.content,
    // A tool message that answers no tool call: OpenAI itself refuses it.
    badToolResult: true,
  },
  {
    name: 'Anthropic',
    providerId: 'claude',
    model: 'claude-sonnet-4-5',
    upstreamModel: 'claude-sonnet-4-5-20250929',
    fake: () => fakes.anthropic,
    reply: anthropic.REPLY,
    toolCallText: anthropic.PREAMBLE,
    toolArguments: anthropic.TOOL_ARGUMENTS,
    // prompt_tokens include cache reads and writes, which Anthropic's input_tokens exclude; the fake
    // counts one output token per word.
    plainUsage: {
      prompt_tokens: anthropic.USAGE.input_tokens + anthropic.USAGE.cache_read_input_tokens + anthropic.USAGE.cache_creation_input_tokens,
      completion_tokens: anthropic.REPLY.split(' ').length,
      cached_tokens: anthropic.USAGE.cache_read_input_tokens,
    },
    checkWire(record) {
      assert.equal(record.path, '/v1/messages');
      assert.equal(record.headers['x-api-key'], anthropicKey);
      assert.ok(record.headers['anthropic-version'], 'anthropic-version header');
      assert.equal(record.headers.authorization, undefined, 'no Authorization header goes to Anthropic');
      assert.equal(record.body.model, this.upstreamModel);
    },
    systemOf: (record) => record.body.system,
    // A tool result for a call that never happened: Anthropic itself refuses it.
    badToolResult: true,
  },
  {
    name: 'Gemini',
    providerId: 'google',
    model: 'gemini-3-pro',
    upstreamModel: 'gemini-3-pro-preview',
    fake: () => fakes.gemini,
    reply: gemini.REPLY,
    toolCallText: null,
    toolArguments: gemini.TOOL_ARGUMENTS,
    // completion = candidates + thoughts; prompt already includes the cached tokens. The fake counts
    // one candidate token per part.
    plainUsage: {
      prompt_tokens: gemini.USAGE.promptTokenCount,
      completion_tokens: gemini.REPLY_PIECES.length + gemini.USAGE.thoughtsTokenCount,
      cached_tokens: gemini.USAGE.cachedContentTokenCount,
      reasoning_tokens: gemini.USAGE.thoughtsTokenCount,
    },
    checkWire(record) {
      assert.match(record.path, new RegExp(`^/v1beta/models/${this.upstreamModel}:(generateContent|streamGenerateContent)$`));
      assert.equal(record.headers['x-goog-api-key'], geminiKey);
      assert.equal(record.query.get('key'), null, 'the key never goes in the URL');
      assert.equal(record.headers.authorization, undefined);
    },
    systemOf: (record) => record.body.systemInstruction?.parts.map((p) => p.text).join(''),
    badToolResult: false,
  },
];

function client(options = {}) {
  return new OpenAI({ baseURL: gateway.baseURL, apiKey: gateway.key, timeout: 15_000, maxRetries: 0, ...options });
}

// The single upstream request made since `mark`, checked not to have been rejected by the fake.
function onlyRequestSince(fake, mark) {
  const sent = fake.requests.slice(mark);
  assert.equal(sent.length, 1, `expected one upstream request, got ${sent.length}`);
  assert.equal(sent[0].rejected, undefined, `the fake rejected the translated request: ${sent[0].rejected}`);
  return sent[0];
}

function checkUsage(usage, want) {
  assert.equal(usage.prompt_tokens, want.prompt_tokens, 'prompt_tokens');
  assert.equal(usage.completion_tokens, want.completion_tokens, 'completion_tokens');
  assert.equal(usage.total_tokens, want.prompt_tokens + want.completion_tokens, 'total_tokens');
  assert.equal(usage.prompt_tokens_details.cached_tokens, want.cached_tokens, 'cached_tokens');
  if (want.reasoning_tokens !== undefined)
    assert.equal(usage.completion_tokens_details.reasoning_tokens, want.reasoning_tokens, 'reasoning_tokens');
}

// The fakes' own checks, straight over HTTP: each rule fires, so a wrong translation cannot pass.
describe('the fakes reject malformed requests the way the real APIs do', () => {
  let a;
  let g;
  before(async () => {
    a = await anthropic.startFakeAnthropic({ apiKey: 'ak' });
    g = await gemini.startFakeGemini({ apiKey: 'gk' });
  });
  after(async () => {
    await a?.close();
    await g?.close();
  });

  const post = async (url, headers, body) => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
    return { status: r.status, body: await r.json() };
  };
  const user = (content) => ({ role: 'user', content });
  const ANTHROPIC = { 'x-api-key': 'ak', 'anthropic-version': '2023-06-01' };
  const anthropicCases = [
    ['no x-api-key', { 'anthropic-version': '2023-06-01' }, { model: 'm', max_tokens: 5, messages: [user('hi')] }, 401, 'authentication_error', 'x-api-key header is required'],
    ['no anthropic-version', { 'x-api-key': 'ak' }, { model: 'm', max_tokens: 5, messages: [user('hi')] }, 400, 'invalid_request_error', 'anthropic-version: header is required'],
    ['no max_tokens', ANTHROPIC, { model: 'm', messages: [user('hi')] }, 400, 'invalid_request_error', 'max_tokens: Field required'],
    ['a system role in messages', ANTHROPIC, { model: 'm', max_tokens: 5, messages: [{ role: 'system', content: 'x' }, user('hi')] }, 400, 'invalid_request_error', 'Unexpected role "system"'],
    ['roles that do not alternate', ANTHROPIC, { model: 'm', max_tokens: 5, messages: [user('a'), user('b')] }, 400, 'invalid_request_error', 'roles must alternate'],
    ['a tool_result without its tool_use', ANTHROPIC,
      { model: 'm', max_tokens: 5, messages: [user([{ type: 'tool_result', tool_use_id: 'toolu_x', content: 'r' }])] },
      400, 'invalid_request_error', 'unexpected `tool_use_id`'],
    ['a tool_use left unanswered', ANTHROPIC,
      { model: 'm', max_tokens: 5, messages: [user('hi'), { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_y', name: 'f', input: {} }] }, user('next')] },
      400, 'invalid_request_error', '`tool_use` ids were found without `tool_result` blocks'],
    ['an OpenAI field', ANTHROPIC, { model: 'm', max_tokens: 5, n: 1, messages: [user('hi')] }, 400, 'invalid_request_error', 'n: Extra inputs are not permitted'],
  ];
  for (const [name, headers, body, status, type, message] of anthropicCases) {
    test(`Anthropic: ${name}`, async () => {
      const r = await post(`${a.baseUrl}/messages`, headers, body);
      assert.equal(r.status, status);
      assert.equal(r.body.type, 'error');
      assert.equal(r.body.error.type, type);
      assert.ok(r.body.error.message.includes(message), r.body.error.message);
    });
  }

  const KEY = { 'x-goog-api-key': 'gk' };
  const contents = (...turns) => ({ contents: turns });
  const callTurn = { role: 'model', parts: [{ functionCall: { name: 'f', args: {} } }] };
  const geminiCases = [
    ['no key', 'gemini-2.5-flash:generateContent', {}, contents({ role: 'user', parts: [{ text: 'hi' }] }), 403, 'PERMISSION_DENIED', 'unregistered callers'],
    ['a wrong key', 'gemini-2.5-flash:generateContent', { 'x-goog-api-key': 'nope' }, contents({ role: 'user', parts: [{ text: 'hi' }] }), 400, 'INVALID_ARGUMENT', 'API key not valid'],
    ['an unknown field', 'gemini-2.5-flash:generateContent', KEY,
      { ...contents({ role: 'user', parts: [{ text: 'hi' }] }), generationConfig: { max_tokens: 5 } },
      400, 'INVALID_ARGUMENT', `Unknown name "max_tokens" at 'generation_config'`],
    ['a functionResponse without name', 'gemini-2.5-flash:generateContent', KEY,
      contents({ role: 'user', parts: [{ text: 'hi' }] }, callTurn, { role: 'user', parts: [{ functionResponse: { response: { output: 'x' } } }] }),
      400, 'INVALID_ARGUMENT', 'function_response.name: Name cannot be empty.'],
    ['a Gemini 3 call without its thought signature', 'gemini-3-pro-preview:generateContent', KEY,
      contents({ role: 'user', parts: [{ text: 'hi' }] }, callTurn, { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 'x' } } }] }),
      400, 'INVALID_ARGUMENT', 'missing a thought_signature'],
    ['a signature it never issued', 'gemini-3-pro-preview:generateContent', KEY,
      contents({ role: 'user', parts: [{ text: 'hi' }] }, { role: 'model', parts: [{ functionCall: { name: 'f', args: {} }, thoughtSignature: 'Zm9yZ2Vk' }] },
        { role: 'user', parts: [{ functionResponse: { name: 'f', response: { output: 'x' } } }] }),
      400, 'INVALID_ARGUMENT', 'Corrupted thought signature.'],
    ['an unknown model', 'gemini-9-ultra:generateContent', KEY, contents({ role: 'user', parts: [{ text: 'hi' }] }), 404, 'NOT_FOUND', 'models/gemini-9-ultra is not found'],
    ['too many embeddings', 'gemini-embedding-001:batchEmbedContents', KEY,
      { requests: Array.from({ length: 101 }, () => ({ model: 'models/gemini-embedding-001', content: { parts: [{ text: 'x' }] } })) },
      400, 'INVALID_ARGUMENT', 'at most 100 requests can be in one batch'],
  ];
  for (const [name, method, headers, body, code, status, message] of geminiCases) {
    test(`Gemini: ${name}`, async () => {
      const r = await post(`${g.baseUrl}/models/${method}`, headers, body);
      assert.equal(r.status, code);
      assert.equal(r.body.error.code, code);
      assert.equal(r.body.error.status, status);
      assert.ok(r.body.error.message.includes(message), r.body.error.message);
    });
  }
});

describe('openai npm client through agentrouter serve to OpenAI, Anthropic and Gemini', () => {
  before(async () => {
    fakes = {
      openai: await openai.startFakeOpenAI({ apiKey: openaiKey }),
      anthropic: await anthropic.startFakeAnthropic({ apiKey: anthropicKey }),
      gemini: await gemini.startFakeGemini({ apiKey: geminiKey }),
    };
    const config = {
      server: { port: 0 },
      providers: [
        { id: 'openai', type: 'openai-compatible', base_url: fakes.openai.baseUrl, api_key_env: 'FAKE_OPENAI_KEY' },
        { id: 'claude', type: 'anthropic', base_url: fakes.anthropic.baseUrl, api_key_env: 'FAKE_ANTHROPIC_KEY' },
        { id: 'google', type: 'gemini', base_url: fakes.gemini.baseUrl, api_key_env: 'FAKE_GEMINI_KEY' },
      ],
      routes: [
        ...PROVIDERS.map((p) => ({ model: p.model, targets: [{ provider: p.providerId, model: p.upstreamModel }] })),
        { model: EMBEDDING_MODEL, targets: [{ provider: 'google' }] },
        {
          model: FAILOVER_MODEL,
          targets: [
            { provider: 'claude', model: anthropic.OVERLOADED_MODEL },
            { provider: 'google', model: 'gemini-2.5-flash' },
          ],
        },
      ],
    };
    gateway = await startGateway({
      config,
      env: { FAKE_OPENAI_KEY: openaiKey, FAKE_ANTHROPIC_KEY: anthropicKey, FAKE_GEMINI_KEY: geminiKey },
      keyName: 'npm-native-providers',
    });
  });

  after(async () => {
    await gateway?.stop();
    await fakes?.openai.close();
    await fakes?.anthropic.close();
    await fakes?.gemini.close();
  });

  for (const p of PROVIDERS) {
    describe(p.name, () => {
      test('chat completion: text, finish_reason and usage in OpenAI terms', async () => {
        const mark = p.fake().requests.length;
        const completion = await client().chat.completions.create({
          model: p.model,
          messages: [
            { role: 'system', content: 'You are terse.' },
            { role: 'user', content: 'Greet me.' },
          ],
          temperature: 0.2,
        });
        assert.equal(completion.object, 'chat.completion');
        assert.equal(completion.choices.length, 1);
        assert.equal(completion.choices[0].message.role, 'assistant');
        assert.equal(completion.choices[0].message.content, p.reply);
        assert.equal(completion.choices[0].finish_reason, 'stop');
        checkUsage(completion.usage, p.plainUsage);

        const sent = onlyRequestSince(p.fake(), mark);
        p.checkWire(sent);
        assert.equal(p.systemOf(sent), 'You are terse.', 'the system prompt is where the provider expects it');
      });

      test('streamed chat: every delta, one id, finish_reason, and the usage chunk only when asked', async () => {
        const mark = p.fake().requests.length;
        const chunks = [];
        const stream = await client().chat.completions.create({
          model: p.model,
          messages: [{ role: 'user', content: 'Greet me, streaming.' }],
          stream: true,
          stream_options: { include_usage: true },
        });
        for await (const chunk of stream) chunks.push(chunk);
        p.checkWire(onlyRequestSince(p.fake(), mark));

        assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one completion id across chunks');
        for (const c of chunks) assert.equal(c.object, 'chat.completion.chunk');
        const withChoices = chunks.filter((c) => c.choices.length > 0);
        assert.equal(withChoices[0].choices[0].delta.role, 'assistant');
        assert.equal(withChoices.map((c) => c.choices[0].delta.content ?? '').join(''), p.reply);
        assert.equal(withChoices.at(-1).choices[0].finish_reason, 'stop');
        const last = chunks.at(-1);
        assert.deepEqual(last.choices, []);
        checkUsage(last.usage, p.plainUsage);

        // Without include_usage the client gets no usage chunk.
        const plain = [];
        for await (const chunk of await client().chat.completions.create({
          model: p.model,
          messages: [{ role: 'user', content: 'Again, no usage.' }],
          stream: true,
        }))
          plain.push(chunk);
        assert.ok(plain.every((c) => c.choices.length === 1 && !c.usage), 'no usage chunk');
        assert.equal(plain.map((c) => c.choices[0].delta.content ?? '').join(''), p.reply);
      });

      test('parallel tool calls, then a follow-up turn with both results', async () => {
        const mark = p.fake().requests.length;
        const messages = [{ role: 'user', content: 'Weather in Paris and the time in Tokyo?' }];
        const first = await client().chat.completions.create({ model: p.model, messages, tools: TOOLS });
        const choice = first.choices[0];
        assert.equal(choice.finish_reason, 'tool_calls');
        assert.equal(choice.message.content, p.toolCallText);
        const calls = choice.message.tool_calls;
        assert.deepEqual(calls.map((c) => c.function.name), ['get_weather', 'get_time']);
        for (const c of calls) {
          assert.equal(c.type, 'function');
          assert.deepEqual(JSON.parse(c.function.arguments), p.toolArguments[c.function.name]);
        }
        assert.equal(new Set(calls.map((c) => c.id)).size, 2, 'distinct tool call ids');

        messages.push(choice.message);
        for (const c of calls) messages.push({ role: 'tool', tool_call_id: c.id, content: TOOL_OUTPUTS[c.function.name] });
        const second = await client().chat.completions.create({ model: p.model, messages, tools: TOOLS });
        assert.equal(second.choices[0].finish_reason, 'stop');
        assert.equal(
          second.choices[0].message.content,
          `get_weather says ${TOOL_OUTPUTS.get_weather}; get_time says ${TOOL_OUTPUTS.get_time}`,
        );
        const sent = p.fake().requests.slice(mark);
        assert.equal(sent.length, 2);
        for (const r of sent) assert.equal(r.rejected, undefined, `rejected upstream: ${r.rejected}`);
      });

      test('streamed parallel tool calls assemble in the SDK, and the follow-up streams too', async () => {
        const mark = p.fake().requests.length;
        const messages = [{ role: 'user', content: 'Weather in Paris and the time in Tokyo, streaming?' }];
        const raw = [];
        const stream = client().chat.completions.stream({ model: p.model, messages, tools: TOOLS });
        stream.on('chunk', (c) => raw.push(c));
        const final = await stream.finalChatCompletion();
        const message = final.choices[0].message;
        assert.equal(final.choices[0].finish_reason, 'tool_calls');
        assert.deepEqual(message.tool_calls.map((c) => c.function.name), ['get_weather', 'get_time']);
        for (const c of message.tool_calls)
          assert.deepEqual(JSON.parse(c.function.arguments), p.toolArguments[c.function.name]);
        // OpenAI's tool-call index counts calls (0, 1), whatever the provider's own block numbering.
        const indices = new Set(raw.flatMap((c) => c.choices.flatMap((ch) => (ch.delta.tool_calls ?? []).map((t) => t.index))));
        assert.deepEqual([...indices].sort(), [0, 1]);

        messages.push(message);
        for (const c of message.tool_calls) messages.push({ role: 'tool', tool_call_id: c.id, content: TOOL_OUTPUTS[c.function.name] });
        const followUp = await client().chat.completions.stream({ model: p.model, messages, tools: TOOLS }).finalChatCompletion();
        assert.equal(
          followUp.choices[0].message.content,
          `get_weather says ${TOOL_OUTPUTS.get_weather}; get_time says ${TOOL_OUTPUTS.get_time}`,
        );
        for (const r of p.fake().requests.slice(mark)) assert.equal(r.rejected, undefined, `rejected upstream: ${r.rejected}`);
      });

      test('vision: an image data URI reaches the model as an image', async () => {
        const mark = p.fake().requests.length;
        const completion = await client().chat.completions.create({
          model: p.model,
          messages: [
            {
              role: 'user',
              content: [
                { type: 'text', text: 'What is in this picture?' },
                { type: 'image_url', image_url: { url: `data:image/png;base64,${PNG_1X1}` } },
              ],
            },
          ],
        });
        assert.equal(completion.choices[0].message.content, 'I see a 1x1 image/png image.');
        onlyRequestSince(p.fake(), mark);
      });

      test('an upstream rejection is an OpenAI error that keeps the provider message', async () => {
        const mark = p.fake().requests.length;
        // OpenAI, Anthropic: a tool result for a call that was never made; Gemini: penalties it does not take.
        const request = p.badToolResult
          ? {
              model: p.model,
              messages: [
                { role: 'user', content: 'hi' },
                { role: 'assistant', content: 'Checking.' },
                { role: 'tool', tool_call_id: 'toolu_never_made', content: 'orphan' },
              ],
            }
          : { model: p.model, messages: [{ role: 'user', content: 'hi' }], presence_penalty: 0.5 };
        await assert.rejects(client().chat.completions.create(request), (err) => {
          assert.ok(err instanceof OpenAI.BadRequestError, `got ${err?.constructor?.name}: ${err}`);
          assert.equal(err.status, 400);
          assert.equal(err.type, 'invalid_request_error');
          const sent = p.fake().requests.slice(mark);
          assert.equal(sent.length, 1, 'a 400 is not retried');
          assert.ok(sent[0].rejected, 'the fake rejected it');
          assert.ok(err.message.includes(sent[0].rejected.trim()), `${err.message} keeps "${sent[0].rejected}"`);
          return true;
        });
      });
    });
  }

  test('Gemini embeddings: the SDK default (base64) with dimensions, list input, usage from usageMetadata', async () => {
    const mark = fakes.gemini.requests.length;
    const inputs = ['The quick brown fox', 'jumps over the lazy dog'];
    const res = await client().embeddings.create({ model: EMBEDDING_MODEL, input: inputs, dimensions: 256 });
    assert.equal(res.object, 'list');
    assert.equal(res.data.length, 2);
    res.data.forEach((d, i) => {
      assert.equal(d.object, 'embedding');
      assert.equal(d.index, i);
      // base64 carries float32: the SDK decodes exactly the float32 of each value Gemini sent.
      assert.deepEqual(d.embedding, gemini.expectedGeminiEmbedding(inputs[i], 256).map(Math.fround));
    });
    assert.equal(res.usage.prompt_tokens, gemini.embeddingTokens(inputs));

    const sent = onlyRequestSince(fakes.gemini, mark);
    assert.equal(sent.path, `/v1beta/models/${EMBEDDING_MODEL}:batchEmbedContents`);
    assert.equal(sent.headers['x-goog-api-key'], geminiKey);
    assert.deepEqual(
      sent.body.requests.map((r) => [r.model, r.content.parts[0].text, r.outputDimensionality]),
      inputs.map((t) => [`models/${EMBEDDING_MODEL}`, t, 256]),
    );
  });

  test('Gemini embeddings with encoding_format "float" keep every value', async () => {
    const res = await client().embeddings.create({ model: EMBEDDING_MODEL, input: 'floating point, please', encoding_format: 'float' });
    assert.equal(res.data.length, 1);
    assert.deepEqual(res.data[0].embedding, gemini.expectedGeminiEmbedding('floating point, please'));
    assert.equal(res.usage.prompt_tokens, 3);
  });

  test('an overloaded first provider fails over, with only the headers to show for it', async () => {
    const { data, response } = await client()
      .chat.completions.create({ model: FAILOVER_MODEL, messages: [{ role: 'user', content: 'hi' }] })
      .withResponse();
    assert.equal(data.choices[0].message.content, gemini.REPLY);
    assert.equal(response.headers.get('x-agentrouter-provider'), 'google');
    assert.equal(response.headers.get('x-agentrouter-upstream-model'), 'gemini-2.5-flash');
    assert.equal(response.headers.get('x-agentrouter-attempts'), '2');
    assert.equal(fakes.anthropic.requests.at(-1).body.model, anthropic.OVERLOADED_MODEL);
  });

  test('upstreams only ever saw their own credential, never the gateway key', () => {
    const all = [...fakes.openai.requests, ...fakes.anthropic.requests, ...fakes.gemini.requests];
    assert.ok(all.length >= 30, `upstreams saw ${all.length} requests`);
    for (const r of all) {
      const everything = JSON.stringify(r.headers) + r.rawBody + (r.query?.toString() ?? '');
      assert.ok(!everything.includes(gateway.keySecret), `the gateway key secret reached ${r.path}`);
      assert.ok(!everything.includes(`sk-ar-${gateway.keyId}`), `the gateway key reached ${r.path}`);
    }
    const keys = { openai: openaiKey, anthropic: anthropicKey, gemini: geminiKey };
    for (const [name, fake] of Object.entries(fakes)) {
      const others = Object.entries(keys).filter(([k]) => k !== name).map(([, v]) => v);
      for (const r of fake.requests)
        for (const other of others) assert.ok(!JSON.stringify(r).includes(other), `${name} saw another provider's key`);
    }
  });
});
