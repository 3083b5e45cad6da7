import { describe, expect, it } from 'vitest';
import { buildOpenApiDocument } from '../../src/api/openapi.js';
import { OPENAPI_TAGS, OPERATION_TAGS } from '../../src/api/operation-tags.js';
import { OPERATIONS, type JsonOperation } from '../../src/api/operations.js';
import { wsdlFileNames } from '../../src/api/soap/soap-wsdl.js';
import { uploadPostParam } from '../../src/domain/schemas/upload.schema.js';

interface Operation {
  operationId: string;
  tags?: string[];
  security?: unknown[];
  requestBody?: { content: Record<string, { example?: unknown }> };
}
interface Doc {
  info: { description: string };
  tags: Array<{ name: string; description: string }>;
  paths: Record<string, Record<string, Operation>>;
}

const doc = buildOpenApiDocument('test') as unknown as Doc;
const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ path, method, op })));
const byPath = (path: string, method = 'post') => doc.paths[path]?.[method];

describe('OpenAPI page: tags', () => {
  it('lists the tags of issue 18 in its order, each with a description', () => {
    expect(doc.tags.map((t) => t.name)).toEqual(['accounts', 'assets', 'folders', 'presets', 'jobs', 'job logs', 'uploads', 'delivery']);
    for (const tag of doc.tags) expect(tag.description.length, tag.name).toBeGreaterThan(20);
  });

  it('gives every operation of the document exactly one listed tag, and every tag an operation', () => {
    const names = new Set(doc.tags.map((t) => t.name));
    for (const { path, method, op } of operations) {
      expect(op.tags, `${method} ${path}`).toHaveLength(1);
      expect(names.has(op.tags![0]!), `${method} ${path}: ${op.tags![0]}`).toBe(true);
    }
    expect(new Set(operations.map(({ op }) => op.tags![0]))).toEqual(names);
  });

  it('has a tag table entry for every JSON operation and none for anything else', () => {
    expect(Object.keys(OPERATION_TAGS).sort()).toEqual(Object.keys(OPERATIONS).sort());
    const names: readonly string[] = OPENAPI_TAGS.map((t) => t.name);
    for (const [name, tag] of Object.entries(OPERATION_TAGS)) expect(names, name).toContain(tag);
  });

  it('files metadata and projects under assets, the upload servlet under uploads and the public URLs under delivery', () => {
    expect(byPath('/api/setAssetMetadata')?.tags).toEqual(['assets']);
    expect(byPath('/api/createProject')?.tags).toEqual(['assets']);
    expect(byPath('/api/getJobLogDetails')?.tags).toEqual(['job logs']);
    expect(byPath('/scene7/UploadFile')?.tags).toEqual(['uploads']);
    for (const path of ['/is/image/{rootId}/{name}', '/is/content/{rootId}/{name}', '/export/{token}']) {
      expect(byPath(path, 'get')?.tags, path).toEqual(['delivery']);
      // Public: Swagger UI must not send (or ask for) credentials.
      expect(byPath(path, 'get')?.security, path).toEqual([]);
    }
  });
});

describe('OpenAPI page: examples', () => {
  it.each(Object.keys(OPERATIONS) as JsonOperation[])('%s: the example request validates against the operation schema', (name) => {
    const example = byPath(`/api/${name}`)?.requestBody?.content['application/json']?.example;
    expect(example, name).toBeDefined();
    const parsed = OPERATIONS[name].param.safeParse(example);
    expect(parsed.error?.issues ?? [], JSON.stringify(example)).toEqual([]);
  });

  it('uses the handle shapes the server hands out', () => {
    const submit = byPath('/api/submitJob')?.requestBody?.content['application/json']?.example as Record<string, string>;
    expect(submit.companyHandle).toMatch(/^c\|[0-9a-hjkmnp-tv-z]{12}$/);
    const stop = byPath('/api/stopJob')?.requestBody?.content['application/json']?.example as Record<string, string>;
    expect(stop.jobHandle.startsWith(`j|${submit.companyHandle.slice(2)}||${submit.jobName}_`)).toBe(true);
  });

  it("the UploadFile example's uploadParams part validates against uploadPostParam", () => {
    const example = byPath('/scene7/UploadFile')?.requestBody?.content['multipart/form-data']?.example as { uploadParams: string };
    const parsed = uploadPostParam.safeParse(JSON.parse(example.uploadParams));
    expect(parsed.error?.issues ?? []).toEqual([]);
  });
});

describe('OpenAPI page: links', () => {
  it('links every WSDL version and names the CLI', () => {
    for (const file of wsdlFileNames()) expect(doc.info.description).toContain(`](/scene7/webservice/${file})`);
    expect(doc.info.description).toContain('docs/cli.md');
    expect(doc.info.description).toContain('](/console)');
  });
});
