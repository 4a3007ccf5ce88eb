export { certsDir, clientConfigDir, daemonConfigFile, DEFAULT_CERTS_DIR, DEFAULT_DAEMON_CONFIG } from './locations.js';
export { loadDaemonConfig, parseDaemonConfig, EMPTY_DAEMON_CONFIG, type DaemonConfig } from './daemon-config.js';
export { loadHostCerts, type TlsFiles } from './certs.js';
export { ClientConfig, authHostname, decodeAuth, type ClientConfigFile, type StoredCredentials } from './client-config.js';
export { loadIsolationConfig, loadSubordinateRanges, parseIsolationConfig, subordinateIdFiles, subordinateRanges, type IsolationConfig, type IdRange } from './isolation-config.js';
