import { openApiProblems, previewOpenApiDocument } from '@hybrid-auth/platform';
import { documentedModule } from '../src/openapi';
import { SERVICE } from '../src/service';

describe('the OpenAPI document of billing-service', () => {
  it('documents every route: a described success answer, contract error codes, and 401 where a token is needed', async () => {
    const document = await previewOpenApiDocument(documentedModule(), SERVICE);
    expect(Object.keys(document.paths).length).toBeGreaterThan(3);
    expect(openApiProblems(document)).toEqual([]);
  });
});
