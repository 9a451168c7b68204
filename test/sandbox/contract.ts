/**
 * Vendor-contract checks for the sandbox (test infrastructure only; never bundled into the extension).
 *
 * Validates a response (status + JSON body) against the vendor's own API description in `../shared/specs`
 * (relative to the repository root), so the emulators cannot drift from the real APIs.
 *
 * Usage:
 *
 *   import { loadSpec, validateResponse } from './contract';
 *   const spec = loadSpec('ziti');                 // undefined when ../shared/specs is absent
 *   const errors = validateResponse(spec!, 'GET', '/edge/management/v1/sessions/abc', 200, body);
 *   assert.deepStrictEqual(errors, []);
 *
 * - `loadSpec(name)`: 'ziti' → openziti-edge-management.yml (Swagger 2.0, basePath /edge/management/v1),
 *   'pingone' → pingone-management.yaml (OpenAPI 3.0, server path /v1), 'aptible' → aptible.yaml (OpenAPI 3.0).
 *   Loaded with js-yaml (some tools reject the OpenZiti file as-is) and cached per process.
 * - `validateResponse(spec, method, path, status, body)`: `path` is either a template exactly as written in the spec
 *   (`/sessions/{id}`) or a concrete URL path (`/edge/management/v1/sessions/Zk3X9a1Qe`, with or without the base
 *   path, query string ignored). Returns a list of human-readable errors, empty when valid. It is an error when the
 *   operation does not exist, or when the status is not documented for the operation and there is no `default`.
 *   When the documented response has no schema (e.g. a text/binary body), only the status is checked.
 * - Validation is strict JSON Schema (ajv, all errors, formats checked with ajv-formats). Spec dialects are adapted:
 *   Swagger `x-nullable` and OpenAPI `nullable` allow null; `#/definitions/*`, `#/components/schemas/*`,
 *   `#/responses/*`, `#/components/responses/*` refs resolve; OpenAPI `discriminator` + `mapping` selects the branch
 *   by the discriminator property; boolean `exclusiveMinimum/Maximum` (draft-4 style) are converted; Swagger
 *   `type: file` accepts anything; vendor-specific formats that JSON Schema does not know (int64, int32, byte, binary,
 *   password, float, double, url, dateTime) are accepted as-is.
 * - OpenAPI content types: application/json, application/hal+json, any other `*json` type, else the first with a schema.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import Ajv, { ValidateFunction } from 'ajv';
import addFormats from 'ajv-formats';

export type SpecName = 'ziti' | 'pingone' | 'aptible';

export const SPEC_FILES: Record<SpecName, string> = {
  ziti: 'openziti-edge-management.yml',
  pingone: 'pingone-management.yaml',
  aptible: 'aptible.yaml',
};

/* eslint-disable @typescript-eslint/no-explicit-any */
type Json = any;

interface Operation {
  method: string;
  template: string;
  regex: RegExp;
  literalScore: number;
  op: Json;
}

export interface LoadedSpec {
  name: SpecName;
  file: string;
  kind: 'swagger2' | 'openapi3';
  doc: Json;
  /** Path prefixes the spec's paths are relative to, e.g. `/edge/management/v1` or `/v1`. */
  basePaths: string[];
  operations: Operation[];
  ajv: Ajv;
  cache: Map<string, ValidateFunction | null>;
}

/** Repository root: this file is test/sandbox/contract.ts, compiled to out/test/sandbox/contract.js. */
export function repoRoot(): string {
  let dir = __dirname;
  for (let i = 0; i < 6; i++) {
    if (fs.existsSync(path.join(dir, 'package.json')) && fs.existsSync(path.join(dir, 'test', 'sandbox'))) {
      return dir;
    }
    dir = path.dirname(dir);
  }
  return path.resolve(__dirname, '..', '..', '..');
}

