export { TestTokenSigner } from './test-token-signer';
export type { TestTokenOptions } from './test-token-signer';
export { hostileTokens } from './hostile-tokens';
export type { HostileToken, HostileTokenOptions } from './hostile-tokens';
export { TestStreamPublisher } from './test-stream-publisher';
export type { TestStreamPublisherOptions } from './test-stream-publisher';
export { signAccessToken, signRawJws } from './raw-jws';
