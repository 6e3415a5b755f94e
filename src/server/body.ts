import type { IncomingMessage } from 'node:http';
import { ApiError } from './errors.js';

export type BodyKind = 'json' | 'text';

export interface BodyOptions {
  maxBytes: number;
  /** Media types this route accepts; `text` is text/plain holding JSON (sendBeacon's form). */
  accept: readonly BodyKind[];
}

export interface ReadBody {
  kind: BodyKind;
  /** The parsed JSON value (text/plain bodies are JSON too). */
  value: unknown;
}

// After a refusal, keep discarding what the client still sends, up to this many
// bytes: closing a socket with unread data makes the kernel reset it, and the
// client would lose the 413 answer. Past it the socket is destroyed.
const DRAIN_LIMIT_BYTES = 1024 * 1024;

function mediaType(req: IncomingMessage): BodyKind | null {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/json') return 'json';
  if (type === 'text/plain') return 'text';
  return null;
}

const discarding = new WeakSet<IncomingMessage>();

/**
 * Reads data still arriving after a refusal, or after an answer that did not
 * need the body, without keeping it, and cuts off a client that will not stop.
 * Safe to call twice on one request (the limit counts from the first call).
 */
export function discardRest(req: IncomingMessage): void {
  if (discarding.has(req)) return;
  discarding.add(req);
  let dropped = 0;
  req.removeAllListeners('data');
  req.on('data', (chunk: Buffer) => {
    dropped += chunk.length;
    if (dropped > DRAIN_LIMIT_BYTES) req.socket.destroy();
  });
  req.on('error', () => {});
  req.resume();
}

/**
 * Reads a request body of an accepted media type, at most `maxBytes`, and
 * parses it as JSON. Throws 415, 413 (as soon as the limit is passed, from
 * Content-Length or while streaming: the rest is never buffered) or 400.
 */
export async function readBody(req: IncomingMessage, options: BodyOptions): Promise<ReadBody> {
  const kind = mediaType(req);
  if (kind === null || !options.accept.includes(kind)) {
    const expected = options.accept.map((k) => (k === 'json' ? 'application/json' : 'text/plain')).join(' or ');
    throw new ApiError('unsupported_media_type', `Send the body as ${expected}.`);
  }
  const tooLarge = () =>
    new ApiError('payload_too_large', `The body is larger than ${options.maxBytes} bytes.`);

  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > options.maxBytes) throw tooLarge();

  const text = await new Promise<string>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    const onData = (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > options.maxBytes) {
        done = true;
        chunks.length = 0;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    };
    req.on('data', onData);
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks).toString('utf8'));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });

  if (text.trim() === '') throw new ApiError('bad_request', 'The body is empty; send a JSON object.');
  try {
    return { kind, value: JSON.parse(text) as unknown };
  } catch {
    throw new ApiError('bad_request', 'The body is not valid JSON.');
  }
}
