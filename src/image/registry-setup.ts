/** Builds the RegistryAccess a command uses from plain settings (the CLI reads them from config files). */
import {
  endpointsFor, originEndpoint, RegistrySession, type CredentialLookup, type RetryPolicy, type TlsMaterial,
} from '../registry/index.js';
import type { RegistryAccess } from './registry-access.js';

export interface RegistrySettings {
  mirrors: string[];
  insecure: string[];
  tlsFor?: (host: string) => TlsMaterial | undefined;
  credentials: CredentialLookup;
  maxConcurrentDownloads?: number;
  maxConcurrentUploads?: number;
  retry?: RetryPolicy;
}

export function createRegistryAccess(settings: RegistrySettings): RegistryAccess {
  const session = new RegistrySession({ credentials: settings.credentials, ...(settings.retry ? { retry: settings.retry } : {}) });
  const opts = { mirrors: settings.mirrors, insecure: settings.insecure, ...(settings.tlsFor ? { tlsFor: settings.tlsFor } : {}) };
  return {
    session,
    pullEndpoints: (domain) => endpointsFor(domain, opts),
    pushEndpoint: (domain) => originEndpoint(domain, opts),
    ...(settings.maxConcurrentDownloads ? { maxConcurrentDownloads: settings.maxConcurrentDownloads } : {}),
    ...(settings.maxConcurrentUploads ? { maxConcurrentUploads: settings.maxConcurrentUploads } : {}),
  };
}
