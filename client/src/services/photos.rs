//! Evidence photos: taken into IndexedDB at once (bytes in `blobs`, the
//! SHA-256 in `uploads`, a `PhotoRef` in the visit), uploaded after a sync
//! has put the visit that names them on the server.
//!
//! Upload is `HEAD /api/blobs/{sha256}` first (another phone may have sent
//! the same photo), then `PUT`. The server checks the hash, so a cut-off
//! upload is refused and simply sent again next time.

use std::rc::Rc;

use gloo::net::http::{Method, Request, RequestBuilder};
use mopai_shared::ids::{FacilityId, VisitId};
use wasm_bindgen_futures::spawn_local;
use web_sys::File;
use yew::Callback;

use super::Services;
use crate::browser::{Deadline, camera};
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
        let deadline = Deadline::after_ms(TIMEOUT_MS);
        let response = authorized(Request::get(&url(sha256)), &token, &deadline)
            .send()
            .await
            .map_err(|_| "照片不在本机，联网后可查看")?;
        if !response.ok() {
            return Err(format!("照片无法取得（{}）", response.status()));
        }
        let bytes = response.binary().await.map_err(|e| e.to_string())?;
        let mime = response.headers().get("content-type").unwrap_or_default();
        crate::browser::blob_of(&bytes, &mime)
    }
}

/// Adds the token and a deadline (keep the `Deadline` until the body is read).
fn authorized(request: RequestBuilder, token: &str, deadline: &Option<Deadline>) -> RequestBuilder {
    request
        .header("authorization", &format!("Bearer {token}"))
        .abort_signal(deadline.as_ref().map(|d| d.signal()).as_ref())
}

async fn upload(services: &Services, token: &str, sha256: &str, mime: &str) -> Upload {
    let deadline = Deadline::after_ms(TIMEOUT_MS);
    let head = authorized(
        RequestBuilder::new(&url(sha256)).method(Method::HEAD),
        token,
        &deadline,
    )
    .send()
    .await;
    match head.map(|r| r.status()) {
        Ok(200) => return Upload::Done,
        Ok(401) => return Upload::Unauthorized,
        Ok(_) => {}
        Err(e) => return Upload::Failed(format!("无法连接服务器（{e}）")),
    }
    let Ok(Some(blob)) = services.store.photo(sha256).await else {
        return Upload::Failed("本机找不到这张照片".into());
    };
    let deadline = Deadline::after_ms(TIMEOUT_MS);
    let request = authorized(Request::put(&url(sha256)), token, &deadline)
        .header("content-type", mime)
        .body(js_sys::Uint8Array::from(blob.bytes.as_slice()));
    let response = match request {
        Ok(r) => r.send().await,
        Err(e) => return Upload::Failed(e.to_string()),
    };
    match response {
        Ok(r) if r.ok() => Upload::Done,
        Ok(r) if r.status() == 401 => Upload::Unauthorized,
        Ok(r) => Upload::Failed(format!("服务器拒绝（{}）", r.status())),
        Err(e) => Upload::Failed(format!("无法连接服务器（{e}）")),
    }
}
