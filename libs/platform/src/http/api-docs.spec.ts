import { DECORATORS } from '@nestjs/swagger';
import { ApiAuthenticated, ApiErrors } from './api-docs';

type Answers = Record<
  string,
  { description: string; schema: { properties: { code: { enum: string[] } } } }
>;

class Probe {
  @ApiAuthenticated()
  @ApiErrors({ 401: ['invalid_credentials'], 429: ['rate_limited'] })
  change(): void {}
}

describe('ApiErrors', () => {
  it('adds codes to a status another decorator documented, instead of replacing them', () => {
    const answers = Reflect.getMetadata(DECORATORS.API_RESPONSE, Probe.prototype.change) as Answers;
    expect(answers['401'].schema.properties.code.enum.sort()).toEqual(
      [
        'invalid_credentials',
        'invalid_token',
        'missing_token',
        'session_revoked',
        'token_expired',
        'token_stale',
      ].sort(),
    );
    expect(answers['401'].description.split('\n')).toHaveLength(1);
    expect(answers['429'].schema.properties.code.enum).toEqual(['rate_limited']);
    expect(answers['503'].schema.properties.code.enum).toEqual(['unavailable']);
  });
});
