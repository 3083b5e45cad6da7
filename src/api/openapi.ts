import { z } from 'zod';
import { OPERATION_ACCESS } from '../domain/roles.js';
import { uploadPostParam, uploadPostReturn } from '../domain/schemas/upload.schema.js';
import { DELIVERY_EXAMPLES, OPERATION_EXAMPLES, UPLOAD_PARAMS_EXAMPLE } from './openapi-examples.js';
import { OPENAPI_TAGS, OPERATION_TAGS } from './operation-tags.js';
import { OPERATIONS, type JsonOperation } from './operations.js';
import { wsdlFileNames } from './soap/soap-wsdl.js';

const faultSchema = {
  type: 'object',
  required: ['fault', 'code', 'reason'],
  properties: {
    fault: { type: 'string', enum: ['authenticationFault', 'authorizationFault', 'ipsApiFault'] },
    code: { type: 'integer', description: 'IPS fault code (10000…30003)' },
    reason: { type: 'string', description: 'names the field, what was expected and what was received' },
    field: { type: 'string' },
  },
};

const jsonSchema = (schema: z.ZodType, io: 'input' | 'output') => {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { io, unrepresentable: 'any' }) as Record<string, unknown>;
  return rest;
};

const faultResponses = {
  '400': {
    description: 'ipsApiFault 30001/30002/30003 (invalid, missing parameter, bad request)',
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } },
  },
  '401': { description: 'authenticationFault', content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } } },
  '403': { description: 'authorizationFault', content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } } },
  '404': { description: 'unknown handle', content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } } },
  '409': { description: 'conflict (name in use)', content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } } },
  '413': { description: 'body larger than the limit', content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } } },
  '429': {
    description:
      'authenticationFault 10001: too many failed logins for the e-mail or client address (AUTH_MAX_FAILURES); Retry-After gives the seconds to wait',
    headers: { 'Retry-After': { schema: { type: 'integer' } } },
    content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } },
  },
};

/** OpenAPI 3.1 document generated from the schemas that validate requests. */
export function buildOpenApiDocument(version: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const [key, op] of Object.entries(OPERATIONS)) {
    const name = key as JsonOperation;
    const roles = OPERATION_ACCESS[name].roles.join(', ');
    paths[`/api/${name}`] = {
      post: {
        operationId: name,
        tags: [OPERATION_TAGS[name]],
        summary: op.summary,
        description: `IPS operation \`${name}\`. Roles: ${roles}.`,
        security: [{ basic: [] }],
        requestBody: {
          required: true,
          content: { 'application/json': { schema: jsonSchema(op.param, 'input'), example: OPERATION_EXAMPLES[name] } },
        },
        responses: { '200': { description: `${name}Return`, content: { 'application/json': { schema: jsonSchema(op.return, 'output') } } }, ...faultResponses },
      },
    };
  }
  paths['/scene7/UploadFile'] = {
    post: {
      operationId: 'uploadFile',
      tags: ['uploads'],
      summary: 'IPS UploadFile servlet: multipart post of files into an upload job.',
      description: `Parts, in order: optional \`auth\` (JSON {user, password}) when no Basic header is sent; \`uploadParams\` (JSON uploadPostParam); then file parts. Either document part may instead be IPS's XML (\`auth\` an authHeader, \`uploadParams\` an uploadPostParam, in an IPS namespace; recognised by content, whatever the part's content type): the reply is then XML as IPS's servlet sends it, a bare uploadPostReturn in the request's namespace or the bare fault element with HTTP status authHeader/faultHttpStatusCode, else 500. Roles: ${OPERATION_ACCESS.uploadFile.roles.join(', ')}.`,
      security: [{ basic: [] }],
      requestBody: {
        required: true,
        content: {
          'multipart/form-data': {
            schema: {
              type: 'object',
              required: ['uploadParams'],
              properties: {
                auth: { type: 'string', description: 'JSON {"user": email, "password": …}' },
                uploadParams: {
                  type: 'string',
                  description: 'JSON uploadPostParam',
                  contentMediaType: 'application/json',
                  contentSchema: jsonSchema(uploadPostParam, 'input'),
                },
                file: { type: 'array', items: { type: 'string', format: 'binary' } },
              },
            },
            example: { uploadParams: JSON.stringify(UPLOAD_PARAMS_EXAMPLE) },
          },
        },
      },
      responses: {
        '200': { description: 'uploadPostReturn', content: { 'application/json': { schema: jsonSchema(uploadPostReturn, 'output') } } },
        ...faultResponses,
      },
    },
  };
  Object.assign(paths, deliveryPaths());
  return {
    openapi: '3.1.0',
    info: { title: 'IPS job service', version, description: infoDescription() },
    tags: OPENAPI_TAGS.map((tag) => ({ ...tag })),
    components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } }, schemas: { Fault: faultSchema } },
    security: [{ basic: [] }],
    paths,
  };
}

