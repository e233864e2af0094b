// A fake Google Gemini API (v1beta) for the npm client test: models/{model}:generateContent,
// :streamGenerateContent?alt=sse and :batchEmbedContents.
//
// It checks requests the way generativelanguage.googleapis.com does and answers in its wire format:
//  * no `x-goog-api-key` (nor ?key=) -> 403 PERMISSION_DENIED; a wrong key -> 400 INVALID_ARGUMENT with an
//    ErrorInfo detail (reason API_KEY_INVALID); an unknown model -> 404 NOT_FOUND.
//  * 400 INVALID_ARGUMENT for unknown fields at any level ("Invalid JSON payload received. Unknown name ..."),
//    a role other than user/model, a part without data, a functionResponse without name or whose response
//    is not an object, function responses that do not answer the previous turn's calls one for one,
//    a Gemini 3 function call without the thought signature this fake issued, penalties, and batches of
//    more than 100 embeddings or with a model that is not the URL's. Errors are
//    {"error":{"code","message","status"[,"details"]}}, pretty-printed, `application/json; charset=UTF-8`.
//  * Whole answers pretty-printed (2 spaces). Streams (alt=sse) as `data: <json>\r\n\r\n`, each chunk a whole
//    GenerateContentResponse written Google's way ({"key": value,"next": ...}), usageMetadata repeated and
//    cumulative, function calls whole in one chunk, the last chunk with finishReason STOP; no [DONE].
//
// What it answers depends on the request (see answerParts). The texts, ids and numbers are made up.

import crypto from 'node:crypto';

import { startRecordingServer, writeEvents, imageInfo } from './fake-server.mjs';

export const REPLY_PIECES = ['Hello', ' from', ' the', ' fake', ' Gemini', '.'];
export const REPLY = REPLY_PIECES.join('');
export const TOOL_ARGUMENTS = Object.freeze({
  get_weather: { city: 'Paris', unit: 'celsius' },
  get_time: { timezone: 'Asia/Tokyo' },
});
export const KNOWN_MODELS = ['gemini-2.5-flash', 'gemini-3-pro-preview', 'gemini-embedding-001'];
// Prompt tokens include the cached ones; completion tokens are candidates + thoughts.
export const USAGE = Object.freeze({ promptTokenCount: 40, cachedContentTokenCount: 12, thoughtsTokenCount: 5 });
export const EMBEDDING_DIMENSIONS = 3072;

// Field names of each message type (proto JSON also accepts the snake_case spelling).
const FIELDS = {
  GenerateContentRequest: ['model', 'contents', 'tools', 'toolConfig', 'safetySettings', 'systemInstruction', 'generationConfig', 'cachedContent'],
  Content: ['role', 'parts'],
  Part: ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult', 'thought', 'thoughtSignature', 'videoMetadata', 'partMetadata'],
  Blob: ['mimeType', 'data'],
  FileData: ['mimeType', 'fileUri'],
  FunctionCall: ['id', 'name', 'args'],
  FunctionResponse: ['id', 'name', 'response', 'willContinue', 'scheduling', 'parts'],
  Tool: ['functionDeclarations', 'googleSearch', 'googleSearchRetrieval', 'codeExecution', 'urlContext', 'fileSearch', 'googleMaps'],
  FunctionDeclaration: ['name', 'description', 'behavior', 'parameters', 'parametersJsonSchema', 'response', 'responseJsonSchema'],
  ToolConfig: ['functionCallingConfig', 'retrievalConfig'],
  FunctionCallingConfig: ['mode', 'allowedFunctionNames'],
  GenerationConfig: ['stopSequences', 'responseMimeType', 'responseSchema', 'responseJsonSchema', 'responseModalities', 'candidateCount', 'maxOutputTokens', 'temperature', 'topP', 'topK', 'seed', 'presencePenalty', 'frequencyPenalty', 'responseLogprobs', 'logprobs', 'enableEnhancedCivicAnswers', 'speechConfig', 'thinkingConfig', 'mediaResolution', 'imageConfig'],
  ThinkingConfig: ['includeThoughts', 'thinkingBudget', 'thinkingLevel'],
  BatchEmbedContentsRequest: ['requests'],
  EmbedContentRequest: ['model', 'content', 'taskType', 'title', 'outputDimensionality'],
};
const PART_DATA = ['text', 'inlineData', 'fileData', 'functionCall', 'functionResponse', 'executableCode', 'codeExecutionResult'];