/** `<repo>/../shared/specs`, or `SM_SPECS_DIR` when set (the mutation run works in a copy of the repository). */
export function specsDir(): string {
  return process.env.SM_SPECS_DIR ? path.resolve(process.env.SM_SPECS_DIR) : path.resolve(repoRoot(), '..', 'shared', 'specs');
}

/** Whether the person asked to run without the vendor specs (`SM_ALLOW_MISSING_SPECS=1`). */
export function missingSpecsAllowed(): boolean {
  return process.env.SM_ALLOW_MISSING_SPECS === '1';
}

/**
 * The spec a suite or test needs, for a `before` hook or a test: `const spec = requireSpec(this, 'ziti')`.
 * When the spec file is absent the suite FAILS, unless the person asked to run without the specs
 * (`SM_ALLOW_MISSING_SPECS=1`): then the suite or test is recorded as skipped (never silently passed).
 */
export function requireSpec(ctx: Mocha.Context, name: SpecName): LoadedSpec {
  const spec = loadSpec(name);
  if (spec) {
    return spec;
  }
  const file = path.join(specsDir(), SPEC_FILES[name]);
  if (!missingSpecsAllowed()) {
    throw new Error(`${file} is missing: the vendor-contract checks need ../shared/specs. Run with SM_ALLOW_MISSING_SPECS=1 to skip them explicitly.`);
  }
  console.log(`  skipped (SM_ALLOW_MISSING_SPECS=1): ${file} is missing`);
  ctx.skip();
  throw new Error('unreachable: mocha aborts a skipped runnable');
}

const loaded = new Map<SpecName, LoadedSpec | undefined>();

/** Loads and prepares a vendor spec; `undefined` when `../shared/specs` (or the file) is absent. */
export function loadSpec(name: SpecName): LoadedSpec | undefined {
  if (loaded.has(name)) {
    return loaded.get(name);
  }
  const file = path.join(specsDir(), SPEC_FILES[name]);
  if (!fs.existsSync(file)) {
    loaded.set(name, undefined);
    return undefined;
  }
  const doc = yaml.load(fs.readFileSync(file, 'utf8')) as Json;
  const spec = specFromObject(doc, name, file);
  loaded.set(name, spec);
  return spec;
}

/** Prepares an already-parsed Swagger 2.0 / OpenAPI 3.0 document (e.g. a small spec written in a test). */
export function specFromObject(doc: Json, name: SpecName = 'ziti', file = '(inline spec)'): LoadedSpec {
  const kind = doc.swagger ? 'swagger2' : 'openapi3';
  const basePaths: string[] = [];
  if (kind === 'swagger2') {
    if (doc.basePath && doc.basePath !== '/') {
      basePaths.push(String(doc.basePath).replace(/\/+$/, ''));
    }
  } else {
    for (const server of doc.servers ?? []) {
      let url = String(server.url ?? '');
      for (const [k, v] of Object.entries<Json>(server.variables ?? {})) {
        url = url.split(`{${k}}`).join(String(v.default ?? ''));
      }
      const m = /^[a-z]+:\/\/[^/]*(\/.*)?$/i.exec(url);
      const p = (m ? m[1] ?? '' : url.startsWith('/') ? url : '').replace(/\/+$/, '');
      if (p && !basePaths.includes(p)) {
        basePaths.push(p);
      }
    }
  }
  const operations: Operation[] = [];
  for (const [template, item] of Object.entries<Json>(doc.paths ?? {})) {
    for (const method of ['get', 'put', 'post', 'delete', 'patch', 'head', 'options']) {
      if (!item[method]) {
        continue;
      }
      const segs = template.split('/').filter(Boolean);
      const re = '^/' + segs.map((s) => (/^\{[^}]+\}$/.test(s) ? '[^/]+' : escapeRe(s))).join('/') + '/?$';
      operations.push({
        method: method.toUpperCase(),
        template,
        regex: new RegExp(template === '/' ? '^/?$' : re),
        literalScore: segs.filter((s) => !s.startsWith('{')).length * 100 + segs.length,
        op: item[method],
      });
    }
  }
  operations.sort((a, b) => b.literalScore - a.literalScore);

  const ajv = new Ajv({ strict: false, allErrors: true, validateSchema: false, logger: false });
  addFormats(ajv);
  const formats = new Set<string>();
  collectFormats(doc, formats);
  for (const f of formats) {
    if (!(ajv.formats as Record<string, unknown>)[f]) {
      ajv.addFormat(f, true);
    }
  }
  const root: Json = { $id: 'spec' };
  if (kind === 'swagger2') {
    root.definitions = convert(doc.definitions ?? {}, true);
    root.responses = convert(doc.responses ?? {}, true);
  } else {
    root.components = {
      schemas: convert(doc.components?.schemas ?? {}, true),
      responses: convert(doc.components?.responses ?? {}, true),
    };
  }
  ajv.addSchema(root);
  return { name, file, kind, doc, basePaths, operations, ajv, cache: new Map() };
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function collectFormats(node: Json, out: Set<string>): void {
  if (Array.isArray(node)) {
    node.forEach((n) => collectFormats(n, out));
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if (k === 'format' && typeof v === 'string') {
        out.add(v);
      } else {
        collectFormats(v, out);
      }
    }
  }
}

