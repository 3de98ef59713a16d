import { ForgotPassword } from '../src/email/forgot-password';
import { PASSWORD, uniqueEmail } from './harness';
import { UUID } from './expectations';
import { registerWithMail, startEmailApp } from './email-harness';
import type { EmailTestApp } from './email-harness';

const RUNS = 15;
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
/** The median of the ratios of pairs measured back to back: a load that drifts cancels out. */
const medianRatio = (a: number[], b: number[]) => median(a.map((value, i) => value / b[i]));

/** Wall time of one request, in milliseconds (compared as a ratio, never to a threshold). */
async function timed(send: () => Promise<unknown>): Promise<number> {
  const start = process.hrtime.bigint();
  await send();
  return Number(process.hrtime.bigint() - start) / 1e6;
}

describe('no address enumeration', () => {
  let t: EmailTestApp;
  beforeAll(async () => {
    // Timing runs repeat one address more often than the default throttle allows.
    t = await startEmailApp({ AUTH_EMAIL_MAX_PER_ADDRESS: '1000', AUTH_EMAIL_MAX_PER_IP: '1000' });
  });
  afterAll(() => t.close());

  const register = (email: string) =>
    t.http().post('/auth/register').send({ email, password: PASSWORD });

  it('answers a taken address like a new one, and mails its owner instead', async () => {
    const { email, id } = await registerWithMail(t);
    const res = await register(email).expect(201);
    expect(res.body).toEqual({
      id: expect.stringMatching(UUID),
      email,
      role: 'user',
      emailVerified: false,
    });
    expect(res.body.id).not.toBe(id);
    const mails = await t.mail.waitFor(email, 2);
    expect(mails.map((m) => m.subject)).toEqual([
      'Confirm your e-mail address',
      'Someone tried to sign up with your address',
    ]);
  });

  it('brings back 409 email_taken with AUTH_REGISTER_REVEALS_TAKEN=true', async () => {
    const revealing = await startEmailApp({ AUTH_REGISTER_REVEALS_TAKEN: 'true' });
    try {
      const email = uniqueEmail();
      await revealing.http().post('/auth/register').send({ email, password: PASSWORD }).expect(201);
      const res = await revealing.http().post('/auth/register').send({ email, password: PASSWORD });
      expect(res.status).toBe(409);
      expect(res.body.code).toBe('email_taken');
    } finally {
      await revealing.close();
    }
  });

  it('takes about the same time for a taken and a new address (medians within 2x)', async () => {
    const { email: taken } = await registerWithMail(t);
    const takenTimes: number[] = [];
    const newTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      takenTimes.push(await timed(() => register(taken).expect(201)));
      newTimes.push(await timed(() => register(uniqueEmail('timing')).expect(201)));
    }
    const ratio = medianRatio(takenTimes, newTimes);
    process.stdout.write(`register taken/new median ratio: ${ratio.toFixed(2)}\n`);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });

  it('answers forgot the same for known and unknown addresses, in about the same time', async () => {
    const { email: known } = await registerWithMail(t);
    const forgot = (email: string) => t.http().post('/auth/password/forgot').send({ email });
    const settled = () => t.app.get(ForgotPassword).settled();
    const knownTimes: number[] = [];
    const unknownTimes: number[] = [];
    for (let i = 0; i < RUNS; i += 1) {
      const a = await forgot(known);
      const b = await forgot(uniqueEmail('unknown'));
      expect([a.status, b.status]).toEqual([202, 202]);
      expect(a.body).toEqual(b.body);
      // Each timed answer starts with nothing written behind an earlier one still running.
      await settled();
      knownTimes.push(await timed(() => forgot(known).expect(202)));
      await settled();
      unknownTimes.push(await timed(() => forgot(uniqueEmail('unknown')).expect(202)));
    }
    const ratio = medianRatio(knownTimes, unknownTimes);
    process.stdout.write(`forgot known/unknown median ratio: ${ratio.toFixed(2)}\n`);
    expect(ratio).toBeGreaterThan(0.5);
    expect(ratio).toBeLessThan(2);
  });
});
