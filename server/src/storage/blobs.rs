//! Photos and other evidence files, content-addressed by SHA-256.
//!
//! Blobs live in their own SQLite file (`blobs.db`), or on PostgreSQL
//! connections of their own, with their own writer, so a slow upload over a poor network never holds the documents' write lock:
//! uploads never block document sync. A blob is written once; sending the same
//! bytes again is a no-op, which is what makes uploads resumable.
//!
//! Each blob remembers the townships of the users who uploaded it
//! (`blob_scopes`), so a township user reads only their township's photos even
//! when two townships happen to upload the same bytes.

use super::sql::{Result, params};
use super::{Database, Schema, Storage};
use crate::config::Durability;

#[derive(Debug)]
pub struct BlobStore {
    storage: Storage,
}

/// A stored blob's bytes and type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blob {
    pub mime: String,
    pub bytes: Vec<u8>,
}

/// Whether a put stored new bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PutOutcome {
    Created,
    AlreadyStored,
}

impl BlobStore {
    pub fn open(database: &Database, durability: Durability) -> Result<Self> {
        Ok(Self {
            storage: Storage::open_schema(database, durability, Schema::Blobs)?,
        })
    }

    /// Stores `bytes` under `sha256` for readers of `scope` (a township id or
    /// `county`). The caller has verified the hash.
    pub fn put(
        &self,
        sha256: &[u8; 32],
        mime: &str,
        bytes: &[u8],
        uploaded_by: &str,
        scope: &str,
    ) -> Result<PutOutcome> {
        let now = crate::clock::unix_now();
        self.storage.write(|tx| {
            let inserted = tx.execute(
                "INSERT INTO blobs (sha256, mime, size, bytes, uploaded_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6) ON CONFLICT (sha256) DO NOTHING",
                params![sha256, mime, bytes.len(), bytes, uploaded_by, now],
            )?;
            tx.execute(
                "INSERT INTO blob_scopes (sha256, scope) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![sha256, scope],
            )?;
            Ok(if inserted == 1 {
                PutOutcome::Created
            } else {
                PutOutcome::AlreadyStored
            })
        })
    }

    /// The blob, if stored and readable in `scope` (`None` reads every scope).
    pub fn get(&self, sha256: &[u8; 32], scope: Option<&str>) -> Result<Option<Blob>> {
        self.storage.read(|tx| {
            tx.optional(
                "SELECT mime, bytes FROM blobs b WHERE sha256 = ?1 AND (CAST(?2 AS TEXT) IS NULL OR EXISTS
                    (SELECT 1 FROM blob_scopes s WHERE s.sha256 = b.sha256 AND s.scope = ?2))",
                params![sha256, scope],
                |r| {
                    Ok(Blob {
                        mime: r.get(0)?,
                        bytes: r.get(1)?,
                    })
                },
            )
        })
    }

    /// Whether the blob is stored and readable in `scope` (`None`: any scope).
    pub fn contains(&self, sha256: &[u8; 32], scope: Option<&str>) -> Result<bool> {
        self.storage.read(|tx| {
            let found = tx.optional(
                "SELECT 1 FROM blob_scopes WHERE sha256 = ?1 AND (CAST(?2 AS TEXT) IS NULL OR scope = ?2) LIMIT 1",
                params![sha256, scope],
                |_| Ok(()),
            )?;
            Ok(found.is_some())
        })
    }
}