const snake = (name) => name.replace(/[A-Z]/g, (c) => '_' + c.toLowerCase());
const field = (o, name) => o?.[name] ?? o?.[snake(name)];

class GoogleError extends Error {
  constructor(code, status, message, details) {
    super(message);
    this.code = code;
    this.status = status;
    this.details = details;
  }
}
const invalid = (message, details) => new GoogleError(400, 'INVALID_ARGUMENT', message, details);
// Validation failures name the field path the way Google's validator prints them.
const violation = (request, path, text) => invalid(`* ${request}.${path}: ${text}\n`);

function sendError(res, err) {
  const error = { code: err.code, message: err.message, status: err.status };
  if (err.details) error.details = err.details;
  const text = JSON.stringify({ error }, null, 2) + '\n';
  res.writeHead(err.code, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text), vary: 'Origin' });
  res.end(text);
}

// Google's own compact form in streams: `"key": value` pairs joined by "," without spaces.
function googleJson(value) {
  if (Array.isArray(value)) return '[' + value.map(googleJson).join(',') + ']';
  if (value !== null && typeof value === 'object')
    return '{' + Object.entries(value).map(([k, v]) => `${JSON.stringify(k)}: ${googleJson(v)}`).join(',') + '}';
  return JSON.stringify(value);
}

// ---- the checks the real API makes --------------------------------------------------------------

function checkFields(object, type, where) {
  if (object === null || typeof object !== 'object' || Array.isArray(object)) return;
  const allowed = FIELDS[type];
  for (const key of Object.keys(object)) {
    if (allowed.includes(key) || allowed.map(snake).includes(key)) continue;
    const at = where ? ` at '${where}'` : '';
    const message = `Invalid JSON payload received. Unknown name "${key}"${at}: Cannot find field.`;
    throw invalid(message, [
      { '@type': 'type.googleapis.com/google.rpc.BadRequest', fieldViolations: [{ field: where || key, description: message }] },
    ]);
  }
}

function checkContent(content, where, request) {
  checkFields(content, 'Content', where);
  const parts = field(content, 'parts');
  if (!Array.isArray(parts) || parts.length === 0) throw violation(request, `${where}.parts`, 'contents.parts must not be empty.');
  parts.forEach((part, j) => {
    const at = `${where}.parts[${j}]`;
    checkFields(part, 'Part', at);
    const data = PART_DATA.filter((k) => field(part, k) !== undefined);
    if (data.length !== 1) throw violation(request, `${at}.data`, "required oneof field 'data' must have one initialized field");
    const blob = field(part, 'inlineData');
    if (blob) {
      checkFields(blob, 'Blob', `${at}.inline_data`);
      if (!field(blob, 'mimeType')) throw violation(request, `${at}.inline_data.mime_type`, 'mime_type is required.');
      if (!/^[A-Za-z0-9+/]+={0,2}$/.test(field(blob, 'data') ?? ''))
        throw invalid(`Invalid value at '${at}.inline_data.data' (TYPE_BYTES), Base64 decoding failed`);
    }
    if (field(part, 'fileData')) checkFields(field(part, 'fileData'), 'FileData', `${at}.file_data`);
    const call = field(part, 'functionCall');
    if (call) {
      checkFields(call, 'FunctionCall', `${at}.function_call`);
      if (!call.name) throw violation(request, `${at}.function_call.name`, 'Name cannot be empty.');
    }
    const response = field(part, 'functionResponse');
    if (response) {
      checkFields(response, 'FunctionResponse', `${at}.function_response`);
      if (!response.name) throw violation(request, `${at}.function_response.name`, 'Name cannot be empty.');
      const value = response.response;
      if (value === null || typeof value !== 'object' || Array.isArray(value))
        throw invalid(`Invalid value at '${at}.function_response.response' (type.googleapis.com/google.protobuf.Struct), ${JSON.stringify(value)}`);
    }
  });
}

