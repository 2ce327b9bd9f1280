import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';

export const beheerRoutes: FastifyPluginAsyncZod<{ operatorToken: string }> = async () => {};
