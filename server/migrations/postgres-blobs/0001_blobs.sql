-- photos by SHA-256, and the scopes (township ids or county) of the users
-- who uploaded each; in the same database as the documents, written on
-- connections of their own, so uploads never wait for a sync's lock.
CREATE TABLE blobs (
    sha256      BYTEA PRIMARY KEY,
    mime        TEXT NOT NULL,
    size        BIGINT NOT NULL,
    bytes       BYTEA NOT NULL,
    uploaded_by TEXT,
    created_at  BIGINT NOT NULL
);
CREATE TABLE blob_scopes (
    sha256 BYTEA NOT NULL REFERENCES blobs(sha256),
    scope  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (sha256, scope)
);
