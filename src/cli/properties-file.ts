/**
 * Reads Java `.properties` text, so a Kafka Streams user's existing `streams.properties` works
 * unchanged. The subset of `java.util.Properties.load` that config files use:
 *
 * - `key=value`, `key: value` and `key value` (the first unescaped `=`, `:` or whitespace ends the key);
 * - comment lines starting with `#` or `!` (after optional whitespace), and blank lines;
 * - a line ending in an odd number of backslashes continues on the next line (whose leading
 *   whitespace is dropped);
 * - escapes `\t \n \r \f \\ \= \: \# \! \ ` and `\uXXXX`; any other `\c` is `c`.
 *
 * As in Java, whitespace before the value is dropped and whitespace after it is kept, and a key
 * given twice keeps its last value.
 */

/** A syntax error in a properties file, with its 1-based line number. */
export class PropertiesSyntaxError extends Error {
  constructor(readonly line: number, message: string) {
    super(`line ${line}: ${message}`);
    this.name = 'PropertiesSyntaxError';
  }
}

/** Parses properties text into an ordered map of key → value (strings, unescaped). */
export function parseProperties(text: string): Map<string, string> {
  const result = new Map<string, string>();
  const lines = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < lines.length; i++) {
    const firstLine = i + 1;
    let logical = lines[i]!.replace(/^[ \t\f]+/, '');
    if (logical === '' || logical.startsWith('#') || logical.startsWith('!')) continue;
    while (endsWithContinuation(logical)) {
      logical = logical.slice(0, -1);
      if (i + 1 >= lines.length) break; // Java drops a trailing backslash on the last line
      i++;
      logical += lines[i]!.replace(/^[ \t\f]+/, '');
    }
    const [rawKey, rawValue] = splitKeyValue(logical);
    result.set(unescape(rawKey, firstLine), unescape(rawValue, firstLine));
  }
  return result;
}

function endsWithContinuation(line: string): boolean {
  let backslashes = 0;
  for (let j = line.length - 1; j >= 0 && line[j] === '\\'; j--) backslashes++;
  return backslashes % 2 === 1;
}

/** Splits at the first unescaped separator; the separator and whitespace around it are dropped. */
function splitKeyValue(line: string): [key: string, value: string] {
  let end = 0;
  while (end < line.length) {
    const c = line[end]!;
    if (c === '\\') {
      end += 2;
      continue;
    }
    if (c === '=' || c === ':' || c === ' ' || c === '\t' || c === '\f') break;
    end++;
  }
  const key = line.slice(0, end);
  let rest = line.slice(end).replace(/^[ \t\f]+/, '');
  // Whitespace may be the separator, and may still be followed by one '=' or ':'.
  if (rest.startsWith('=') || rest.startsWith(':')) rest = rest.slice(1).replace(/^[ \t\f]+/, '');
  return [key, rest];
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(text: string, line: number): string {
  if (!text.includes('\\')) return text;
  let out = '';
  for (let j = 0; j < text.length; j++) {
    const c = text[j]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const next = text[++j];
    if (next === undefined) break;
    if (next === 'u') {
      const hex = text.slice(j + 1, j + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError(line, `malformed \\uXXXX escape: '\\u${hex}'`);
      out += String.fromCharCode(parseInt(hex, 16));
      j += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
