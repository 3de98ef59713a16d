import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { OpenAPIObject } from '@nestjs/swagger';
import { apiContractProblems, parseApiContract, TOKEN_ERRORS } from './api-contract';
import { ERROR_CODES } from './api-error';

const MARKDOWN = [
  '## Errors',
  '| status | code | when |',
  '|---|---|---|',
  '| 404 | `not_found` | |',
  ...TOKEN_ERRORS.map((code) => `| 401 | \`${code}\` | |`),
  '## Later',
  '**Planned: not built yet.** Not yet.',
  '| 400/401 | `invalid_grant`, `invalid_client` (401) | |',
  '```routes demo-service',
  'GET    /things/:id   open   → 200; 404 not_found',
  'POST   /things       token  → 201',
  '```',
].join('\n');

const answer = (codes: string[]) => ({
  description: 'error',
  content: {
    'application/json': { schema: { properties: { code: { type: 'string', enum: codes } } } },
  },
});

const doc = (paths: Record<string, unknown>): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths }) as OpenAPIObject;

const agreeing = () => ({
  '/things/{id}': {
    get: { responses: { '200': { description: 'ok' }, '404': answer(['not_found']) } },
  },
  '/things': {
    post: {
      security: [{ bearer: [] }],
      responses: { '201': { description: 'made' }, '401': answer(TOKEN_ERRORS) },
    },
  },
});

describe('parseApiContract', () => {
  it('reads built and planned error codes and the routes blocks', () => {
    const contract = parseApiContract(MARKDOWN);
    expect([...contract.builtCodes]).toEqual(['not_found', ...TOKEN_ERRORS]);
    expect([...contract.plannedCodes]).toEqual(['invalid_grant', 'invalid_client']);
    expect(contract.routes.get('demo-service')).toEqual([
      {
        method: 'GET',
        path: '/things/{id}',
        access: 'open',
        success: 200,
        errors: { 404: ['not_found'] },
      },
      { method: 'POST', path: '/things', access: 'token', success: 201, errors: {} },
    ]);
  });

  it('refuses a route line it cannot read, rather than skipping it', () => {
    expect(() => parseApiContract('```routes x\nGET /a → 200\n```')).toThrow(/cannot read/);
  });

  it('finds in docs/api.md exactly the codes the platform can answer', () => {
    const markdown = readFileSync(path.join(__dirname, '../../../../docs/api.md'), 'utf8');
    const contract = parseApiContract(markdown);
    expect([...contract.builtCodes].sort()).toEqual([...ERROR_CODES].sort());
    // Every section of the contract is built now: no code waits in a planned section.
    expect([...contract.plannedCodes]).toEqual([]);
    expect([...contract.routes.keys()].sort()).toEqual([
      'auth-service',
      'billing-service',
      'catalog-service',
      'orders-service',
    ]);
  });
});

describe('apiContractProblems', () => {
  const contract = parseApiContract(MARKDOWN);

  it('accepts a document that agrees', () => {
    expect(apiContractProblems(doc(agreeing()), contract, 'demo-service')).toEqual([]);
  });

  it('flags routes missing on either side and a different success status', () => {
    const paths = {
      '/things/{id}': {
        get: { responses: { '204': { description: 'x' }, '404': answer(['not_found']) } },
      },
      '/other': { get: { responses: { '200': { description: 'ok' } } } },
    };
    expect(apiContractProblems(doc(paths), contract, 'demo-service')).toEqual([
      'GET /things/{id}: no 200 answer',
      'POST /things: in docs/api.md, not in the OpenAPI document',
      'GET /other: in the OpenAPI document, not in docs/api.md',
    ]);
  });

  it('flags a protected route without its 401 codes, and codes outside the built set', () => {
    const paths = agreeing();
    paths['/things'].post.responses['401'] = answer(['missing_token', 'invalid_grant']);
    expect(apiContractProblems(doc(paths), contract, 'demo-service')).toEqual([
      ...['invalid_token', 'token_expired', 'session_revoked', 'token_stale'].map(
        (code) => `POST /things: 401 ${code} not documented`,
      ),
      "POST /things: 401 invalid_grant is not in the contract's error tables",
    ]);
  });

  it('flags a route whose security requirement says otherwise', () => {
    const paths = agreeing();
    delete (paths['/things'].post as { security?: unknown }).security;
    expect(apiContractProblems(doc(paths), contract, 'demo-service')).toEqual([
      'POST /things: docs/api.md says token, the document has no security requirement',
    ]);
  });
});
