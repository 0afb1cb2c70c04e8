//! Documents stored as Automerge change chunks.
//!
//! Each accepted write appends an `incremental` chunk (`save_after` the
//! previous heads) and takes the next server sequence number. Once a document
//! has gathered [`COMPACT_AFTER`] chunks, the chunks are replaced by one
//! `snapshot` in the same transaction, so loading stays cheap.

use automerge::{AutoCommit, ChangeHash};
use mopai_shared::doc::DocKind;
use mopai_shared::ids::DocId;

use super::sql::{Error, Result, params};
use super::{ReadTx, WriteTx};

/// Incremental chunks kept before folding them into a snapshot.
pub const COMPACT_AFTER: i64 = 32;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredDocMeta {
    pub id: DocId,
    pub kind: DocKind,
    pub seq: u64,
}

/// New changes for one document, to be appended.
pub struct DocWrite<'a> {
    pub id: DocId,
    pub doc: &'a mut AutoCommit,
    /// Heads of the stored version the changes were applied to.
    pub base_heads: &'a [ChangeHash],
}

#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error(transparent)]
    Storage(#[from] Error),
    #[error("stored document {0} does not load: {1}")]
    Corrupt(DocId, Box<automerge::AutomergeError>),
}

impl ReadTx<'_> {
    /// The stored document, rebuilt from its chunks, or `None` if unknown.
    pub fn load_doc(&self, id: DocId) -> Result<Option<AutoCommit>, LoadError> {
        let mut doc: Option<AutoCommit> = None;
        let mut corrupt = None;
        self.each(
            "SELECT bytes FROM doc_chunks WHERE doc_id = ?1 ORDER BY id",
            params![id],
            |row| {
                let bytes: Vec<u8> = row.get(0)?;
                let loaded = match doc.as_mut() {
                    Some(d) => d.load_incremental(&bytes).map(|_| ()),
                    None => AutoCommit::load(&bytes).map(|d| doc = Some(d)),
                };
                if let Err(e) = loaded {
                    corrupt.get_or_insert(e);
                }
                Ok(())
            },
        )?;
        match corrupt {
            Some(e) => Err(LoadError::Corrupt(id, Box::new(e))),
            None => Ok(doc),
        }
    }

    pub fn current_seq(&self) -> Result<u64> {
        self.one(
            "SELECT value FROM counters WHERE name = 'seq'",
            params![],
            |r| r.get(0),
        )
    }

    /// Documents written after `checkpoint`, oldest first, at most `limit`.
    pub fn changed_since(&self, checkpoint: u64, limit: usize) -> Result<Vec<StoredDocMeta>> {
        self.rows(
            "SELECT id, kind, seq FROM docs WHERE seq > ?1 ORDER BY seq LIMIT ?2",
            params![checkpoint, limit],
            stored_meta,
        )
    }

    pub fn doc_meta(&self, id: DocId) -> Result<Option<StoredDocMeta>> {
        self.optional(
            "SELECT id, kind, seq FROM docs WHERE id = ?1",
            params![id],
            stored_meta,
        )
    }
}

pub(super) fn stored_meta(r: &super::sql::Row<'_>) -> Result<StoredDocMeta> {
    Ok(StoredDocMeta {
        id: r.get(0)?,
        kind: r.get(1)?,
        seq: r.get(2)?,
    })
}

