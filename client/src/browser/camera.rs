//! A photo picked from `<input type=file capture>`: re-encoded in the
//! browser as JPEG no larger than [`MAX_EDGE`] (decode with
//! `createImageBitmap`, which applies the EXIF orientation, draw on a
//! canvas, `toBlob`), and hashed with `crypto.subtle`.

use js_sys::{ArrayBuffer, Promise, Uint8Array};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;
use web_sys::{CanvasRenderingContext2d, File, HtmlCanvasElement, ImageBitmap};

use super::js_error;
use crate::photo::{ACCEPTED, JPEG, JPEG_QUALITY, MAX_EDGE, fit, hex};
use crate::store::Blob;

/// The bytes to keep for `file`: re-encoded when the browser can decode it,
/// else the original when the server accepts its type.
pub async fn prepare(file: &File) -> Result<Blob, String> {
    match reencode(file).await {
        Ok(blob) => Ok(blob),
        Err(_) if ACCEPTED.contains(&file.type_().as_str()) => Ok(Blob {
            mime: file.type_(),
            bytes: bytes_of(file).await?,
        }),
        Err(e) => Err(format!("无法读取这张照片（{e}），请直接用相机拍摄")),
    }
}

async fn reencode(file: &File) -> Result<Blob, String> {
    let promise = gloo::utils::window()
        .create_image_bitmap_with_blob(file)
        .map_err(js_error)?;
    let bitmap: ImageBitmap = JsFuture::from(promise)
        .await
        .map_err(js_error)?
        .unchecked_into();
    let (width, height) = fit(bitmap.width(), bitmap.height(), MAX_EDGE);
    let canvas: HtmlCanvasElement = gloo::utils::document()
        .create_element("canvas")
        .map_err(js_error)?
        .unchecked_into();
    canvas.set_width(width);
    canvas.set_height(height);
    let context: CanvasRenderingContext2d = canvas
        .get_context("2d")
        .map_err(js_error)?
        .ok_or("浏览器不支持画布")?
        .unchecked_into();
    context
        .draw_image_with_image_bitmap_and_dw_and_dh(
            &bitmap,
            0.0,
            0.0,
            f64::from(width),
            f64::from(height),
        )
        .map_err(js_error)?;
    bitmap.close();
    let encoded = Promise::new(&mut |resolve, reject| {
        let quality = JsValue::from_f64(JPEG_QUALITY);
        if let Err(e) = canvas.to_blob_with_type_and_encoder_options(&resolve, JPEG, &quality) {
            let _ = reject.call1(&JsValue::NULL, &e);
        }
    });
    let blob = JsFuture::from(encoded).await.map_err(js_error)?;
    if blob.is_null() {
        return Err("照片编码失败".into());
    }
    Ok(Blob {
        mime: JPEG.to_owned(),
        bytes: bytes_of(blob.unchecked_ref()).await?,
    })
}

async fn bytes_of(blob: &web_sys::Blob) -> Result<Vec<u8>, String> {
    let buffer: ArrayBuffer = JsFuture::from(blob.array_buffer())
        .await
        .map_err(js_error)?
        .unchecked_into();
    Ok(Uint8Array::new(&buffer).to_vec())
}

/// Lowercase hex SHA-256, as the blob store and `PhotoRef` name a photo.
pub async fn sha256_hex(bytes: &[u8]) -> Result<String, String> {
    let subtle = gloo::utils::window()
        .crypto()
        .map_err(|_| "浏览器不支持加密接口（需要 HTTPS）")?
        .subtle();
    let promise = subtle
        .digest_with_str_and_u8_array("SHA-256", bytes)
        .map_err(js_error)?;
    let digest: ArrayBuffer = JsFuture::from(promise)
        .await
        .map_err(js_error)?
        .unchecked_into();
    Ok(hex(&Uint8Array::new(&digest).to_vec()))
}
