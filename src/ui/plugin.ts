import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyPluginAsync } from 'fastify';

/** The page's files: `ui/` at the top of the repo, found from src/ui/ (tsx) and from dist/ui/ alike. */
export const UI_MAP = fileURLToPath(new URL('../../ui/', import.meta.url));
export const UI_PAD = '/testcentrum/';

/**
 * The BOOM TESTCENTRUM screen: static ES modules and CSS, no build step, no server-side data of its
 * own. Everything it shows comes from /v1/beheer with the operator's token, so there is one way into
 * the data. Registered outside the /v1 scopes: the files are open, the data is not.
 */
export const uiPlugin: FastifyPluginAsync = async (app) => {
  await app.register(fastifyStatic, {
    root: UI_MAP,
    prefix: UI_PAD,
    // One route per file found at start, instead of a wildcard that would answer every path under it.
    wildcard: false,
    index: ['index.html'],
    // No build step means no hashed file names: the browser revalidates (ETag) instead of caching blindly.
    cacheControl: true,
    maxAge: 0,
  });
  app.get('/', { schema: { hide: true } }, async (_request, reply) => reply.redirect(UI_PAD));
};