/**
 * Converts an OpenAPI/Swagger schema (or a map of them when `isMap`) to JSON Schema draft-07 for ajv.
 */
function convert(node: Json, isMap = false): Json {
  if (isMap) {
    const out: Json = {};
    for (const [k, v] of Object.entries(node ?? {})) {
      out[k] = convert(v);
    }
    return out;
  }
  if (Array.isArray(node)) {
    return node.map((n) => convert(n));
  }
  if (!node || typeof node !== 'object') {
    return node;
  }
  let out: Json = {};
  for (const [k, v] of Object.entries<Json>(node)) {
    switch (k) {
      case '$ref':
        out.$ref = rewriteRef(String(v));
        break;
      case 'properties':
      case 'patternProperties':
      case 'definitions':
        out[k] = convert(v, true);
        break;
      case 'example':
      case 'examples':
      case 'xml':
      case 'externalDocs':
      case 'discriminator':
      case 'nullable':
      case 'x-nullable':
        break;
      default:
        out[k] = typeof v === 'object' ? convert(v) : v;
    }
  }
  const JSON_TYPES = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
  if (typeof out.type === 'string' && !JSON_TYPES.includes(out.type)) {
    // Swagger `file`, and vendor typos such as `float`/`int`.
    const alias: Record<string, string> = { float: 'number', double: 'number', int: 'integer', long: 'integer', bool: 'boolean' };
    if (alias[out.type]) {
      out.type = alias[out.type];
    } else {
      delete out.type;
    }
  }
  if ('items' in out && (out.items === null || typeof out.items !== 'object') && typeof out.items !== 'boolean') {
    delete out.items;
  }
  for (const [ex, lim] of [
    ['exclusiveMinimum', 'minimum'],
    ['exclusiveMaximum', 'maximum'],
  ] as const) {
    if (typeof out[ex] === 'boolean') {
      if (out[ex] && typeof out[lim] === 'number') {
        out[ex] = out[lim];
        delete out[lim];
      } else {
        delete out[ex];
      }
    }
  }
  const disc = node.discriminator;
  const branches: Json[] | undefined = node.oneOf ?? node.anyOf;
  if (disc && typeof disc === 'object' && disc.propertyName && Array.isArray(branches)) {
    const prop = String(disc.propertyName);
    const mapping: Record<string, string> = { ...(disc.mapping ?? {}) };
    if (Object.keys(mapping).length === 0) {
      for (const b of branches) {
        if (b && typeof b.$ref === 'string') {
          mapping[b.$ref.split('/').pop()!] = b.$ref;
        }
      }
    }
    delete out.oneOf;
    delete out.anyOf;
    const keys = Object.keys(mapping);
    out.allOf = [
      ...(out.allOf ?? []),
      { required: [prop], properties: { [prop]: { enum: keys } } },
      ...keys.map((key) => ({
        if: { properties: { [prop]: { const: key } }, required: [prop] },
        then: { $ref: rewriteRef(mapping[key]) },
      })),
    ];
  }
  if (node.nullable === true || node['x-nullable'] === true) {
    out = { anyOf: [{ type: 'null' }, out] };
  }
  return out;
}

