import type { RegistryEndpoint, RegistrySession } from '../registry/index.js';

/** How image operations reach registries: a session plus the endpoints (mirrors, origin) of a domain. */
export interface RegistryAccess {
  session: RegistrySession;
  /** Endpoints to pull from, mirrors first. */
  pullEndpoints(domain: string): RegistryEndpoint[];
  /** The endpoint pushes go to. */
  pushEndpoint(domain: string): RegistryEndpoint;
  /** Layers downloaded at once (3 like Docker). */
  maxConcurrentDownloads?: number;
  /** Layers uploaded at once. */
  maxConcurrentUploads?: number;
}
