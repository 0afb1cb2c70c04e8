//! Evidence photos: taken into IndexedDB at once (bytes in `blobs`, the
//! SHA-256 in `uploads`, a `PhotoRef` in the visit), uploaded after a sync
//! has put the visit that names them on the server.
//!
//! Upload is `HEAD /api/blobs/{sha256}` first (another phone may have sent
//! the same photo), then `PUT`. The server checks the hash, so a cut-off
//! upload is refused and simply sent again next time.

use std::rc::Rc;

use gloo::net::http::Method;
use mopai_shared::ids::{FacilityId, VisitId};
use wasm_bindgen_futures::spawn_local;
use web_sys::File;
use yew::Callback;

use super::Services;
use crate::api::{self, ApiError, Call};
use crate::browser::camera;
use crate::form::edit::Edit;
use crate::state::Action;

/// One photo up or down; ~300 KB on a slow connection.
const TIMEOUT_MS: u32 = 120_000;

fn url(sha256: &str) -> String {
    format!("/api/blobs/{sha256}")
}

enum Upload {
    Done,
    Unauthorized,
    Failed(String),
}

impl Services {
    /// Keeps `file` as a photo of the visit; `done` gets an error in words.
    pub fn add_photo(
        self: &Rc<Self>,
        facility: FacilityId,
        visit: VisitId,
        file: File,
        done: Callback<Result<(), String>>,
    ) {
        let this = self.clone();
        spawn_local(async move {
            let result = this.keep_photo(facility, visit, &file).await;
            done.emit(result);
            this.count_uploads();
            this.estimate_storage();
        });
    }

    async fn keep_photo(
        self: &Rc<Self>,
        facility: FacilityId,
        visit: VisitId,
        file: &File,
    ) -> Result<(), String> {
        let blob = camera::prepare(file).await?;
        let sha256 = camera::sha256_hex(&blob.bytes).await?;
        self.store.put_photo(&sha256, &blob).await?;
        let photo = crate::photo::photo_ref(
            sha256,
            blob.bytes.len(),
            &blob.mime,
            Some(crate::clock::now()),
        );
        self.edit(facility, Edit::AddPhoto(visit, photo));
        Ok(())
    }

    /// Tells the state which photos wait for upload.
    pub fn count_uploads(self: &Rc<Self>) {
        let this = self.clone();
        spawn_local(async move {
            if let Ok(queue) = this.store.pending_uploads().await {
                let queue = queue.into_iter().map(|(sha256, _)| sha256).collect();
                this.dispatch(Action::UploadQueue(queue));
            }
        });
    }

    /// Re-reads the storage estimate (after photos, which are most of it).
    pub fn estimate_storage(self: &Rc<Self>) {
        let this = self.clone();
        spawn_local(async move {
            if let Some(usage) = crate::browser::quota::estimate().await {
                this.dispatch(Action::StorageEstimated(usage));
            }
        });
    }

    /// Uploads the queue, one photo at a time; stops at the first failure
    /// and leaves the rest for after the next sync.
    pub fn upload_photos(self: &Rc<Self>) {
        let Some(session) = self.session() else {
            return;
        };
        if self.uploading.replace(true) {
            return;
        }
        let this = self.clone();
        spawn_local(async move {
            let queue = this.store.pending_uploads().await.unwrap_or_default();
            for (sha256, mime) in queue {
                match upload(&this, &session.token, &sha256, &mime).await {
                    Upload::Done => {
                        if this.store.uploaded(&sha256).await.is_ok() {
                            this.dispatch(Action::Uploaded(sha256));
                        }
                    }
                    Upload::Unauthorized => {
                        this.dispatch(Action::SessionExpired);
                        break;
                    }
                    Upload::Failed(why) => {
                        this.dispatch(Action::Failed(format!("照片上传失败，稍后自动重试：{why}")));
                        break;
                    }
                }
            }
            this.uploading.set(false);
        });
    }

    /// A photo's bytes for display: from the phone, else from the server.
    pub async fn photo_blob(&self, sha256: &str) -> Result<web_sys::Blob, String> {
        if let Some(local) = self.store.photo(sha256).await? {
            return crate::browser::blob_of(&local.bytes, &local.mime);
        }
        let token = self.session().map(|s| s.token).unwrap_or_default();
        let answer = api::get(&url(sha256), &token, TIMEOUT_MS)
            .send()
            .await
            .map_err(|e| match e.status {
                None => "照片不在本机，联网后可查看".to_owned(),
                Some(status) => format!("照片无法取得（{status}）"),
            })?;
        let bytes = answer.bytes().await.map_err(|e| e.message)?;
        let mime = answer
            .response
            .headers()
            .get("content-type")
            .unwrap_or_default();
        crate::browser::blob_of(&bytes, &mime)
    }
}

async fn upload(services: &Services, token: &str, sha256: &str, mime: &str) -> Upload {
    let head = Call::new(Method::HEAD, &url(sha256), Some(token), TIMEOUT_MS);
    match head.send().await {
        Ok(_) => return Upload::Done,
        // Not there yet (or not answered as a HEAD can be): send it.
        Err(e) if e.status.is_some_and(|s| s != 401) => {}
        Err(e) => return Upload::failed(e),
    }
    let Ok(Some(blob)) = services.store.photo(sha256).await else {
        return Upload::Failed("本机找不到这张照片".into());
    };
    let put = Call::new(Method::PUT, &url(sha256), Some(token), TIMEOUT_MS);
    match put.send_bytes(mime, &blob.bytes).await {
        Ok(_) => Upload::Done,
        Err(e) => Upload::failed(e),
    }
}

impl Upload {
    fn failed(e: ApiError) -> Self {
        match e.status {
            Some(401) => Upload::Unauthorized,
            Some(status) => Upload::Failed(format!("服务器拒绝（{status}）")),
            None => Upload::Failed(e.message),
        }
    }
}
