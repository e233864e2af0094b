// What the node fake upstreams share: an http server on 127.0.0.1:0 that records every request,
// and a writer that lets SSE events cross TCP writes the way a real network splits them.

import http from 'node:http';

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * Starts a server whose `handle(req, res, record)` answers each request once its body is read.
 * `record` is { method, path, query, headers, rawBody, body } (body: parsed JSON or undefined) and is
 * also appended to `requests`. A handler that throws after the head was sent cuts the connection.
 */
export async function startRecordingServer(handle, onCrash) {
  const requests = [];
  const server = http.createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const rawBody = Buffer.concat(chunks).toString('utf8');
      let body;
      try {
        body = rawBody ? JSON.parse(rawBody) : undefined;
      } catch {
        body = undefined;
      }
      const url = new URL(req.url, 'http://127.0.0.1');
      const record = {
        method: req.method,
        path: url.pathname,
        query: url.searchParams,
        headers: { ...req.headers },
        rawBody,
        body,
      };
      requests.push(record);
      Promise.resolve()
        .then(() => handle(req, res, record))
        .catch((err) => {
          if (res.headersSent) res.destroy(err);
          else onCrash(res, err);
        });
    });
  });
  await new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address();
  return {
    port,
    requests,
    close() {
      server.closeAllConnections?.();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/** Writes whole SSE events, one of them split mid-JSON across two writes, with short pauses. */
export async function writeEvents(res, events, splitIndex = 1) {
  for (let i = 0; i < events.length; ++i) {
    if (res.destroyed) return;
    if (i === splitIndex && events[i].length > 8) {
      const cut = Math.floor(events[i].length / 2);
      res.write(events[i].slice(0, cut));
      await sleep(3);
      res.write(events[i].slice(cut));
    } else {
      res.write(events[i]);
    }
    await sleep(1);
  }
  res.end();
}

/** Splits `text` into pieces of at most `size` characters (how providers stream JSON arguments). */
export function pieces(text, size) {
  const out = [];
  for (let i = 0; i < text.length; i += size) out.push(text.slice(i, i + size));
  return out;
}

/** Width, height and media type of a PNG, GIF or JPEG given as base64 (enough for the fakes' vision answers). */
export function imageInfo(base64) {
  const b = Buffer.from(base64, 'base64');
  if (b.length >= 24 && b.readUInt32BE(0) === 0x89504e47) {
    return { mediaType: 'image/png', width: b.readUInt32BE(16), height: b.readUInt32BE(20) };
  }
  if (b.length >= 10 && b.toString('latin1', 0, 3) === 'GIF') {
    return { mediaType: 'image/gif', width: b.readUInt16LE(6), height: b.readUInt16LE(8) };
  }
  return null;
}
