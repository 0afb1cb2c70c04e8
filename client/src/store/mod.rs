//! IndexedDB, through rexie: the phone's durable copy of everything.
//!
//! Object stores:
//! - `docs`: document id → saved Automerge bytes (the outbox: nothing else to lose);
//! - `sync_states`: document id → `sync::State::encode()` with the server;
//! - `meta`: device id, sync checkpoint, the session, actor ids per user.
//!
//! Each save is its own transaction, awaited before the page says "saved".

use js_sys::Uint8Array;
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;

const DB_NAME: &str = "mopai";
const DB_VERSION: u32 = 1;
const DOCS: &str = "docs";
const SYNC_STATES: &str = "sync_states";
const META: &str = "meta";

#[derive(Debug, thiserror::Error)]
#[error("本机存储出错：{0}")]
pub struct StoreError(String);

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        StoreError(e.to_string())
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A stored document with its sync state, if it was ever synced.
pub struct StoredDoc {
    pub id: String,
    pub doc: Vec<u8>,
    pub sync_state: Option<Vec<u8>>,
}

pub struct Store {
    db: Rexie,
}

impl Store {
    pub async fn open() -> StoreResult<Self> {
        let db = Rexie::builder(DB_NAME)
            .version(DB_VERSION)
            .add_object_store(ObjectStore::new(DOCS))
            .add_object_store(ObjectStore::new(SYNC_STATES))
            .add_object_store(ObjectStore::new(META))
            .build()
            .await?;
        Ok(Self { db })
    }

    pub async fn put_doc(&self, id: &str, bytes: &[u8]) -> StoreResult<()> {
        self.put(DOCS, id, &Uint8Array::from(bytes).into()).await
    }

    pub async fn put_sync_state(&self, id: &str, bytes: &[u8]) -> StoreResult<()> {
        self.put(SYNC_STATES, id, &Uint8Array::from(bytes).into())
            .await
    }

    pub async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.put(META, key, &JsValue::from_str(value)).await
    }

    pub async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadOnly)?;
        let value = tx.store(META)?.get(JsValue::from_str(key)).await?;
        Ok(value.and_then(|v| v.as_string()))
    }

    pub async fn delete_meta(&self, key: &str) -> StoreResult<()> {
        let tx = self.db.transaction(&[META], TransactionMode::ReadWrite)?;
        tx.store(META)?.delete(JsValue::from_str(key)).await?;
        tx.done().await?;
        Ok(())
    }

    /// Every document with its sync state.
    pub async fn all_docs(&self) -> StoreResult<Vec<StoredDoc>> {
        let tx = self
            .db
            .transaction(&[DOCS, SYNC_STATES], TransactionMode::ReadOnly)?;
        let docs = tx.store(DOCS)?.scan(None, None, None, None).await?;
        let states = tx.store(SYNC_STATES)?;
        let mut out = Vec::with_capacity(docs.len());
        for (key, value) in docs {
            let sync_state = states.get(key.clone()).await?.map(|v| bytes_of(&v));
            out.push(StoredDoc {
                id: key.as_string().unwrap_or_default(),
                doc: bytes_of(&value),
                sync_state,
            });
        }
        Ok(out)
    }

    async fn put(&self, store: &str, key: &str, value: &JsValue) -> StoreResult<()> {
        let tx = self.db.transaction(&[store], TransactionMode::ReadWrite)?;
        tx.store(store)?
            .put(value, Some(&JsValue::from_str(key)))
            .await?;
        tx.done().await?;
        Ok(())
    }
}

fn bytes_of(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}
