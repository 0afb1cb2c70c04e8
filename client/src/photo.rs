//! Photo logic that needs no browser: the size a photo is scaled to, the
//! hex form of its hash, and the [`PhotoRef`] a visit keeps.
//!
//! Photos are re-encoded as JPEG no larger than [`MAX_EDGE`] on the long
//! side: a 12-megapixel phone photo shrinks from ~4 MB to ~300 KB, which is
//! what a township connection can upload, and plenty to read a fee notice.

use mopai_shared::ids::PhotoId;
use mopai_shared::model::{PhotoRef, Timestamp};

pub const MAX_EDGE: u32 = 1600;
pub const JPEG: &str = "image/jpeg";
pub const JPEG_QUALITY: f64 = 0.82;
/// Types the server accepts as they are, when the browser cannot re-encode.
pub const ACCEPTED: &[&str] = &["image/jpeg", "image/png", "image/webp"];

/// The size that fits `max` on the long side, keeping the aspect ratio.
/// Never enlarges; never returns a zero side.
pub fn fit(width: u32, height: u32, max: u32) -> (u32, u32) {
    let long = width.max(height);
    if long <= max || long == 0 {
        return (width.max(1), height.max(1));
    }
    let scale = |side: u32| {
        ((u64::from(side) * u64::from(max) + u64::from(long) / 2) / u64::from(long)).max(1)
    };
    (scale(width) as u32, scale(height) as u32)
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

pub fn photo_ref(sha256: String, size: usize, mime: &str, taken_at: Option<Timestamp>) -> PhotoRef {
    PhotoRef {
        id: PhotoId::random(),
        sha256,
        size_bytes: size as u64,
        mime: mime.to_owned(),
        caption: String::new(),
        taken_at,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn photos_shrink_to_the_long_edge_and_never_grow() {
        assert_eq!(fit(4000, 3000, 1600), (1600, 1200));
        assert_eq!(fit(3000, 4000, 1600), (1200, 1600));
        assert_eq!(fit(800, 600, 1600), (800, 600));
        assert_eq!(fit(10_000, 1, 1600), (1600, 1));
        assert_eq!(fit(0, 0, 1600), (1, 1));
    }

    #[test]
    fn hashes_are_lowercase_hex() {
        assert_eq!(hex(&[0x00, 0xab, 0xff]), "00abff");
    }
}
