//! IndexedDB, through rexie: the phone's durable copy of everything.
//!
//! Object stores:
//! - `docs`: document id → saved Automerge bytes (the outbox: nothing else to lose);
//! - `sync_states`: document id → `sync::State::encode()` with the server;
//! - `meta`: device id, sync checkpoint (saved after each round's documents),
//!   the time of the last sync, the session, actor ids per user;
//! - `blobs` (since version 2): photo SHA-256 → `{mime, bytes}`, the photo itself;
//! - `uploads` (since version 2): photo SHA-256 → mime, the photos still to upload.
//!
//! Each save is its own transaction, awaited before the page says "saved".
//! Writers that read a document, change it and put it back hold
//! `services::writer`'s lock, so two of them never interleave.

use js_sys::{Object, Reflect, Uint8Array};
use rexie::{ObjectStore, Rexie, TransactionMode};
use wasm_bindgen::JsValue;

use crate::docs::StoredDoc;

const DB_NAME: &str = "mopai";
/// 1: docs, sync_states, meta. 2: + blobs, uploads (existing stores are kept).
const DB_VERSION: u32 = 2;
const DOCS: &str = "docs";
const SYNC_STATES: &str = "sync_states";
const META: &str = "meta";
const BLOBS: &str = "blobs";
const UPLOADS: &str = "uploads";

#[derive(Debug, thiserror::Error)]
#[error("本机存储出错：{0}")]
pub struct StoreError(String);

impl From<rexie::Error> for StoreError {
    fn from(e: rexie::Error) -> Self {
        StoreError(e.to_string())
    }
}

impl From<StoreError> for String {
    fn from(e: StoreError) -> Self {
        e.to_string()
    }
}

pub type StoreResult<T> = Result<T, StoreError>;

/// A photo as stored on the phone.
pub struct Blob {
    pub mime: String,
    pub bytes: Vec<u8>,
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
            .add_object_store(ObjectStore::new(BLOBS))
            .add_object_store(ObjectStore::new(UPLOADS))
            .build()
            .await?;
        Ok(Self { db })
    }

    pub async fn put_doc(&self, id: &str, bytes: &[u8]) -> StoreResult<()> {
        self.put(DOCS, id, &Uint8Array::from(bytes).into()).await
    }

    pub async fn doc(&self, id: &str) -> StoreResult<Option<Vec<u8>>> {
        Ok(self.get(DOCS, id).await?.map(|v| bytes_of(&v)))
    }

    pub async fn put_sync_state(&self, id: &str, bytes: &[u8]) -> StoreResult<()> {
        self.put(SYNC_STATES, id, &Uint8Array::from(bytes).into())
            .await
    }

    pub async fn put_meta(&self, key: &str, value: &str) -> StoreResult<()> {
        self.put(META, key, &JsValue::from_str(value)).await
    }

    pub async fn meta(&self, key: &str) -> StoreResult<Option<String>> {
        Ok(self.get(META, key).await?.and_then(|v| v.as_string()))
    }

    pub async fn delete_meta(&self, key: &str) -> StoreResult<()> {
        self.delete(META, key).await
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

    /// Keeps a photo and queues it for upload, in one transaction.
    pub async fn put_photo(&self, sha256: &str, blob: &Blob) -> StoreResult<()> {
        let value = Object::new();
        let set = |k: &str, v: &JsValue| Reflect::set(&value, &JsValue::from_str(k), v);
        set("mime", &JsValue::from_str(&blob.mime))
            .and_then(|_| set("bytes", &Uint8Array::from(blob.bytes.as_slice()).into()))
            .map_err(|_| StoreError("无法保存照片".into()))?;
        let key = JsValue::from_str(sha256);
        let tx = self
            .db
            .transaction(&[BLOBS, UPLOADS], TransactionMode::ReadWrite)?;
        tx.store(BLOBS)?.put(&value, Some(&key)).await?;
        tx.store(UPLOADS)?
            .put(&JsValue::from_str(&blob.mime), Some(&key))
            .await?;
        tx.done().await?;
        Ok(())
    }

    pub async fn photo(&self, sha256: &str) -> StoreResult<Option<Blob>> {
        let Some(value) = self.get(BLOBS, sha256).await? else {
            return Ok(None);
        };
        let get = |k: &str| Reflect::get(&value, &JsValue::from_str(k)).ok();
        Ok(Some(Blob {
            mime: get("mime").and_then(|m| m.as_string()).unwrap_or_default(),
            bytes: get("bytes").map(|b| bytes_of(&b)).unwrap_or_default(),
        }))
    }

    /// The upload queue: (sha256, mime) of every photo not yet on the server.
    pub async fn pending_uploads(&self) -> StoreResult<Vec<(String, String)>> {
        let tx = self.db.transaction(&[UPLOADS], TransactionMode::ReadOnly)?;
        let all = tx.store(UPLOADS)?.scan(None, None, None, None).await?;
        Ok(all
            .into_iter()
            .filter_map(|(k, v)| Some((k.as_string()?, v.as_string()?)))
            .collect())
    }

    /// The server has the photo; the bytes stay on the phone for display.
    pub async fn uploaded(&self, sha256: &str) -> StoreResult<()> {
        self.delete(UPLOADS, sha256).await
    }

    async fn get(&self, store: &str, key: &str) -> StoreResult<Option<JsValue>> {
        let tx = self.db.transaction(&[store], TransactionMode::ReadOnly)?;
        Ok(tx.store(store)?.get(JsValue::from_str(key)).await?)
    }

    async fn put(&self, store: &str, key: &str, value: &JsValue) -> StoreResult<()> {
        let tx = self.db.transaction(&[store], TransactionMode::ReadWrite)?;
        tx.store(store)?
            .put(value, Some(&JsValue::from_str(key)))
            .await?;
        tx.done().await?;
        Ok(())
    }

    async fn delete(&self, store: &str, key: &str) -> StoreResult<()> {
        let tx = self.db.transaction(&[store], TransactionMode::ReadWrite)?;
        tx.store(store)?.delete(JsValue::from_str(key)).await?;
        tx.done().await?;
        Ok(())
    }
}

fn bytes_of(value: &JsValue) -> Vec<u8> {
    Uint8Array::new(value).to_vec()
}