impl WriteTx<'_> {
    /// Appends the changes made since `base_heads` and returns the new sequence number.
    pub fn append_changes(&self, write: DocWrite<'_>) -> Result<u64> {
        let seq = self.next_seq()?;
        let heads = encode_heads(&write.doc.get_heads());
        let now = unix_seconds();
        self.execute(
            "INSERT INTO docs (id, kind, seq, heads, chunk_count, updated_at)
             VALUES (?1, ?2, ?3, ?4, 0, ?5)
             ON CONFLICT (id) DO UPDATE SET seq = ?3, heads = ?4, updated_at = ?5",
            params![write.id, write.id.kind, seq, heads, now],
        )?;
        let chunk_count: i64 = self.one(
            "UPDATE docs SET chunk_count = chunk_count + 1 WHERE id = ?1 RETURNING chunk_count",
            params![write.id],
            |r| r.get(0),
        )?;
        if chunk_count > COMPACT_AFTER {
            self.execute(
                "DELETE FROM doc_chunks WHERE doc_id = ?1",
                params![write.id],
            )?;
            self.insert_chunk(write.id, "snapshot", &write.doc.save())?;
            self.execute(
                "UPDATE docs SET chunk_count = 1 WHERE id = ?1",
                params![write.id],
            )?;
        } else {
            let chunk = write.doc.save_after(write.base_heads);
            self.insert_chunk(write.id, "incremental", &chunk)?;
        }
        Ok(seq)
    }

    fn insert_chunk(&self, id: DocId, kind: &str, bytes: &[u8]) -> Result<()> {
        self.execute(
            "INSERT INTO doc_chunks (doc_id, kind, bytes) VALUES (?1, ?2, ?3)",
            params![id, kind, bytes],
        )?;
        Ok(())
    }

    fn next_seq(&self) -> Result<u64> {
        self.one(
            "UPDATE counters SET value = value + 1 WHERE name = 'seq' RETURNING value",
            params![],
            |r| r.get(0),
        )
    }
}

fn encode_heads(heads: &[ChangeHash]) -> Vec<u8> {
    heads.iter().flat_map(|h| h.0).collect()
}

fn unix_seconds() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use automerge::ReadDoc;
    use automerge::transaction::Transactable;
    use mopai_shared::ids::FacilityId;

    use super::*;
    use crate::storage::{Storage, temp_storage as storage};

    fn append(storage: &Storage, id: DocId, doc: &mut AutoCommit, base: &[ChangeHash]) -> u64 {
        storage
            .write(|tx| {
                tx.append_changes(DocWrite {
                    id,
                    doc,
                    base_heads: base,
                })
            })
            .unwrap()
    }

    #[test]
    fn many_writes_compact_into_a_snapshot_that_loads_the_same_document() {
        let (_dir, storage) = storage();
        let id = DocId::facility(FacilityId::random());
        let mut doc = AutoCommit::new();
        let mut seqs = Vec::new();
        for i in 0..(COMPACT_AFTER * 2 + 3) {
            let base = doc.get_heads();
            doc.put(automerge::ROOT, format!("k{i}"), i).unwrap();
            seqs.push(append(&storage, id, &mut doc, &base));
        }
        assert!(seqs.windows(2).all(|w| w[0] < w[1]), "sequence increases");
        let (loaded, chunks) = storage
            .read(|tx| {
                let chunks: i64 = tx.one(
                    "SELECT COUNT(*) FROM doc_chunks WHERE doc_id = ?1",
                    params![id],
                    |r| r.get(0),
                )?;
                Ok::<_, LoadError>((tx.load_doc(id)?, chunks))
            })
            .unwrap();
        let mut loaded = loaded.expect("stored");
        assert!(chunks <= COMPACT_AFTER, "compacted: {chunks} chunks");
        assert_eq!(loaded.get_heads(), doc.get_heads());
        assert_eq!(
            loaded.keys(automerge::ROOT).count(),
            doc.keys(automerge::ROOT).count()
        );
    }

    #[test]
    fn a_failed_transaction_stores_nothing() {
        let (_dir, storage) = storage();
        let id = DocId::facility(FacilityId::random());
        let mut doc = AutoCommit::new();
        doc.put(automerge::ROOT, "a", 1).unwrap();
        let result: Result<(), Error> = storage.write(|tx| {
            tx.append_changes(DocWrite {
                id,
                doc: &mut doc,
                base_heads: &[],
            })?;
            Err(Error::NoRow)
        });
        assert!(result.is_err());
        let stored = storage.read(|tx| tx.load_doc(id)).unwrap();
        assert!(stored.is_none());
        assert_eq!(storage.read(|tx| tx.current_seq()).unwrap(), 0);
    }
}