function rewriteRef(ref: string): string {
  return ref.startsWith('#/') ? `spec${ref}` : ref;
}

/** Finds the operation for a method and a template or concrete path. */
export function findOperation(spec: LoadedSpec, method: string, urlPath: string): Operation | undefined {
  const m = method.toUpperCase();
  let p = urlPath.split('?')[0];
  const exact = spec.operations.find((o) => o.method === m && o.template === p);
  if (exact) {
    return exact;
  }
  const candidates = [p];
  for (const base of spec.basePaths) {
    if (p === base || p.startsWith(base + '/')) {
      candidates.unshift(p.slice(base.length) || '/');
    }
  }
  for (const c of candidates) {
    p = c.length > 1 ? c.replace(/\/+$/, '') : c;
    const hit = spec.operations.find((o) => o.method === m && o.regex.test(p));
    if (hit) {
      return hit;
    }
  }
  return undefined;
}

function resolveResponse(spec: LoadedSpec, resp: Json): Json {
  let r = resp;
  for (let i = 0; i < 5 && r && typeof r.$ref === 'string'; i++) {
    const parts = r.$ref.replace(/^#\//, '').split('/');
    r = parts.reduce((acc: Json, k: string) => (acc ? acc[k] : undefined), spec.doc);
  }
  return r;
}

function responseSchema(spec: LoadedSpec, resp: Json): Json | undefined {
  if (spec.kind === 'swagger2') {
    return resp.schema;
  }
  const content = resp.content ?? {};
  const types = Object.keys(content);
  const pick =
    types.find((t) => t === 'application/json') ??
    types.find((t) => t === 'application/hal+json') ??
    types.find((t) => /json/.test(t) && content[t]?.schema) ??
    types.find((t) => content[t]?.schema);
  return pick ? content[pick]?.schema : undefined;
}

/** The documented statuses of an operation (e.g. ['200','401','default']), or undefined when it does not exist. */
export function documentedStatuses(spec: LoadedSpec, method: string, urlPath: string): string[] | undefined {
  const op = findOperation(spec, method, urlPath);
  return op ? Object.keys(op.op.responses ?? {}) : undefined;
}

/** Validates one response; returns the list of problems (empty when it matches the vendor spec). */
export function validateResponse(spec: LoadedSpec, method: string, urlPath: string, status: number, body: unknown): string[] {
  const op = findOperation(spec, method, urlPath);
  if (!op) {
    return [`${spec.name}: no operation ${method.toUpperCase()} ${urlPath} in ${path.basename(spec.file)}`];
  }
  const where = `${op.method} ${op.template} ${status}`;
  const responses = op.op.responses ?? {};
  const key = responses[String(status)] ? String(status) : responses[`${String(status)[0]}XX`] ? `${String(status)[0]}XX` : responses.default ? 'default' : undefined;
  if (!key) {
    return [`${where}: status ${status} is not documented (documented: ${Object.keys(responses).join(', ')})`];
  }
  const cacheKey = `${op.method} ${op.template} ${key}`;
  let validate = spec.cache.get(cacheKey);
  if (validate === undefined) {
    const resp = resolveResponse(spec, responses[key]);
    const schema = resp ? responseSchema(spec, resp) : undefined;
    validate = schema ? spec.ajv.compile(convert(schema)) : null;
    spec.cache.set(cacheKey, validate);
  }
  if (!validate) {
    return [];
  }
  if (validate(body)) {
    return [];
  }
  return (validate.errors ?? []).map((e) => `${where}: ${e.instancePath || '(body)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}
