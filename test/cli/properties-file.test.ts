import { describe, expect, it } from 'vitest';
import { parseProperties, PropertiesSyntaxError } from '../../src/cli/properties-file.js';

const parse = (text: string): Record<string, string> => Object.fromEntries(parseProperties(text));

describe('parseProperties (java.util.Properties.load subset)', () => {
  it('reads key=value lines and skips # and ! comments and blank lines', () => {
    expect(parse([
      '# Kafka Streams config',
      'application.id=orders-app',
      '',
      '   ! another comment style',
      'bootstrap.servers=localhost:9092',
    ].join('\n'))).toEqual({ 'application.id': 'orders-app', 'bootstrap.servers': 'localhost:9092' });
  });

  it('accepts ":" and whitespace as separators, with whitespace around them dropped before the value', () => {
    expect(parse('a: 1\nb    2\nc = 3\nd\t=\t4\n  e=5')).toEqual({ a: '1', b: '2', c: '3', d: '4', e: '5' });
  });

  it('keeps everything after the first separator, including later = and : characters', () => {
    expect(parse('application.server=host:4001\nquery=a=b')).toEqual({ 'application.server': 'host:4001', query: 'a=b' });
  });

  it('keeps trailing whitespace of a value, as Java does, and an empty value', () => {
    expect(parse('a=x  \nb=\nc')).toEqual({ a: 'x  ', b: '', c: '' });
  });

  it('joins continuation lines, dropping the next line\'s leading whitespace', () => {
    expect(parse('bootstrap.servers=a:9092,\\\n    b:9092,\\\n    c:9092\nnext=1')).toEqual({ 'bootstrap.servers': 'a:9092,b:9092,c:9092', next: '1' });
  });

  it('does not treat an escaped backslash at the end of a line as a continuation', () => {
    expect(parse('dir=C:\\\\state\\\\\nnext=1')).toEqual({ dir: 'C:\\state\\', next: '1' });
  });

  it('unescapes \\t \\n \\uXXXX and escaped separators in keys', () => {
    expect(parse('my\\=key=tab\\there\nu=\\u00e9t\\u00E9\nsp\\ ace=1\nnl=a\\nb')).toEqual({ 'my=key': 'tab\there', u: 'été', 'sp ace': '1', nl: 'a\nb' });
  });

  it('handles CRLF line endings', () => {
    expect(parse('a=1\r\nb=2\r\n')).toEqual({ a: '1', b: '2' });
  });

  it('keeps the last value of a key given twice', () => {
    expect(parse('a=1\na=2')).toEqual({ a: '2' });
  });

  it('rejects a malformed \\u escape with its line number', () => {
    expect(() => parseProperties('ok=1\nbad=\\u12G4')).toThrow(PropertiesSyntaxError);
    expect(() => parseProperties('ok=1\nbad=\\u12G4')).toThrow(/^line 2: malformed \\uXXXX escape/);
  });
});