function checkGenerate(body, model, issuedSignatures) {
  const request = 'GenerateContentRequest';
  if (body === undefined || typeof body !== 'object' || Array.isArray(body))
    throw invalid('Invalid JSON payload received. Expected an object.');
  checkFields(body, request, '');
  const contents = field(body, 'contents');
  if (!Array.isArray(contents) || contents.length === 0) throw violation(request, 'contents', 'contents is not specified');
  contents.forEach((c, i) => {
    const role = c.role ?? 'user';
    if (role !== 'user' && role !== 'model') throw invalid('Please use a valid role: user, model.');
    checkContent(c, `contents[${i}]`, request);
  });
  const system = field(body, 'systemInstruction');
  if (system) checkContent(system, 'system_instruction', request);
  (field(body, 'tools') ?? []).forEach((tool, i) => {
    checkFields(tool, 'Tool', `tools[${i}]`);
    (field(tool, 'functionDeclarations') ?? []).forEach((d, j) => {
      const at = `tools[${i}].function_declarations[${j}]`;
      checkFields(d, 'FunctionDeclaration', at);
      if (!/^[A-Za-z_][A-Za-z0-9_.:-]{0,63}$/.test(d.name ?? '')) throw violation(request, `${at}.name`, 'Invalid function name.');
      if (field(d, 'parameters') && field(d, 'parametersJsonSchema'))
        throw violation(request, at, 'parameters and parameters_json_schema cannot both be set.');
    });
  });
  const toolConfig = field(body, 'toolConfig');
  if (toolConfig) {
    checkFields(toolConfig, 'ToolConfig', 'tool_config');
    const calling = field(toolConfig, 'functionCallingConfig');
    checkFields(calling, 'FunctionCallingConfig', 'tool_config.function_calling_config');
    if (field(calling, 'allowedFunctionNames') && calling.mode !== 'ANY')
      throw violation(request, 'tool_config.function_calling_config.allowed_function_names', 'allowed_function_names is only allowed when mode is ANY.');
  }
  const config = field(body, 'generationConfig');
  if (config) {
    checkFields(config, 'GenerationConfig', 'generation_config');
    checkFields(field(config, 'thinkingConfig'), 'ThinkingConfig', 'generation_config.thinking_config');
    if (field(config, 'presencePenalty') !== undefined || field(config, 'frequencyPenalty') !== undefined)
      throw invalid(`Penalty is not enabled for models/${model}`);
  }
  checkFunctionTurns(contents, model, issuedSignatures);
}

// A user turn of function responses answers the model turn before it, call for call; Gemini 3
// wants each turn's first call to carry the signature it was given.
function checkFunctionTurns(contents, model, issuedSignatures) {
  contents.forEach((c, i) => {
    const calls = c.parts.filter((p) => field(p, 'functionCall'));
    if (c.role === 'model' && calls.length > 0 && model.startsWith('gemini-3')) {
      const signature = field(calls[0], 'thoughtSignature');
      if (!signature)
        throw invalid(`Function call is missing a thought_signature in functionCall parts. Additional data, function call \`default_api:${field(calls[0], 'functionCall').name}\` , position ${i + 1}.`);
      // Google documents this placeholder for history it did not write; anything else must be its own.
      if (signature !== 'skip_thought_signature_validator' && !issuedSignatures.has(signature))
        throw invalid('Corrupted thought signature.');
    }
    const responses = c.parts.filter((p) => field(p, 'functionResponse'));
    if (responses.length === 0) return;
    const previous = contents[i - 1];
    const asked = (previous?.role === 'model' ? previous.parts : []).filter((p) => field(p, 'functionCall'));
    if (asked.length !== responses.length)
      throw invalid('Please ensure that the number of function response parts is equal to the number of function call parts of the function call turn.');
    responses.forEach((r, j) => {
      const name = field(r, 'functionResponse').name;
      if (!asked.some((a) => field(a, 'functionCall').name === name))
        throw violation('GenerateContentRequest', `contents[${i}].parts[${j}].function_response.name`, `no function call named '${name}' in the previous turn.`);
    });
  });
}

