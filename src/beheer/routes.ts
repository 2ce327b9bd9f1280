import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { AppError } from '../errors.js';
import { bearerToken, gelijkeHash, hashSleutel } from '../sleutels.js';
import { aanbiedingenRoutes } from './aanbiedingen-routes.js';
import { catalogusRoutes } from './catalogus-routes.js';
import { foutenRoutes } from './fouten-routes.js';
import { koppelingRoutes } from './koppeling-routes.js';
import { leerlingenRoutes } from './leerlingen-routes.js';
import { normenRoutes } from './normen-routes.js';
import { resultatenRoutes } from './resultaten-routes.js';
import { scholenRoutes } from './scholen-routes.js';
import { wijzigingenRoutes } from './wijzigingen-routes.js';

/**
 * What operators call. The token check is a hook of this plugin scope, so every route registered
 * below is behind it by construction, and nothing outside this scope is.
 */
export const beheerRoutes: FastifyPluginAsyncZod<{ operatorToken: string }> = async (app, opts) => {
  const verwacht = hashSleutel(opts.operatorToken);

  app.addHook('onRequest', async (request) => {
    const token = bearerToken(request.headers.authorization);
    // Both sides are hashed to 32 bytes first, so the comparison takes the same time for any input.
    if (!gelijkeHash(token === undefined ? undefined : hashSleutel(token), verwacht)) {
      throw new AppError('OPERATOR_NIET_GEAUTORISEERD', { headers: { 'www-authenticate': 'Bearer' } });
    }
  });

  await app.register(scholenRoutes);
  await app.register(koppelingRoutes);
  await app.register(leerlingenRoutes);
  await app.register(catalogusRoutes);
  await app.register(normenRoutes);
  await app.register(foutenRoutes);
  await app.register(aanbiedingenRoutes);
  await app.register(resultatenRoutes);
  await app.register(wijzigingenRoutes);
};
