/**
 * A small reader for the block YAML that docker-compose.yml uses (there is no YAML package in
 * the project): nested maps (`key: value`, `key:` + indented block), lists (`- item`) of
 * scalars, single- and double-quoted scalars, and flow lists of quoted strings
 * (`["CMD-SHELL", "..."]`). Anything else (anchors, multi-line scalars, maps inside lists) is
 * rejected with its line number, so the tests never check a misread file.
 */
export type Yaml = string | Yaml[] | { [key: string]: Yaml };

interface Line {
  readonly number: number;
  readonly indent: number;
  readonly text: string;
}

function scalar(raw: string, line: number): Yaml {
  const value = raw.trim();
  if (/^[&*!|>]/.test(value)) throw new Error(`line ${line}: anchors, tags and block scalars are not supported: ${value}`);
  if (value.startsWith('[')) {
    if (!value.endsWith(']')) throw new Error(`line ${line}: unterminated flow list`);
    const inner = value.slice(1, -1).trim();
    if (inner === '') return [];
    const items = inner.match(/"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'/g) ?? [];
    if (items.join(',').replace(/\s/g, '') !== inner.replace(/\s*,\s*/g, ',').replace(/\s/g, '')) {
      throw new Error(`line ${line}: only flow lists of quoted strings are supported: ${value}`);
    }
    return items.map((item) => scalar(item, line));
  }
  if (value.startsWith('{')) throw new Error(`line ${line}: flow maps are not supported: ${value}`);
  if (/^"(?:[^"\\]|\\.)*"$/.test(value)) return JSON.parse(value) as string;
  if (/^'(?:[^']|'')*'$/.test(value)) return value.slice(1, -1).replaceAll("''", "'");
  if (/^["']/.test(value)) throw new Error(`line ${line}: unterminated quoted scalar: ${value}`);
  return value.replace(/\s+#.*$/, '');
}

/** Parses the document into maps, lists and strings (every scalar stays a string). */
export function parseComposeYaml(source: string): Yaml {
  const lines: Line[] = [];
  source.split('\n').forEach((raw, index) => {
    if (/^\s*\t/.test(raw)) throw new Error(`line ${index + 1}: tab in indentation`);
    const trimmed = raw.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    lines.push({ number: index + 1, indent: raw.length - raw.trimStart().length, text: trimmed });
  });
  let at = 0;

  function block(indent: number): Yaml {
    const first = lines[at]!;
    if (first.text.startsWith('- ') || first.text === '-') {
      const list: Yaml[] = [];
      while (lines[at]?.indent === indent && lines[at]!.text.startsWith('- ')) {
        const item = lines[at]!;
        if (/^- [A-Za-z0-9_.-]+:(\s|$)/.test(item.text)) throw new Error(`line ${item.number}: maps inside lists are not supported`);
        list.push(scalar(item.text.slice(2), item.number));
        at++;
      }
      return list;
    }
    const map: { [key: string]: Yaml } = {};
    while (lines[at]?.indent === indent) {
      const line = lines[at]!;
      const match = /^([A-Za-z0-9_.-]+):(?:\s+(.*))?$/.exec(line.text);
      if (match === null) throw new Error(`line ${line.number}: not a 'key: value' line: ${line.text}`);
      const key = match[1]!;
      if (key in map) throw new Error(`line ${line.number}: duplicate key '${key}'`);
      at++;
      if (match[2] !== undefined && match[2] !== '') {
        map[key] = scalar(match[2], line.number);
      } else {
        const next = lines[at];
        if (next === undefined || next.indent <= indent) throw new Error(`line ${line.number}: '${key}:' has no value`);
        map[key] = block(next.indent);
      }
    }
    const stray = lines[at];
    if (stray !== undefined && stray.indent > indent) throw new Error(`line ${stray.number}: unexpected indentation`);
    return map;
  }

  if (lines.length === 0) return {};
  const document = block(0);
  if (at !== lines.length) throw new Error(`line ${lines[at]!.number}: unexpected content`);
  return document;
}

/** The value as a map, or an error naming `what`. */
export function asMap(value: Yaml | undefined, what: string): { [key: string]: Yaml } {
  if (value === undefined || typeof value === 'string' || Array.isArray(value)) throw new Error(`${what} is not a map`);
  return value;
}
