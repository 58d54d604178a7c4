// Versioned schema migrations, applied in order; PRAGMA user_version records how far a store has come.
// Never edit a released migration: append a new one.

export const migrations: string[] = [
  // 1: cluster, nodes, services, certificates, trust stores, users, settings, event log
  `
  CREATE TABLE cluster (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    domain TEXT NOT NULL,
    version TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    config TEXT NOT NULL,            -- the YAML-derived configuration, as JSON
    created_at TEXT NOT NULL
  );
  CREATE TABLE nodes (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('publisher', 'subscriber')),
    fqdn TEXT NOT NULL,
    ip TEXT NOT NULL,
    booted_at TEXT NOT NULL
  );
  CREATE TABLE services (
    node TEXT NOT NULL REFERENCES nodes(name),
    name TEXT NOT NULL,
    activated INTEGER NOT NULL,
    state TEXT NOT NULL CHECK (state IN ('STARTED', 'STOPPED')),
    reason TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (node, name)
  );
  CREATE TABLE certificates (
    id INTEGER PRIMARY KEY,
    node TEXT NOT NULL REFERENCES nodes(name),
    unit TEXT NOT NULL,
    status TEXT NOT NULL CHECK (status IN ('active', 'pending', 'retired')),
    cert_pem TEXT NOT NULL,
    key_pem TEXT NOT NULL,
    description TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX certificates_by_unit ON certificates (node, unit, status);
  CREATE TABLE trust (
    id INTEGER PRIMARY KEY,
    node TEXT NOT NULL REFERENCES nodes(name),
    store TEXT NOT NULL,
    file TEXT NOT NULL,
    cert_pem TEXT NOT NULL,
    description TEXT NOT NULL,
    added_at TEXT NOT NULL,
    UNIQUE (node, store, file)
  );
  CREATE TABLE users (
    name TEXT PRIMARY KEY,
    privilege INTEGER NOT NULL,
    password_hash TEXT NOT NULL
  );
  CREATE TABLE settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE events (
    id INTEGER PRIMARY KEY,
    wall_time TEXT NOT NULL,
    sim_time TEXT NOT NULL,
    node TEXT,
    user TEXT,
    command TEXT,
    kind TEXT NOT NULL,
    change TEXT NOT NULL
  );
  CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  CREATE TRIGGER events_append_only_delete BEFORE DELETE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  `,
  // 2: the files each node's TFTP directory holds (ITLFile.tlv, CTLFile.tlv, ...)
  `
  CREATE TABLE tftp_files (
    node TEXT NOT NULL REFERENCES nodes(name),
    name TEXT NOT NULL,
    content BLOB NOT NULL,
    modified_at TEXT NOT NULL,
    spec TEXT NOT NULL,              -- what the file was built from; an unchanged spec is not rebuilt
    signer TEXT NOT NULL,            -- unit whose key signed it (ITLRecovery, CallManager, ...)
    PRIMARY KEY (node, name)
  );
  `,
  // 3: certificate signing requests waiting for their CA-signed certificate (one per node and unit)
  `
  CREATE TABLE csrs (
    node TEXT NOT NULL REFERENCES nodes(name),
    unit TEXT NOT NULL,
    csr_pem TEXT NOT NULL,
    key_pem TEXT NOT NULL,         -- the private key the CA-signed certificate will be used with
    created_at TEXT NOT NULL,
    PRIMARY KEY (node, unit)
  );
  `,
  // 4: the phone fleet; the trust lists phones install are kept once each, by hash
  `
  CREATE TABLE blobs (
    hash TEXT PRIMARY KEY,
    content BLOB NOT NULL
  );
  CREATE TABLE phones (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    model TEXT NOT NULL,
    mac TEXT NOT NULL,
    device_pool TEXT NOT NULL,
    description TEXT NOT NULL,
    ctl_hash TEXT REFERENCES blobs(hash),
    itl_hash TEXT REFERENCES blobs(hash),
    config_hash TEXT,                -- the last configuration file the phone accepted
    reg_state TEXT NOT NULL,         -- reg, unr, rej (as RIS reports it)
    reg_node TEXT,
    reg_changed_at TEXT NOT NULL,
    status TEXT NOT NULL,            -- the last trust-list status message, in the phone's words
    reboot_until TEXT,               -- simulated time at which a reset completes
    uds_auth INTEGER NOT NULL DEFAULT 0,
    uds_port INTEGER NOT NULL DEFAULT 8443,
    https_services INTEGER NOT NULL DEFAULT 1
  );
  CREATE INDEX phones_rebooting ON phones (reboot_until) WHERE reboot_until IS NOT NULL;
  `,
  // 5: the lab. Several clusters in one store (one file, so a command that writes into two clusters
  // stays atomic); every row that belongs to a cluster names it, directly or through its node.
  // Typed settings replace the string-keyed settings table. A wave-1 store becomes a one-cluster lab.
  `
  CREATE TABLE clusters (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL,
    domain TEXT NOT NULL,
    version TEXT NOT NULL,
    time_zone TEXT NOT NULL,
    config TEXT NOT NULL,
    created_at TEXT NOT NULL,
    security_mode INTEGER NOT NULL DEFAULT 0,       -- 0 non-secure, 1 mixed
    cli_session_timeout INTEGER NOT NULL DEFAULT 30, -- minutes
    online INTEGER NOT NULL DEFAULT 1
  );
  INSERT INTO clusters (name, position, domain, version, time_zone, config, created_at, security_mode, cli_session_timeout)
    SELECT name, 0, domain, version, time_zone, config, created_at,
      COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'ClusterSecurityMode'), 0),
      COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'cli-session-timeout'), 30)
    FROM cluster;

  ALTER TABLE nodes ADD COLUMN cluster TEXT REFERENCES clusters(name);
  ALTER TABLE nodes ADD COLUMN contact_search_auth INTEGER NOT NULL DEFAULT 0;
  ALTER TABLE nodes ADD COLUMN uds_port INTEGER NOT NULL DEFAULT 8443;
  ALTER TABLE nodes ADD COLUMN restarting_until TEXT;
  UPDATE nodes SET cluster = (SELECT name FROM cluster),
    contact_search_auth = COALESCE((SELECT value = 'enabled' FROM settings WHERE key = 'contactsearch:' || nodes.name), 0),
    uds_port = COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'udsport:' || nodes.name), 8443);

  CREATE TABLE enterprise_parameters (
    cluster TEXT NOT NULL REFERENCES clusters(name),
    name TEXT NOT NULL,
    value TEXT NOT NULL,
    PRIMARY KEY (cluster, name)
  );
  INSERT INTO enterprise_parameters SELECT (SELECT name FROM cluster), substr(key, 12), value FROM settings WHERE key LIKE 'enterprise:%';

  CREATE TABLE lab (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    clock_offset_ms INTEGER NOT NULL DEFAULT 0     -- simulated time minus wall time when last anchored
  );
  INSERT INTO lab (id, clock_offset_ms) VALUES (1, COALESCE((SELECT CAST(value AS INTEGER) FROM settings WHERE key = 'clock-offset'), 0));

  CREATE TABLE accounts (
    cluster TEXT NOT NULL REFERENCES clusters(name),
    name TEXT NOT NULL,
    privilege INTEGER NOT NULL,
    password_hash TEXT NOT NULL,
    PRIMARY KEY (cluster, name)
  );
  INSERT INTO accounts SELECT (SELECT name FROM cluster), name, privilege, password_hash FROM users;
  DROP TABLE users;
  DROP TABLE settings;

  ALTER TABLE tftp_files ADD COLUMN reset INTEGER NOT NULL DEFAULT 0; -- written by utils itl reset
  UPDATE tftp_files SET reset = 1, spec = substr(spec, 7) WHERE spec LIKE 'reset:%';

  ALTER TABLE phones ADD COLUMN cluster TEXT REFERENCES clusters(name);
  ALTER TABLE phones ADD COLUMN tftp TEXT NOT NULL DEFAULT '';       -- DHCP option 150: addresses, comma-separated
  UPDATE phones SET cluster = (SELECT name FROM cluster),
    tftp = COALESCE((SELECT n.ip FROM nodes n, json_each(json_extract((SELECT config FROM cluster), '$.phones.devicePools')) p
      WHERE json_extract(p.value, '$.name') = phones.device_pool AND n.name = json_extract(p.value, '$.tftp')), '');
  CREATE INDEX phones_by_cluster ON phones (cluster, position);

  DROP TRIGGER events_append_only_update;
  ALTER TABLE events ADD COLUMN cluster TEXT;
  UPDATE events SET cluster = (SELECT name FROM cluster);
  CREATE TRIGGER events_append_only_update BEFORE UPDATE ON events
    BEGIN SELECT RAISE(ABORT, 'the event log is append-only'); END;
  DROP TABLE cluster;
  `,
  // 6: Bulk Certificate Management: the central SFTP server each cluster's publisher saved
  `
  CREATE TABLE bulk_certificate_sftp (
    cluster TEXT PRIMARY KEY REFERENCES clusters(name),
    ip TEXT NOT NULL,
    port INTEGER NOT NULL,
    user_id TEXT NOT NULL,
    password TEXT NOT NULL,
    directory TEXT NOT NULL
  );
  `,
  // 7: FIPS mode per node (utils fips enable|disable); a lab file's fips-mode sets every node at install.
  // DRS: backup devices (an SFTP server directory) and the backup history of each cluster.
  `
  ALTER TABLE nodes ADD COLUMN fips INTEGER NOT NULL DEFAULT 0;
  UPDATE nodes SET fips = COALESCE((SELECT json_extract(c.config, '$.fips') FROM clusters c WHERE c.name = nodes.cluster), 0);
  CREATE TABLE drs_devices (
    cluster TEXT NOT NULL REFERENCES clusters(name),
    name TEXT NOT NULL,
    path TEXT NOT NULL,
    server TEXT NOT NULL,            -- host or host:port of the SFTP server
    username TEXT NOT NULL,
    password TEXT NOT NULL,
    keep INTEGER NOT NULL,           -- number of backups kept
    PRIMARY KEY (cluster, name)
  );
  CREATE TABLE drs_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    cluster TEXT NOT NULL REFERENCES clusters(name),
    tar TEXT NOT NULL,               -- the set name, <ts>.tar
    device TEXT NOT NULL,
    operation TEXT NOT NULL CHECK (operation IN ('BACKUP', 'RESTORE')),
    completed_at TEXT NOT NULL,
    result TEXT NOT NULL,
    features TEXT NOT NULL,
    components TEXT NOT NULL         -- JSON: [{server, component, status, log}]
  );
  `,
  // 8: certificates a service loaded when it last started (Cisco Tftp's HTTPS 6971/6972 identities)
  `
  CREATE TABLE service_certificates (
    node TEXT NOT NULL,
    service TEXT NOT NULL,
    unit TEXT NOT NULL,
    certificate INTEGER NOT NULL REFERENCES certificates(id),
    PRIMARY KEY (node, service, unit)
  );
  `,
  // 9: phone counts by state read from an index alone (the dashboard counts 40,000 phones per frame)
  `
  CREATE INDEX phones_state ON phones (cluster, reg_state, status, reboot_until);
  `,
];
