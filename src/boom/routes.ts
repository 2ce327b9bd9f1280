import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const boomRoutes: FastifyPluginAsyncZod = async () => {};