function checkEmbed(body, model) {
  const request = 'BatchEmbedContentsRequest';
  if (body === undefined || typeof body !== 'object' || Array.isArray(body))
    throw invalid('Invalid JSON payload received. Expected an object.');
  checkFields(body, request, '');
  const requests = body.requests;
  if (!Array.isArray(requests) || requests.length === 0) throw violation(request, 'requests', 'requests is not specified');
  if (requests.length > 100) throw violation(request, 'requests', 'at most 100 requests can be in one batch');
  requests.forEach((r, i) => {
    checkFields(r, 'EmbedContentRequest', `requests[${i}]`);
    if (r.model !== `models/${model}`)
      throw violation(request, `requests[${i}].model`, `the model must be models/${model}, the model of the batch.`);
    checkContent(r.content, `requests[${i}].content`, request);
  });
}

// ---- answers ----------------------------------------------------------------------------------------

function answerParts(body, model, issuedSignatures) {
  const last = body.contents.at(-1);
  const responses = last.parts.map((p) => field(p, 'functionResponse')).filter(Boolean);
  if (responses.length > 0) {
    return { parts: [{ text: responses.map((r) => `${r.name} says ${JSON.stringify(r.response)}`).join('; ') }] };
  }
  const declarations = (field(body, 'tools') ?? []).flatMap((t) => field(t, 'functionDeclarations') ?? []);
  const calling = field(field(body, 'toolConfig'), 'functionCallingConfig');
  if (declarations.length > 0 && calling?.mode !== 'NONE') {
    const allowed = field(calling, 'allowedFunctionNames');
    const chosen = allowed ? declarations.filter((d) => allowed.includes(d.name)) : declarations;
    const parts = chosen.map((d) => ({ functionCall: { name: d.name, args: TOOL_ARGUMENTS[d.name] ?? {} } }));
    if (model.startsWith('gemini-3') && parts.length > 0) {
      const signature = crypto.randomBytes(48).toString('base64');
      issuedSignatures.add(signature);
      parts[0].thoughtSignature = signature;
    }
    return { parts, calls: true };
  }
  const blob = last.parts.map((p) => field(p, 'inlineData')).find(Boolean);
  if (blob) {
    const info = imageInfo(blob.data);
    return { parts: [{ text: info ? `I see a ${info.width}x${info.height} ${blob.mimeType} image.` : 'I cannot read this image.' }] };
  }
  return { parts: REPLY_PIECES.map((text) => ({ text })) };
}

function usageMetadata(candidates, final) {
  const u = {
    promptTokenCount: USAGE.promptTokenCount,
    candidatesTokenCount: candidates,
    totalTokenCount: USAGE.promptTokenCount + candidates + (final ? USAGE.thoughtsTokenCount : 0),
    cachedContentTokenCount: USAGE.cachedContentTokenCount,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: USAGE.promptTokenCount }],
  };
  if (final) u.thoughtsTokenCount = USAGE.thoughtsTokenCount;
  return u;
}

function wholeResponse(answer, model) {
  const text = answer.parts.filter((p) => p.text !== undefined).map((p) => p.text).join('');
  const parts = answer.calls ? answer.parts : [{ text }];
  return {
    candidates: [{ content: { parts, role: 'model' }, finishReason: 'STOP', index: 0 }],
    usageMetadata: usageMetadata(answer.parts.length, true),
    modelVersion: model,
    responseId: crypto.randomBytes(12).toString('base64url'),
  };
}

function streamEvents(answer, model) {
  const responseId = crypto.randomBytes(12).toString('base64url');
  const chunk = (parts, n, finish) => {
    const candidate = { content: { parts, role: 'model' } };
    if (finish) candidate.finishReason = 'STOP';
    candidate.index = 0;
    return 'data: ' + googleJson({ candidates: [candidate], usageMetadata: usageMetadata(n, finish), modelVersion: model, responseId }) + '\r\n\r\n';
  };
  if (answer.calls) return [chunk(answer.parts, answer.parts.length, false), chunk([{ text: '' }], answer.parts.length, true)];
  return answer.parts.map((p, i) => chunk([p], i + 1, i === answer.parts.length - 1));
}

