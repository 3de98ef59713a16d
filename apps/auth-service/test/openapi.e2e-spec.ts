import { readFileSync } from 'node:fs';
import path from 'node:path';
import {
  apiContractProblems,
  openApiProblems,
  parseApiContract,
  previewOpenApiDocument,
} from '@hybrid-auth/platform';
import type { OpenAPIObject } from '@nestjs/swagger';
import { documentedModule } from '../src/openapi';
import { SERVICE } from '../src/service';

const CONTRACT = path.join(__dirname, '../../../docs/api.md');

describe('the OpenAPI document of auth-service', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await previewOpenApiDocument(documentedModule(), SERVICE);
  });

  it('documents every route: a described success answer, contract error codes, and 401 where a token is needed', () => {
    expect(Object.keys(document.paths).length).toBeGreaterThan(3);
    expect(openApiProblems(document)).toEqual([]);
  });

  it('agrees with docs/api.md: the same routes, success statuses and error codes', () => {
    const contract = parseApiContract(readFileSync(CONTRACT, 'utf8'));
    expect(apiContractProblems(document, contract, SERVICE.name)).toEqual([]);
  });
});
