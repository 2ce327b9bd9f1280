import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import fp from 'fastify-plugin';
import { createJsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';

/** The OpenAPI 3.1 document, generated from the same zod schemas that validate, and a browsable UI. */
export const docsPlugin = fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        // Relative: the document describes the instance that serves it, behind whatever host name.
        servers: [{ url: '/', description: 'Deze dienst' }],
        info: {
          title: 'boom-koppeling',
          description:
            'De koppeling tussen Boom testcentrum en SchoolKr8: Boom levert toetsresultaten aan, operators richten ' +
            'scholen in en lossen foutmeldingen op. Fouten zijn application/problem+json met een stabiele `code`.',
          version: '1.0.0',
        },
        components: {
          securitySchemes: {
            autorisatiesleutel: {
              type: 'http',
              scheme: 'bearer',
              description: 'De sleutel van één school (Boom)',
            },
            operatortoken: {
              type: 'http',
              scheme: 'bearer',
              description: 'Het token van SchoolKr8-operators',
            },
          },
        },
        tags: [
          { name: 'boom', description: 'Wat Boom testcentrum aanroept' },
          { name: 'beheer', description: 'Wat SchoolKr8-operators aanroepen' },
          { name: 'health', description: 'Levend en gereed' },
        ],
      },
      transform: createJsonSchemaTransform({
        skipList: ['/docs', '/docs/', '/docs/json', '/docs/yaml', '/docs/*', '/docs/static/*'],
      }),
      transformObject: jsonSchemaTransformObject,
    });
    await app.register(swaggerUi, {
      routePrefix: '/docs',
      // swagger-ui's bundle sets inline styles: only its own pages (this plugin's routes) allow them; the
      // rest of the strict CSP from app.ts stays (no inline script, nothing from other origins).
      transformStaticCSP: (csp) => csp.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'"),
    });
  },
  { name: 'docs' },
);
