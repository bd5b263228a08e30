/**
 * `npm start`: the seed topologies with generated data (see scripts/demo/run.ts).
 * The demo prints its own summary lines, so the library's JSON logs are kept to warnings
 * unless KSTREAMS_LOG_LEVEL asks for more; it is set before the library is loaded.
 */
process.env['KSTREAMS_LOG_LEVEL'] ??= 'warn';
await import('./demo/run.js');