// The fake's embedding of `text`: deterministic, float32 values printed in their shortest form.
export function expectedGeminiEmbedding(text, dimensions = EMBEDDING_DIMENSIONS) {
  const seed = crypto.createHash('sha256').update(text).digest();
  const out = [];
  for (let i = 0; i < dimensions; ++i) {
    const v = Math.fround(((seed[i % 32] ^ (i * 53 & 0xff)) - 127.5) / 2048);
    out.push(shortestFloat32(v));
  }
  return out;
}

function shortestFloat32(v) {
  for (let p = 1; p <= 9; ++p) {
    const s = Number(v.toPrecision(p));
    if (Math.fround(s) === v) return s;
  }
  return v;
}

export const embeddingTokens = (texts) => texts.reduce((n, t) => n + t.split(/\s+/).filter(Boolean).length, 0);

/**
 * Starts the fake; `apiKey` is the only key it accepts. Returns { baseUrl, requests, close() }; a request
 * record also gets `answer` (the parts sent) or `rejected` (the error message).
 */
export async function startFakeGemini({ apiKey }) {
  const issuedSignatures = new Set();
  const server = await startRecordingServer(
    async (req, res, record) => {
      const m = /^\/v1beta\/models\/([^/:]+):(generateContent|streamGenerateContent|batchEmbedContents)$/.exec(record.path);
      try {
        const key = req.headers['x-goog-api-key'] ?? record.query.get('key');
        if (!key)
          throw new GoogleError(403, 'PERMISSION_DENIED', "Method doesn't allow unregistered callers (callers without established identity). Please use API Key or other form of API consumer identity to call this API.");
        if (key !== apiKey)
          throw invalid('API key not valid. Please pass a valid API key.', [
            { '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID', domain: 'googleapis.com', metadata: { service: 'generativelanguage.googleapis.com' } },
          ]);
        if (req.method !== 'POST' || !m) throw new GoogleError(404, 'NOT_FOUND', `Method not found: ${req.method} ${record.path}`);
        if (!KNOWN_MODELS.includes(m[1]))
          throw new GoogleError(404, 'NOT_FOUND', `models/${m[1]} is not found for API version v1beta, or is not supported for ${m[2]}. Call ModelService.ListModels to see the list of available models and their supported methods.`);
        if (m[2] === 'batchEmbedContents') checkEmbed(record.body, m[1]);
        else checkGenerate(record.body, m[1], issuedSignatures);
      } catch (err) {
        if (!(err instanceof GoogleError)) throw err;
        record.rejected = err.message;
        sendError(res, err);
        return;
      }
      const [, model, method] = m;
      if (method === 'batchEmbedContents') {
        const texts = record.body.requests.map((r) => r.content.parts.map((p) => p.text ?? '').join(''));
        const value = {
          embeddings: record.body.requests.map((r, i) => ({ values: expectedGeminiEmbedding(texts[i], r.outputDimensionality ?? EMBEDDING_DIMENSIONS) })),
          usageMetadata: { promptTokenCount: embeddingTokens(texts), promptTokenDetails: [{ modality: 'TEXT', tokenCount: embeddingTokens(texts) }] },
        };
        const text = JSON.stringify(value, null, 2) + '\n';
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      const answer = answerParts(record.body, model, issuedSignatures);
      record.answer = answer;
      if (method === 'generateContent') {
        const text = JSON.stringify(wholeResponse(answer, model), null, 2) + '\n';
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8', 'content-length': Buffer.byteLength(text) });
        res.end(text);
        return;
      }
      if (record.query.get('alt') !== 'sse') {
        // Without alt=sse Google streams one JSON array of responses.
        const text = '[' + streamEvents(answer, model).map((e) => e.slice(6, -4)).join(',\r\n') + ']';
        res.writeHead(200, { 'content-type': 'application/json; charset=UTF-8' });
        res.end(text);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/event-stream', 'content-disposition': 'attachment', vary: 'Origin' });
      res.flushHeaders();
      await writeEvents(res, streamEvents(answer, model), 1);
    },
    (res, err) => sendError(res, new GoogleError(500, 'INTERNAL', String(err))),
  );
  return { ...server, baseUrl: `http://127.0.0.1:${server.port}/v1beta` };
}