/** The page's header: the other ways in (SOAP with its WSDLs, the CLI). Links are server-relative, so they follow the host serving the page. */
function infoDescription(): string {
  const wsdls = wsdlFileNames()
    .map((file) => `[${file}](/scene7/webservice/${file})`)
    .join(', ');
  return [
    'Scene7 / Dynamic Media Classic IPS operations as JSON over HTTP (IPS names), grouped by tag; each operation shows an example request.',
    `The same operations are served as IPS SOAP at \`/scene7/services/IpsApiService\`. WSDLs: ${wsdls} (the first is the latest version).`,
    'Web console: [/console](/console) (sign in with the same IPS credentials; jobs, job logs, assets, uploads, submit forms).',
    "Command line: the package's `ips` CLI (docs/cli.md in the repository).",
  ].join('\n\n');
}

const textError = (description: string) => ({ description, content: { 'text/plain': { schema: { type: 'string' } } } });
const pathParam = (name: string, description: string, example: string) => ({
  name,
  in: 'path',
  required: true,
  description,
  schema: { type: 'string' },
  example,
});
const rootIdParam = pathParam('rootId', "the company's root folder name", DELIVERY_EXAMPLES.rootId);
const publicCache = { ETag: { schema: { type: 'string' } }, 'Cache-Control': { schema: { type: 'string' } } };

/** The public delivery URLs (no credentials: what a company publishes is public; an export token is its own credential). */
function deliveryPaths(): Record<string, unknown> {
  return {
    '/is/image/{rootId}/{name}': {
      get: {
        operationId: 'isImage',
        tags: ['delivery'],
        summary: 'Image Serving of a published image.',
        description: `The query string is IS commands and \`$preset$\` macros, read raw (split at \`&\`, each value decoded by IS itself; docs/image-serving.md), e.g. \`/is/image/${DELIVERY_EXAMPLES.rootId}/${DELIVERY_EXAMPLES.imageName}?${DELIVERY_EXAMPLES.imageQuery}\`; \`req=exists\` and \`req=props\` answer text.`,
        security: [],
        parameters: [rootIdParam, pathParam('name', "the published image's name", DELIVERY_EXAMPLES.imageName)],
        responses: {
          '200': {
            description: 'the rendered image (or the text of `req=exists` / `req=props`)',
            headers: publicCache,
            content: { 'image/*': {}, 'text/plain': {} },
          },
          '304': { description: 'If-None-Match matched the ETag' },
          '400': textError('an IS command that cannot be parsed or served'),
          '403': textError('the request exceeds a rendering limit'),
          '404': textError('no published image by that name'),
        },
      },
    },
    '/is/content/{rootId}/{name}': {
      get: {
        operationId: 'isContent',
        tags: ['delivery'],
        summary: "Delivery of a published video (Range requests answered with 206); `video-sitemap.xml` is the company's video sitemap (docs/video.md).",
        security: [],
        parameters: [rootIdParam, pathParam('name', "the published video's name, or video-sitemap.xml", DELIVERY_EXAMPLES.videoName)],
        responses: {
          '200': { description: 'the whole file', headers: publicCache, content: { 'video/*': {}, 'application/xml': {} } },
          '206': { description: 'the byte range asked for', headers: { 'Content-Range': { schema: { type: 'string' } } }, content: { 'video/*': {} } },
          '304': { description: 'If-None-Match matched the ETag' },
          '404': textError('nothing published by that name'),
          '416': textError('a Range outside the file'),
        },
      },
    },
    '/export/{token}': {
      get: {
        operationId: 'exportDownload',
        tags: ['delivery'],
        summary: "An export job's ZIP archive behind the signed, expiring URL its job log gives (docs/jobs/export.md).",
        security: [],
        parameters: [pathParam('token', 'the signed token: company, job and expiry with their HMAC', DELIVERY_EXAMPLES.exportToken)],
        responses: {
          '200': { description: 'the archive', content: { 'application/zip': { schema: { type: 'string', format: 'binary' } } } },
          '403': { description: 'a forged or altered token', content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } } },
          '410': {
            description: 'the token expired or the archive is gone',
            content: { 'application/json': { schema: { $ref: '#/components/schemas/Fault' } } },
          },
        },
      },
    },
  };
}
