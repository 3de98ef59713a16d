import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiProblems } from './openapi';

const doc = (paths: Record<string, unknown>): OpenAPIObject =>
  ({ openapi: '3.0.0', info: { title: 't', version: '1' }, paths }) as OpenAPIObject;

const errorAnswer = (codes: string[]) => ({
  description: 'error',
  content: {
    'application/json': { schema: { properties: { code: { type: 'string', enum: codes } } } },
  },
});

describe('openApiProblems', () => {
  it('accepts a route with a documented success, contract codes and a 401 when protected', () => {
    const document = doc({
      '/x': {
        get: {
          security: [{ bearer: [] }],
          responses: { '200': { description: 'ok' }, '401': errorAnswer(['missing_token']) },
        },
      },
    });
    expect(openApiProblems(document)).toEqual([]);
  });

  it('flags a route whose only answer is the undocumented default', () => {
    expect(
      openApiProblems(doc({ '/x': { get: { responses: { '200': { description: '' } } } } })),
    ).toEqual(['GET /x: no documented success answer']);
  });

  it('flags error answers without codes or with codes outside the contract', () => {
    const document = doc({
      '/x': {
        post: {
          responses: {
            '201': { description: 'made' },
            '400': { description: 'bad' },
            '409': errorAnswer(['conflict']),
          },
        },
      },
    });
    expect(openApiProblems(document)).toEqual([
      'POST /x: 400 names no error code',
      'POST /x: 409 has unknown code conflict',
    ]);
  });

  it('flags a protected route that does not document its 401', () => {
    const document = doc({
      '/x': { get: { security: [{ bearer: [] }], responses: { '200': { description: 'ok' } } } },
    });
    expect(openApiProblems(document)).toEqual(['GET /x: protected but documents no 401']);
  });
});
