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
 * - `validateRequest(spec, method, urlPathWithQuery, headers, body)`: the other direction, what a client sends (the
 *   operation exists; path, query and header parameters, credentials, Content-Type and body honour the spec). The
 *   sandbox's Aptible emulator checks every Deploy API request with it (see aptible/index.ts).
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

/** Follows local `$ref`s (`#/components/...`, `#/definitions/...`, `#/parameters/...`) to the node they name. */
function deref(spec: LoadedSpec, node: Json): Json {
  let r = node;
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
    const resp = deref(spec, responses[key]);
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

// ---------------------------------------------------------------------------------------------------------------
// Requests

/** Header names as a client sends them (any case); a repeated header may be an array. */
export type RequestHeaders = Record<string, string | string[] | number | undefined>;

/** Schema keywords a Swagger 2.0 non-body parameter carries on itself. */
const SWAGGER_PARAM_SCHEMA_KEYS = ['type', 'format', 'items', 'enum', 'minimum', 'maximum', 'exclusiveMinimum', 'exclusiveMaximum', 'minLength', 'maxLength', 'pattern', 'minItems', 'maxItems', 'uniqueItems', 'multipleOf', 'default'];

function paramSchema(spec: LoadedSpec, p: Json): Json {
  if (spec.kind === 'openapi3') {
    return p.schema ?? {};
  }
  return Object.fromEntries(Object.entries<Json>(p).filter(([k]) => SWAGGER_PARAM_SCHEMA_KEYS.includes(k)));
}

function compiled(spec: LoadedSpec, key: string, schema: Json): ValidateFunction {
  let v = spec.cache.get(key);
  if (!v) {
    v = spec.ajv.compile(convert(schema));
    spec.cache.set(key, v);
  }
  return v;
}

/** A parameter's text value as the type its schema names, or an error when it cannot be one. */
function coerce(spec: LoadedSpec, schema: Json, raw: string): { value?: unknown; error?: string } {
  const type = deref(spec, schema)?.type;
  if (type === 'integer') {
    return /^-?\d+$/.test(raw) ? { value: Number(raw) } : { error: 'is not an integer' };
  }
  if (type === 'number') {
    return raw.trim() !== '' && Number.isFinite(Number(raw)) ? { value: Number(raw) } : { error: 'is not a number' };
  }
  if (type === 'boolean') {
    return raw === 'true' || raw === 'false' ? { value: raw === 'true' } : { error: 'is not a boolean (true or false)' };
  }
  return { value: raw };
}

/** The problems of one parameter's values (several only for an array sent as repeated keys). */
function checkParam(spec: LoadedSpec, label: string, cacheKey: string, p: Json, values: string[]): string[] {
  const schema = paramSchema(spec, p);
  const what = `${p.in} parameter ${p.name}`;
  const shown = values.length === 1 ? JSON.stringify(values[0]) : JSON.stringify(values);
  let value: unknown;
  if (deref(spec, schema)?.type === 'array') {
    const items = deref(spec, schema).items ?? {};
    const format = spec.kind === 'swagger2' ? (p.collectionFormat ?? 'csv') : p.explode === false || (p.in !== 'query' && p.in !== 'cookie' && p.explode !== true) ? 'csv' : 'multi';
    const sep: Record<string, string> = { csv: ',', ssv: ' ', tsv: '\t', pipes: '|' };
    const parts = format === 'multi' ? values : values.length > 1 ? undefined : values[0].split(sep[format] ?? ',');
    if (!parts) {
      return [`${label}: ${what} is repeated, but the spec sends its items as one ${format} value`];
    }
    const out: unknown[] = [];
    for (const part of parts) {
      const c = coerce(spec, items, part);
      if (c.error) {
        return [`${label}: ${what}=${shown}: item ${JSON.stringify(part)} ${c.error}`];
      }
      out.push(c.value);
    }
    value = out;
  } else {
    if (values.length > 1) {
      return [`${label}: ${what} is repeated (${shown}), but it is not an array`];
    }
    const c = coerce(spec, schema, values[0]);
    if (c.error) {
      return [`${label}: ${what}=${shown} ${c.error}`];
    }
    value = c.value;
  }
  const validate = compiled(spec, cacheKey, schema);
  if (validate(value)) {
    return [];
  }
  return (validate.errors ?? []).map((e) => `${label}: ${what}=${shown}${e.instancePath ? ' ' + e.instancePath : ''} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
}

function headerValue(headers: RequestHeaders, name: string): string | undefined {
  const want = name.toLowerCase();
  for (const [k, v] of Object.entries(headers)) {
    if (k.toLowerCase() === want && v !== undefined) {
      return Array.isArray(v) ? v.join(', ') : String(v);
    }
  }
  return undefined;
}

/** Whether one security scheme is satisfied by the request; `undefined` for a kind that cannot be checked here. */
function schemeSatisfied(scheme: Json, headers: RequestHeaders, query: URLSearchParams): boolean | undefined {
  const auth = headerValue(headers, 'authorization') ?? '';
  switch (scheme?.type) {
    case 'apiKey':
      if (scheme.in === 'header') {
        return (headerValue(headers, String(scheme.name)) ?? '').trim() !== '';
      }
      if (scheme.in === 'query') {
        return (query.get(String(scheme.name)) ?? '') !== '';
      }
      if (scheme.in === 'cookie') {
        return new RegExp(`(^|;\\s*)${escapeRe(String(scheme.name))}=`).test(headerValue(headers, 'cookie') ?? '');
      }
      return undefined;
    case 'http':
      return new RegExp(`^${escapeRe(String(scheme.scheme ?? ''))}\\s+\\S`, 'i').test(auth);
    case 'basic':
      return /^basic\s+\S/i.test(auth);
    case 'oauth2':
    case 'openIdConnect':
      return /^bearer\s+\S/i.test(auth);
    default:
      return undefined;
  }
}

function describeScheme(name: string, scheme: Json): string {
  if (scheme?.type === 'apiKey') {
    return `${name} (${scheme.in} ${scheme.name})`;
  }
  if (scheme?.type === 'http') {
    return `${name} (Authorization: ${scheme.scheme})`;
  }
  return `${name} (${scheme?.type ?? 'undefined scheme'})`;
}

/** Top-level (and nested) object fields the schema does not name, where it does not allow others. */
function unknownFields(spec: LoadedSpec, schema: Json, value: unknown, at: string, out: string[], depth = 0): void {
  const s = deref(spec, schema);
  if (depth > 8 || !s || typeof s !== 'object' || !value || typeof value !== 'object') {
    return;
  }
  if (Array.isArray(value)) {
    if (s.items) {
      value.forEach((v, i) => unknownFields(spec, s.items, v, `${at}/${i}`, out, depth + 1));
    }
    return;
  }
  if (s.allOf || s.oneOf || s.anyOf || !s.properties) {
    return;
  }
  const name = typeof schema?.$ref === 'string' ? String(schema.$ref).split('/').pop() : 'the schema';
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    if (k in s.properties) {
      unknownFields(spec, s.properties[k], v, `${at}/${k}`, out, depth + 1);
    } else if (s.additionalProperties === undefined) {
      out.push(`body field ${at}/${k} is not in ${name}`);
    }
  }
}

/** The media type of a request body that the spec lists for it (`application/json`, `type/*`, `*\/*`), if any. */
function matchMedia(types: string[], contentType: string): string | undefined {
  return types.find((t) => t.toLowerCase() === contentType) ?? types.find((t) => t.endsWith('/*') && contentType.startsWith(t.slice(0, -1).toLowerCase())) ?? types.find((t) => t === '*/*');
}

/**
 * Validates one request a client sends against the vendor spec; returns the problems (empty when it is valid).
 *
 * - `urlPathWithQuery`: the path as sent (with or without the spec's base path) and its query string, e.g.
 *   `/apps/12/ephemeral_sessions?page=2`; an absolute URL is accepted too (its origin is ignored).
 * - The operation (method + path) must exist. Path parameters, query parameters and header parameters the
 *   operation declares are checked against their schema (text coerced to the schema's type first: `page=abc` is not
 *   an integer, `/apps/abc` has no integer id); a query parameter the operation does not declare is an error, as
 *   is a missing required one, or a repeated one that is not an array.
 * - Security: one of the operation's (or the document's) `security` alternatives must be present (an API key header,
 *   `Authorization: Bearer …`, …); only presence is checked, never the credential itself.
 * - Body: a body on an operation without `requestBody` (Swagger 2: without an `in: body`/`formData` parameter) is an
 *   error; a required body must be present; its Content-Type must be one the spec lists; a JSON body must parse, match
 *   the schema (ajv, as for responses) and carry no field the schema does not name (unless it allows
 *   `additionalProperties`); a form body's fields are checked the same way, each coerced to its property's type.
 */
export function validateRequest(spec: LoadedSpec, method: string, urlPathWithQuery: string, headers: RequestHeaders = {}, body?: string | Buffer): string[] {
  const m = method.toUpperCase();
  const url = new URL(urlPathWithQuery, 'http://request.invalid');
  const urlPath = url.pathname;
  const query = url.searchParams;
  const op = findOperation(spec, m, urlPath);
  if (!op) {
    return [`${spec.name}: no operation ${m} ${urlPath} in ${path.basename(spec.file)}`];
  }
  const label = `${op.method} ${op.template}`;
  const errors: string[] = [];
  const params = new Map<string, Json>();
  for (const raw of [...(spec.doc.paths?.[op.template]?.parameters ?? []), ...(op.op.parameters ?? [])]) {
    const p = deref(spec, raw);
    if (p && p.in && p.name) {
      params.set(`${p.in}:${p.name}`, p);
    }
  }

  // Path parameters: the segments of the concrete path under the template's `{name}`s.
  let rel = urlPath;
  for (const base of spec.basePaths) {
    if ((rel === base || rel.startsWith(base + '/')) && op.regex.test(rel.slice(base.length) || '/')) {
      rel = rel.slice(base.length) || '/';
      break;
    }
  }
  const tSegs = op.template.split('/').filter(Boolean);
  const uSegs = rel.split('/').filter(Boolean);
  tSegs.forEach((seg, i) => {
    const name = /^\{(.+)\}$/.exec(seg)?.[1];
    if (name === undefined) {
      return;
    }
    const p = params.get(`path:${name}`);
    let v: string;
    try {
      v = decodeURIComponent(uSegs[i] ?? '');
    } catch {
      errors.push(`${label}: path parameter ${name} is not valid percent-encoding`);
      return;
    }
    if (!p) {
      errors.push(`${label}: path parameter ${name} is not declared`);
    } else if (v === '') {
      errors.push(`${label}: path parameter ${name} is empty`);
    } else {
      errors.push(...checkParam(spec, label, `param ${label} path:${name}`, p, [v]));
    }
  });

  // Security: presence of one alternative's credentials.
  const security: Json[] = op.op.security ?? spec.doc.security ?? [];
  const schemes: Json = spec.kind === 'openapi3' ? (spec.doc.components?.securitySchemes ?? {}) : (spec.doc.securityDefinitions ?? {});
  const queryCredentials = new Set<string>();
  if (security.length > 0) {
    const ok = security.some((alt: Json) =>
      Object.keys(alt ?? {}).every((name) => {
        const scheme = deref(spec, schemes[name]);
        if (scheme?.type === 'apiKey' && scheme.in === 'query') {
          queryCredentials.add(String(scheme.name));
        }
        return schemeSatisfied(scheme, headers, query) !== false;
      }),
    );
    if (!ok) {
      const alts = security.map((alt: Json) => Object.keys(alt ?? {}).map((n) => describeScheme(n, deref(spec, schemes[n]))).join(' + ') || '(none)');
      errors.push(`${label}: no credentials for the operation's security: ${alts.join(' or ')}`);
    }
  }

  // Query parameters: only declared ones (or an API key the security names), valid for their schema.
  for (const key of new Set(query.keys())) {
    const p = params.get(`query:${key}`);
    if (!p) {
      if (!queryCredentials.has(key)) {
        errors.push(`${label}: undeclared query parameter ${key}`);
      }
      continue;
    }
    errors.push(...checkParam(spec, label, `param ${label} query:${key}`, p, query.getAll(key)));
  }
  for (const p of params.values()) {
    if (p.in === 'query' && p.required && !query.has(p.name)) {
      errors.push(`${label}: required query parameter ${p.name} missing`);
    }
    if (p.in === 'header') {
      const v = headerValue(headers, p.name);
      if (v === undefined) {
        if (p.required) {
          errors.push(`${label}: required header ${p.name} missing`);
        }
      } else {
        errors.push(...checkParam(spec, label, `param ${label} header:${p.name}`, p, [v]));
      }
    }
  }

  // Body.
  const text = Buffer.isBuffer(body) ? body.toString('utf8') : (body ?? '');
  const hasBody = text.trim() !== '';
  let media: Record<string, Json> | undefined;
  let required = false;
  if (spec.kind === 'openapi3') {
    const rb = op.op.requestBody ? deref(spec, op.op.requestBody) : undefined;
    if (rb) {
      media = rb.content ?? {};
      required = rb.required === true;
    }
  } else {
    const all = [...params.values()];
    const bodyParam = all.find((p) => p.in === 'body');
    const formParams = all.filter((p) => p.in === 'formData');
    const consumes: string[] = op.op.consumes ?? spec.doc.consumes ?? ['application/json'];
    if (bodyParam) {
      media = Object.fromEntries(consumes.map((t) => [t, { schema: bodyParam.schema ?? {} }]));
      required = bodyParam.required === true;
    } else if (formParams.length > 0) {
      const schema = {
        type: 'object',
        properties: Object.fromEntries(formParams.map((p) => [p.name, p.type === 'file' ? {} : paramSchema(spec, p)])),
        required: formParams.filter((p) => p.required).map((p) => p.name),
      };
      media = Object.fromEntries(consumes.map((t) => [t, { schema }]));
      required = formParams.some((p) => p.required);
    }
  }
  if (!media) {
    if (hasBody) {
      errors.push(`${label}: a body was sent, but the operation takes none`);
    }
    return errors;
  }
  if (!hasBody) {
    if (required) {
      errors.push(`${label}: the required request body is missing`);
    }
    return errors;
  }
  const contentType = (headerValue(headers, 'content-type') ?? '').split(';')[0].trim().toLowerCase();
  const types = Object.keys(media);
  const type = contentType ? matchMedia(types, contentType) : undefined;
  if (!type) {
    errors.push(`${label}: the body was sent as ${contentType || '(no Content-Type)'}; the spec lists ${types.join(', ') || 'no media type'}`);
    return errors;
  }
  const schema = media[type]?.schema;
  let value: unknown;
  if (/[/+]json$/.test(contentType)) {
    try {
      value = JSON.parse(text);
    } catch {
      errors.push(`${label}: the ${contentType} body is not JSON`);
      return errors;
    }
  } else if (contentType === 'application/x-www-form-urlencoded') {
    const props = deref(spec, schema)?.properties ?? {};
    const form: Record<string, unknown> = {};
    for (const [k, v] of new URLSearchParams(text)) {
      const c = props[k] ? coerce(spec, props[k], v) : { value: v };
      if (c.error) {
        errors.push(`${label}: body field ${k}=${JSON.stringify(v)} ${c.error}`);
      }
      form[k] = c.error ? v : c.value;
    }
    value = form;
  } else {
    // Another media type (multipart, images, …): only its Content-Type is checked.
    return errors;
  }
  if (!schema) {
    return errors;
  }
  const validate = compiled(spec, `body ${label} ${type}`, schema);
  if (!validate(value)) {
    for (const e of validate.errors ?? []) {
      errors.push(`${label}: body ${e.instancePath || '(root)'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`);
    }
  }
  const extra: string[] = [];
  unknownFields(spec, schema, value, '', extra);
  errors.push(...extra.map((e) => `${label}: ${e}`));
  return errors;
}
