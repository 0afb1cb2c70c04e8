-- photos by SHA-256, and the scopes (township ids or county) of the users
-- who uploaded each. IF NOT EXISTS: files made before migrations were
-- tracked here already hold these tables.
CREATE TABLE IF NOT EXISTS blobs (
    sha256      BLOB PRIMARY KEY,
    mime        TEXT NOT NULL,
    size        INTEGER NOT NULL,
    bytes       BLOB NOT NULL,
    uploaded_by TEXT,
    created_at  INTEGER NOT NULL
) STRICT, WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS blob_scopes (
    sha256 BLOB NOT NULL REFERENCES blobs(sha256),
    scope  TEXT NOT NULL,
    PRIMARY KEY (sha256, scope)
) STRICT, WITHOUT ROWID;
