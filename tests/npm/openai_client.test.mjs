// Drives a real `agentrouter serve` with the official `openai` npm client, against a fake OpenAI upstream.
// Run by ctest (npm_openai_client): node --test tests/npm/openai_client.test.mjs, with AGENTROUTER_BIN set.
// Needs `npm ci` in tests/npm first; a missing `openai` package is a failure, not a skip.

import { describe, test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import path from 'node:path';

import {
  startFakeOpenAI,
  expectedEmbedding,
  CHAT_REPLY,
  CHAT_REPLY_PIECES,
  CHAT_USAGE,
  BROKEN_MODEL,
  DEFAULT_EMBEDDING_DIMENSIONS,
  IMAGE_URL_PREFIX,
} from './fake-openai.mjs';
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

const CHAT_MODEL = 'gpt-4o-mini';
const CHAT_UPSTREAM_MODEL = 'gpt-4o-mini-2024-07-18';
const EMBEDDING_MODEL = 'text-embedding-3-small';
const IMAGE_MODEL = 'dall-e-3';

// Shared state, set up in before().
let fake;
let gateway; // see gateway-process.mjs
let baseURL;
let key; // sk-ar-<id>.<secret>
let keyId;
let keySecret;
const upstreamKey = 'fake-upstream-' + crypto.randomBytes(18).toString('hex');

function client(options = {}) {
  return new OpenAI({ baseURL, apiKey: key, timeout: 15_000, ...options });
}

// The upstream requests made since `mark` (an index into fake.requests).
function upstreamSince(mark) {
  return fake.requests.slice(mark);
}

describe('openai npm client through agentrouter serve', () => {
  before(async () => {
    fake = await startFakeOpenAI({ apiKey: upstreamKey });
    const config = {
      server: { port: 0 },
      providers: [{ id: 'fake', type: 'openai-compatible', base_url: fake.baseUrl, api_key_env: 'FAKE_UPSTREAM_KEY' }],
      routes: [
        { model: CHAT_MODEL, targets: [{ provider: 'fake', model: CHAT_UPSTREAM_MODEL }] },
        { model: EMBEDDING_MODEL, targets: [{ provider: 'fake' }] },
        { model: IMAGE_MODEL, targets: [{ provider: 'fake' }] },
        { model: BROKEN_MODEL, targets: [{ provider: 'fake' }] },
      ],
    };
    gateway = await startGateway({ config, env: { FAKE_UPSTREAM_KEY: upstreamKey }, keyName: 'npm-openai-client' });
    ({ baseURL, key, keyId, keySecret } = gateway);
    assert.match(baseURL, /^http:\/\/127\.0\.0\.1:\d+\/v1$/);
  });

  after(async () => {
    await gateway?.stop();
    await fake?.close();
  });

  test('chat completion returns the text and usage', async () => {
    const mark = fake.requests.length;
    const completion = await client().chat.completions.create({
      model: CHAT_MODEL,
      messages: [
        { role: 'system', content: 'You are terse.' },
        { role: 'user', content: 'Greet me.' },
      ],
      temperature: 0,
    });
    assert.equal(completion.object, 'chat.completion');
    assert.match(completion.id, /^chatcmpl-/);
    assert.equal(completion.model, CHAT_UPSTREAM_MODEL);
    assert.equal(completion.choices.length, 1);
    assert.equal(completion.choices[0].message.role, 'assistant');
    assert.equal(completion.choices[0].message.content, CHAT_REPLY);
    assert.equal(completion.choices[0].finish_reason, 'stop');
    assert.deepEqual(completion.usage, CHAT_USAGE);

    const sent = upstreamSince(mark);
    assert.equal(sent.length, 1, 'exactly one upstream request');
    assert.equal(sent[0].method, 'POST');
    assert.equal(sent[0].path, '/v1/chat/completions');
    assert.equal(sent[0].headers.authorization, `Bearer ${upstreamKey}`);
    assert.equal(sent[0].body.model, CHAT_UPSTREAM_MODEL, 'the route target model replaces the alias');
    assert.equal(sent[0].body.temperature, 0);
    assert.deepEqual(sent[0].body.messages, [
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'Greet me.' },
    ]);
    assert.equal(sent[0].body.stream, undefined);
  });

  test('streamed chat completion yields the deltas and no usage chunk the client did not ask for', async () => {
    const mark = fake.requests.length;
    const stream = await client().chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Greet me, streaming.' }],
      stream: true,
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    assert.ok(chunks.length >= CHAT_REPLY_PIECES.length + 2, `got ${chunks.length} chunks`);
    for (const c of chunks) {
      assert.equal(c.object, 'chat.completion.chunk');
      assert.equal(c.model, CHAT_UPSTREAM_MODEL);
      assert.equal(c.choices.length, 1, `a chunk without choices reached the client: ${JSON.stringify(c)}`);
      assert.equal(c.usage ?? null, null, `a chunk with usage reached the client: ${JSON.stringify(c)}`);
    }
    assert.equal(new Set(chunks.map((c) => c.id)).size, 1, 'one completion id across chunks');
    assert.equal(chunks[0].choices[0].delta.role, 'assistant');
    const text = chunks.map((c) => c.choices[0].delta.content ?? '').join('');
    assert.equal(text, CHAT_REPLY);
    assert.equal(chunks.at(-1).choices[0].finish_reason, 'stop');

    const sent = upstreamSince(mark);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].headers.authorization, `Bearer ${upstreamKey}`);
    assert.equal(sent[0].body.model, CHAT_UPSTREAM_MODEL);
    assert.equal(sent[0].body.stream, true);
    assert.deepEqual(sent[0].body.stream_options, { include_usage: true }, 'the gateway asks upstream for usage');
  });

  test('streamed chat completion with stream_options.include_usage ends with the usage chunk', async () => {
    const mark = fake.requests.length;
    const stream = await client().chat.completions.create({
      model: CHAT_MODEL,
      messages: [{ role: 'user', content: 'Greet me, with usage.' }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    const last = chunks.at(-1);
    assert.deepEqual(last.choices, []);
    assert.deepEqual(last.usage, CHAT_USAGE);
    const usageChunks = chunks.filter((c) => c.usage);
    assert.equal(usageChunks.length, 1, 'exactly one usage chunk');
    for (const c of chunks.slice(0, -1)) assert.equal(c.usage, null, 'usage is null on every other chunk');
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? '').join('');
    assert.equal(text, CHAT_REPLY);
    assert.equal(chunks.at(-2).choices[0].finish_reason, 'stop');

    const sent = upstreamSince(mark);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].body.model, CHAT_UPSTREAM_MODEL);
    assert.deepEqual(sent[0].body.stream_options, { include_usage: true });
  });

  test('embeddings with the SDK default (base64 on the wire) come back as float arrays', async () => {
    const mark = fake.requests.length;
    const inputs = ['The quick brown fox', 'jumps over the lazy dog'];
    const res = await client().embeddings.create({ model: EMBEDDING_MODEL, input: inputs, dimensions: 64 });
    assert.equal(res.object, 'list');
    assert.equal(res.model, EMBEDDING_MODEL);
    assert.equal(res.data.length, 2);
    res.data.forEach((d, i) => {
      assert.equal(d.object, 'embedding');
      assert.equal(d.index, i);
      assert.ok(Array.isArray(d.embedding), 'the SDK decodes base64 into an array');
      assert.deepEqual(d.embedding, expectedEmbedding(inputs[i], 64));
    });
    assert.deepEqual(res.usage, { prompt_tokens: 9, total_tokens: 9 });

    // Full-size vector (1536 floats) too.
    const big = await client().embeddings.create({ model: EMBEDDING_MODEL, input: 'a single longer vector' });
    assert.equal(big.data[0].embedding.length, DEFAULT_EMBEDDING_DIMENSIONS);
    assert.deepEqual(big.data[0].embedding, expectedEmbedding('a single longer vector'));

    const sent = upstreamSince(mark);
    assert.equal(sent.length, 2);
    assert.equal(sent[0].path, '/v1/embeddings');
    assert.equal(sent[0].headers.authorization, `Bearer ${upstreamKey}`);
    assert.equal(sent[0].body.encoding_format, 'base64', 'the SDK asks for base64 by default');
    assert.equal(sent[0].body.model, EMBEDDING_MODEL);
    assert.deepEqual(sent[0].body.input, inputs);
    assert.equal(sent[0].body.dimensions, 64);
  });

  test('embeddings with encoding_format "float"', async () => {
    const mark = fake.requests.length;
    const input = 'floating point, please';
    const res = await client().embeddings.create({ model: EMBEDDING_MODEL, input, encoding_format: 'float', dimensions: 32 });
    assert.equal(res.data.length, 1);
    const got = res.data[0].embedding;
    assert.ok(Array.isArray(got));
    const want = expectedEmbedding(input, 32);
    assert.equal(got.length, want.length);
    // The wire carries float32 values in their shortest decimal form: they read back to the same float32.
    got.forEach((v, i) => assert.equal(Math.fround(v), want[i], `component ${i}: ${v}`));

    const sent = upstreamSince(mark);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].body.encoding_format, 'float');
  });

  test('images.generate returns a URL', async () => {
    const mark = fake.requests.length;
    const prompt = 'a lighthouse made of glass at dusk';
    const res = await client().images.generate({ model: IMAGE_MODEL, prompt, n: 1, size: '1024x1024' });
    assert.equal(typeof res.created, 'number');
    assert.equal(res.data.length, 1);
    assert.ok(res.data[0].url.startsWith(IMAGE_URL_PREFIX), res.data[0].url);
    assert.doesNotThrow(() => new URL(res.data[0].url));
    assert.ok(res.data[0].revised_prompt.includes(prompt));

    const sent = upstreamSince(mark);
    assert.equal(sent.length, 1);
    assert.equal(sent[0].path, '/v1/images/generations');
    assert.equal(sent[0].headers.authorization, `Bearer ${upstreamKey}`);
    assert.deepEqual(sent[0].body, { model: IMAGE_MODEL, prompt, n: 1, size: '1024x1024' });
  });

  test('models.list contains the route names', async () => {
    const mark = fake.requests.length;
    const ids = [];
    for await (const model of client().models.list()) {
      assert.equal(model.object, 'model');
      ids.push(model.id);
    }
    for (const name of [CHAT_MODEL, EMBEDDING_MODEL, IMAGE_MODEL, BROKEN_MODEL]) {
      assert.ok(ids.includes(name), `${name} missing from ${JSON.stringify(ids)}`);
    }
    assert.equal(upstreamSince(mark).length, 0, 'models.list is answered by the gateway');
  });

  test('a wrong key raises AuthenticationError (401)', async () => {
    const mark = fake.requests.length;
    const wrongSecret = crypto.randomBytes(32).toString('base64url');
    for (const badKey of [`sk-ar-${keyId}.${wrongSecret}`, 'sk-not-a-gateway-key']) {
      const bad = new OpenAI({ baseURL, apiKey: badKey, maxRetries: 0 });
      await assert.rejects(
        bad.chat.completions.create({ model: CHAT_MODEL, messages: [{ role: 'user', content: 'hi' }] }),
        (err) => {
          assert.ok(err instanceof OpenAI.AuthenticationError, `got ${err?.constructor?.name}: ${err}`);
          assert.equal(err.status, 401);
          assert.equal(err.type, 'invalid_request_error');
          assert.ok(!err.message.includes(wrongSecret), 'the error does not echo the secret');
          return true;
        },
      );
    }
    assert.equal(upstreamSince(mark).length, 0, 'nothing reached the upstream');
    assert.ok(!gateway.log().includes(wrongSecret), 'the wrong secret is not logged');
  });

  test('an unknown model raises NotFoundError (404, model_not_found)', async () => {
    const mark = fake.requests.length;
    await assert.rejects(
      client({ maxRetries: 0 }).chat.completions.create({
        model: 'no-such-model',
        messages: [{ role: 'user', content: 'hi' }],
      }),
      (err) => {
        assert.ok(err instanceof OpenAI.NotFoundError, `got ${err?.constructor?.name}: ${err}`);
        assert.equal(err.status, 404);
        assert.equal(err.code, 'model_not_found');
        assert.equal(err.type, 'invalid_request_error');
        assert.match(err.message, /no-such-model/);
        return true;
      },
    );
    assert.equal(upstreamSince(mark).length, 0);
  });

  test('an upstream 500 surfaces as an APIError with status 500', async () => {
    const mark = fake.requests.length;
    await assert.rejects(
      client({ maxRetries: 0 }).chat.completions.create({
        model: BROKEN_MODEL,
        messages: [{ role: 'user', content: 'hi' }],
      }),
      (err) => {
        assert.ok(err instanceof OpenAI.APIError, `got ${err?.constructor?.name}: ${err}`);
        assert.ok(err instanceof OpenAI.InternalServerError, `got ${err?.constructor?.name}`);
        assert.equal(err.status, 500);
        assert.equal(err.type, 'server_error');
        assert.match(err.message, /The server had an error processing your request/);
        return true;
      },
    );
    // maxRetries 0 stops the SDK from retrying; the gateway may still retry a 5xx itself (its retry policy).
    const sent = upstreamSince(mark);
    assert.ok(sent.length >= 1, 'the request reached the upstream');
    for (const r of sent) {
      assert.equal(r.path, '/v1/chat/completions');
      assert.equal(r.body.model, BROKEN_MODEL);
    }
  });

  test('the upstream only ever saw its own credential, never the gateway key', () => {
    assert.ok(fake.requests.length >= 8, `upstream saw ${fake.requests.length} requests`);
    for (const r of fake.requests) {
      assert.equal(r.headers.authorization, `Bearer ${upstreamKey}`, `${r.method} ${r.path}`);
      const everything = JSON.stringify(r.headers) + r.rawBody;
      assert.ok(!everything.includes(keySecret), `the gateway key secret reached the upstream in ${r.method} ${r.path}`);
      assert.ok(!everything.includes(`sk-ar-${keyId}`), `the gateway key reached the upstream in ${r.method} ${r.path}`);
    }
  });

  test('the gateway stops on SIGTERM and its access log leaks no secret', async () => {
    const { code, signal } = await gateway.stop();
    const gatewayLog = gateway.log();
    const gatewayOut = gateway.out();
    assert.equal(signal, null, 'exited by itself, not killed');
    assert.equal(code, 0);
    assert.match(gatewayLog, /POST \/v1\/chat\/completions/, 'the access log has the requests');
    assert.match(gatewayLog, /POST \/v1\/embeddings/);
    assert.ok(!gatewayLog.includes(keySecret), 'the access log contains the secret part of the gateway key');
    assert.ok(!gatewayLog.includes(upstreamKey), 'the access log contains the upstream credential');
    assert.ok(!gatewayOut.includes(keySecret) && !gatewayOut.includes(upstreamKey), 'stdout leaks a secret');
  });
});
