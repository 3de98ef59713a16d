import { Body, Controller, Get, Logger, Module, Param, Post } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { IsString } from 'class-validator';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import {
  EnvReader,
  PlatformModule,
  configureApp,
  createFastifyAdapter,
  readHttpConfig,
} from '../src';

class EchoDto {
  @IsString() name!: string;
}

@Controller('things')
class ThingsController {
  @Post()
  create(@Body() dto: EchoDto) {
    return { name: dto.name };
  }

  @Get(':id')
  get(@Param('id') id: string) {
    return { id };
  }
}

@Module({ imports: [PlatformModule], controllers: [ThingsController] })
class TestModule {}

interface RawAnswer {
  status: number;
  head: string;
  body: string;
}

/** Sends `text` as it is on a new connection and reads the whole answer. */
function raw(port: number, text: string): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    socket.on('data', (chunk) => chunks.push(chunk));
    socket.on('error', reject);
    socket.on('close', () => {
      const answer = Buffer.concat(chunks).toString('utf8');
      const [head, body = ''] = answer.split('\r\n\r\n');
      resolve({ status: Number(head.split(' ')[1]), head, body });
    });
    socket.end(text);
  });
}

const request = (line: string, headers: string[] = [], body = '') =>
  [line, 'Host: localhost', 'Connection: close', ...headers, '', body].join('\r\n');
const jsonPost = (path: string, body: string) =>
  request(
    `POST ${path} HTTP/1.1`,
    ['Content-Type: application/json', `Content-Length: ${Buffer.byteLength(body)}`],
    body,
  );

describe('framework refusals answer the {code, message} envelope', () => {
  let app: NestFastifyApplication;
  let port: number;
  let errors: jest.SpyInstance;
  beforeAll(async () => {
    const http = readHttpConfig(new EnvReader({ HTTP_HOST: '127.0.0.1' }), 0);
    const moduleRef = await Test.createTestingModule({ imports: [TestModule] }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(createFastifyAdapter(http), {
      logger: false,
    });
    configureApp(app, http, { name: 'test', description: 'test', version: 'test' });
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.getHttpServer().address() as AddressInfo).port;
  });
  afterAll(() => app.close());
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => {
    // Client mistakes are never logged as errors.
    expect(errors).not.toHaveBeenCalled();
    jest.restoreAllMocks();
  });

  const marker = 'ZZMARKERZZ';
  const longParam = `${marker}${'9'.repeat(300)}`;
  const deep = '['.repeat(8000) + ']'.repeat(8000);

  it.each([
    ['a route parameter over maxParamLength', 414, request(`GET /things/${longParam} HTTP/1.1`)],
    ['a malformed URL', 400, request(`GET /things/${marker}%E0%A4%A HTTP/1.1`)],
    [
      'headers over the limit',
      431,
      request(`GET /things/1 HTTP/1.1`, [`X-Big: ${marker}${'a'.repeat(20_000)}`]),
    ],
    ['an unknown route', 404, request(`GET /${marker} HTTP/1.1`)],
    ['an unrouted method', 404, request(`DELETE /things/${marker} HTTP/1.1`)],
    [
      'a body over the limit',
      413,
      jsonPost('/things', `{"name":"${marker}${'x'.repeat(20_000)}"}`),
    ],
    [
      'a body that is not JSON',
      415,
      request(
        'POST /things HTTP/1.1',
        ['Content-Type: text/xml', 'Content-Length: 20'],
        `<a>${marker}1234567</a>`.slice(0, 20),
      ),
    ],
    ['malformed JSON', 400, jsonPost('/things', `{"name": ${marker}`)],
    ['an empty JSON body', 400, jsonPost('/things', '')],
    ['a __proto__ key', 400, jsonPost('/things', `{"name":"a","__proto__":{"${marker}":1}}`)],
    [
      'a constructor.prototype path',
      400,
      jsonPost('/things', `{"name":"a","constructor":{"prototype":{"${marker}":1}}}`),
    ],
    ['8,000 nested arrays', 400, jsonPost('/things', deep)],
    ['a malformed request line', 400, `GET /${marker} HTTP/9.9\r\n\r\n`],
  ])('%s: %d, JSON envelope, nothing echoed', async (_label, status, text) => {
    const answer = await raw(port, text);
    expect(answer.status).toBe(status);
    expect(answer.head.toLowerCase()).toContain('content-type: application/json');
    const body = JSON.parse(answer.body) as Record<string, unknown>;
    expect(Object.keys(body).filter((k) => !['code', 'message', 'details'].includes(k))).toEqual(
      [],
    );
    expect(body.code).toMatch(/^[a-z_]+$/);
    expect(typeof body.message).toBe('string');
    expect(answer.body).not.toContain(marker);
    expect(answer.body).not.toContain('statusCode');
  });

  it('answers the over-long parameter with 414 validation_failed and the security headers', async () => {
    const answer = await raw(port, request(`GET /things/${longParam} HTTP/1.1`));
    expect(JSON.parse(answer.body)).toEqual({
      code: 'validation_failed',
      message: 'The URL is too long',
      details: [{ field: '(url)', problems: ['The URL is too long'] }],
    });
    expect(answer.head.toLowerCase()).toContain('x-content-type-options: nosniff');
    expect(answer.head.toLowerCase()).toMatch(/x-request-id: \S+/);
  });

  it('answers a body nested too deep with 400 validation_failed naming the limit', async () => {
    const answer = await raw(port, jsonPost('/things', deep));
    expect(JSON.parse(answer.body)).toEqual({
      code: 'validation_failed',
      message: 'Request validation failed',
      details: [
        { field: '(body)', problems: ['must not nest objects or arrays more than 32 levels deep'] },
      ],
    });
  });

  it('still serves ordinary requests, and bodies 32 levels deep reach validation', async () => {
    const ok = await raw(port, jsonPost('/things', '{"name":"mug"}'));
    expect(ok.status).toBe(201);
    expect(JSON.parse(ok.body)).toEqual({ name: 'mug' });
    const nested = `{"name":${'['.repeat(31)}${']'.repeat(31)}}`;
    const invalid = await raw(port, jsonPost('/things', nested));
    expect(invalid.status).toBe(400);
    expect(JSON.parse(invalid.body).details[0].field).toBe('name');
  });
});
