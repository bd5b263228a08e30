import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { type Router } from 'express';

/**
 * The dashboard's static files: `graphql/dashboard/` beside this module when run from source,
 * or the package's `graphql/dashboard/` when run from `dist/graphql/` (tsc copies no assets).
 */
function dashboardDirectory(): string | undefined {
  const here = dirname(fileURLToPath(import.meta.url));
  return [join(here, 'dashboard'), join(here, '..', '..', 'graphql', 'dashboard')].find((dir) => existsSync(join(dir, 'index.html')));
}

/**
 * The browser build of the graphql-ws client: `dist/client.js` of the installed package (an ES
 * module) and the chunks it imports, so the dashboard needs no CDN and no build step. Only those
 * files are served from the package.
 */
function graphqlWsClientFiles(): Map<string, string> {
  // The CommonJS entry sits beside the ES module one; require.resolve finds the package's dist/.
  const dist = dirname(createRequire(import.meta.url).resolve('graphql-ws/client'));
  const files = new Map<string, string>();
  const add = (name: string): void => {
    if (files.has(name)) return;
    const path = join(dist, name);
    files.set(name, path);
    for (const [, imported] of readFileSync(path, 'utf8').matchAll(/from\s*['"]\.\/([\w.-]+\.js)['"]/g)) add(imported!);
  };
  add('client.js');
  return files;
}

/**
 * Serves the dashboard (DESIGN §5, issue 8) on a query server: `/` is the page, `/dashboard/*`
 * its scripts and styles, `/dashboard/vendor/graphql-ws/*` the graphql-ws browser client. The
 * page itself talks to `/graphql` and `/metrics` of the same server, so it needs nothing else.
 * Missing files (a broken install) make `/` answer 404 with the reason; the API is unaffected.
 */
export function dashboardRouter(): Router {
  const router = express.Router();
  const directory = dashboardDirectory();
  if (directory === undefined) {
    router.get('/', (_req, res) => {
      res.status(404).type('text/plain').send('The dashboard files (graphql/dashboard/) are not installed; the GraphQL API is at /graphql.\n');
    });
    return router;
  }
  const vendor = graphqlWsClientFiles();
  const noCache = { 'cache-control': 'no-cache' };
  router.get('/', (_req, res) => {
    res.set(noCache).sendFile(join(directory, 'index.html'));
  });
  router.get('/dashboard/vendor/graphql-ws/:file', (req, res, next) => {
    const path = vendor.get(req.params.file);
    if (path === undefined) return next();
    res.set({ 'cache-control': 'public, max-age=3600' }).type('application/javascript').sendFile(path);
  });
  router.use('/dashboard', express.static(directory, { index: false, dotfiles: 'ignore', setHeaders: (res) => res.set(noCache) }));
  return router;
}
