/**
 * Where the CLI writes: results on stdout (so `kstreams describe app.ts > topology.txt` and
 * `kstreams query ... | jq` get only the result), progress and errors on stderr.
 */
export interface CliOutput {
  /** A result line, on stdout. */
  print(line: string): void;
  /** A progress line, on stderr, prefixed `kstreams: `. */
  status(line: string): void;
  /** An error line, on stderr, prefixed `kstreams: error: `. */
  error(line: string): void;
}

/** The process's own stdout and stderr. */
export const processOutput: CliOutput = {
  print: (line) => void process.stdout.write(`${line}\n`),
  status: (line) => void process.stderr.write(`kstreams: ${line}\n`),
  error: (line) => void process.stderr.write(`kstreams: error: ${line}\n`),
};
