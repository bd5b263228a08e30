/**
 * The TypeScript blocks of docs/*.md compile against the public entry point: each ```ts block is
 * a module importing from 'kstreams' (mapped to src/index.ts), type-checked as the project's
 * tsconfig checks code. A block marked ```ts planned shows an API that has not landed, and must
 * *not* compile: once it does, the page's status has to be updated, and this test says so.
 */
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const repo = fileURLToPath(new URL('../../', import.meta.url));

interface Snippet {
  readonly doc: string;
  readonly index: number;
  readonly line: number;
  readonly planned: boolean;
  readonly code: string;
}

async function snippets(): Promise<Snippet[]> {
  const docs = (await readdir(join(repo, 'docs'))).filter((f) => f.endsWith('.md')).sort();
  const found: Snippet[] = [];
  for (const doc of docs) {
    const text = await readFile(join(repo, 'docs', doc), 'utf8');
    const fence = /^```ts( planned)?\n([\s\S]*?)^```$/gm;
    let index = 0;
    for (let m = fence.exec(text); m !== null; m = fence.exec(text)) {
      found.push({ doc, index: index++, line: text.slice(0, m.index).split('\n').length, planned: m[1] !== undefined, code: m[2]! });
    }
  }
  return found;
}

describe('docs/*.md TypeScript blocks', { timeout: 180_000 }, () => {
  let dir: string;
  let all: Snippet[];
  const errors = new Map<Snippet, string[]>();

  beforeAll(async () => {
    all = await snippets();
    dir = await mkdtemp(join(tmpdir(), 'kstreams-doc-snippets-'));
    const files = new Map<string, Snippet>();
    for (const s of all) {
      // .mts: an ES module wherever it lies, so top-level await works as in an ESM project.
      const file = join(dir, `${s.doc.replace(/\W/g, '_')}_${s.index}.mts`);
      await writeFile(file, s.code);
      files.set(file, s);
    }
    const options: ts.CompilerOptions = {
      target: ts.ScriptTarget.ES2022,
      lib: ['lib.es2023.d.ts', 'lib.esnext.disposable.d.ts', 'lib.dom.d.ts'],
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      strict: true,
      noUncheckedIndexedAccess: true,
      skipLibCheck: true,
      noEmit: true,
      types: ['node'],
      typeRoots: [join(repo, 'node_modules/@types')],
      paths: { kstreams: [join(repo, 'src/index.ts')] },
    };
    const program = ts.createProgram([...files.keys()], options);
    for (const [file, snippet] of files) {
      const source = program.getSourceFile(file)!;
      const diagnostics = [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)];
      errors.set(snippet, diagnostics.map((d) => {
        const at = d.start === undefined ? '' : `block line ${source.getLineAndCharacterOfPosition(d.start).line + 1}: `;
        return `${at}${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
      }));
    }
  }, 180_000);

  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds the blocks of concepts.md and cli.md', () => {
    expect(all.filter((s) => s.doc === 'concepts.md' && !s.planned).length).toBeGreaterThanOrEqual(6);
    expect(all.filter((s) => s.doc === 'cli.md').length).toBeGreaterThanOrEqual(1);
  });

  it('every block imports from kstreams; available ones compile, planned ones do not (yet)', () => {
    const problems = all.flatMap((s) => {
      const found = [...(errors.get(s) ?? [])];
      if (!/from 'kstreams'/.test(s.code)) return [`docs/${s.doc}:${s.line}: does not import from kstreams`];
      if (s.planned) return found.length === 0 ? [`docs/${s.doc}:${s.line}: marked 'planned' but compiles now: drop the mark and update the status`] : [];
      return found.map((p) => `docs/${s.doc}:${s.line}: ${p}`);
    });
    expect(problems).toEqual([]);
  });
});
