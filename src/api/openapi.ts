import { z } from 'zod';
import { OPERATION_ACCESS } from '../domain/roles.js';
import { uploadPostParam, uploadPostReturn } from '../domain/schemas/upload.schema.js';
import { OPERATIONS } from './operations.js';

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
  for (const [name, op] of Object.entries(OPERATIONS)) {
    const roles = OPERATION_ACCESS[name as keyof typeof OPERATIONS].roles.join(', ');
    paths[`/api/${name}`] = {
      post: {
        operationId: name,
        summary: op.summary,
        description: `IPS operation \`${name}\`. Roles: ${roles}.`,
        security: [{ basic: [] }],
        requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(op.param, 'input') } } },
        responses: { '200': { description: `${name}Return`, content: { 'application/json': { schema: jsonSchema(op.return, 'output') } } }, ...faultResponses },
      },
    };
  }
  paths['/scene7/UploadFile'] = {
    post: {
      operationId: 'uploadFile',
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
          },
        },
      },
      responses: {
        '200': { description: 'uploadPostReturn', content: { 'application/json': { schema: jsonSchema(uploadPostReturn, 'output') } } },
        ...faultResponses,
      },
    },
  };
  return {
    openapi: '3.1.0',
    info: {
      title: 'IPS job service',
      version,
      description:
        'Scene7 / Dynamic Media Classic IPS operations as JSON over HTTP (IPS names). The same operations are served as IPS SOAP at /scene7/services/IpsApiService (WSDL: /scene7/webservice/IpsApi.wsdl).',
    },
    components: { securitySchemes: { basic: { type: 'http', scheme: 'basic' } }, schemas: { Fault: faultSchema } },
    security: [{ basic: [] }],
    paths,
  };
}
