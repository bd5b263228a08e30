import { StreamsException } from '../errors.js';

/**
 * Cursors are opaque to clients: base64url of the entry's key bytes (and, for windows, the
 * window start), so pages continue in the byte order the stores scan in.
 */
export function keyCursor(keyBytes: Buffer, startMs?: number): string {
  const text = startMs === undefined ? keyBytes.toString('hex') : `${keyBytes.toString('hex')}.${startMs}`;
  return Buffer.from(text, 'latin1').toString('base64url');
}

/** The key bytes (and window start) of a cursor. @throws StreamsException `BAD_KEY` for a cursor we did not write */
export function parseCursor(cursor: string): { keyBytes: Buffer; startMs: number | undefined } {
  const text = Buffer.from(cursor, 'base64url').toString('latin1');
  const match = /^((?:[0-9a-f]{2})*)(?:\.(\d+))?$/.exec(text);
  if (match === null) throw new StreamsException(`Invalid cursor: ${JSON.stringify(cursor)}`, 'BAD_KEY');
  return { keyBytes: Buffer.from(match[1]!, 'hex'), startMs: match[2] === undefined ? undefined : Number(match[2]) };
}
