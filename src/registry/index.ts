export { parseChallenges, type Challenge } from './www-authenticate.js';
export {
  endpointsFor, originEndpoint, isInsecure, DOCKER_HUB_AUTH_KEY, DOCKER_HUB_DOMAIN, DOCKER_HUB_HOST,
  type RegistryEndpoint, type EndpointOptions, type TlsMaterial,
} from './endpoints.js';
export { basicHeader, pullScope, pushScope, type Credentials, type CredentialLookup } from './auth.js';
export { RegistrySession, type SessionOptions } from './session.js';
export { Repository, MANIFEST_ACCEPT, type FetchedManifest, type BlobStream } from './repository.js';
export { RegistryError } from './errors.js';
export { DEFAULT_RETRY, backoffDelay, isTransient, withRetry, type RetryPolicy } from './retry.js';
export { readBody, type HttpResponse } from './transport.js';
