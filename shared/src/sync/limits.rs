//! What one Automerge sync message may ask of its receiver.
//!
//! Honest messages carry a handful of hashes and one Bloom filter of 10 bits
//! per entry probed 7 times. A crafted one could make the receiver loop for
//! hours or allocate gigabytes: Automerge probes each filter as many times
//! as the filter says (`num_probes` is a `u32` taken from the wire), divides
//! by its size (zero for zero bits per entry), and walks the history from
//! every `last_sync` hash of every `have`. [`check_message`] refuses such a
//! message before Automerge sees it.
//!
//! [`MAX_DOC_HEADS`] bounds concurrent branches: a document whose heads
//! outnumber what an honest message may list could never be synced again
//! by anyone, so a write that would leave more is refused.

use automerge::sync::{BloomFilter, Message};

/// Hashes one message may list: heads, need, and the `last_sync` of every have.
pub const MAX_HASHES_PER_MESSAGE: usize = 1024;
/// `have` entries (Bloom filters) one message may carry.
pub const MAX_HAVES_PER_MESSAGE: usize = 16;
/// Probes per Bloom filter entry (Automerge uses 7).
pub const MAX_BLOOM_PROBES: u64 = 32;
/// Bits per Bloom filter entry (Automerge uses 10).
pub const MAX_BLOOM_BITS_PER_ENTRY: u64 = 64;
/// Concurrent branches (heads) a stored document may have; well under
/// [`MAX_HASHES_PER_MESSAGE`], so its heads always fit in a message.
pub const MAX_DOC_HEADS: usize = 256;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LimitError {
    #[error("同步消息列出 {0} 个哈希，最多 {MAX_HASHES_PER_MESSAGE} 个")]
    TooManyHashes(usize),
    #[error("同步消息带有 {0} 个摘要，最多 {MAX_HAVES_PER_MESSAGE} 个")]
    TooManyHaves(usize),
    #[error("同步消息的布隆过滤器参数异常（每项 {bits} 位、{probes} 次探测）")]
    BloomShape { bits: u64, probes: u64 },
    #[error("文档将有 {0} 个并发分支，最多 {MAX_DOC_HEADS} 个")]
    TooManyHeads(usize),
}

/// Refuses a message that would make its receiver do unbounded work.
pub fn check_message(message: &Message) -> Result<(), LimitError> {
    if message.have.len() > MAX_HAVES_PER_MESSAGE {
        return Err(LimitError::TooManyHaves(message.have.len()));
    }
    let hashes = message.heads.len()
        + message.need.len()
        + message
            .have
            .iter()
            .map(|h| h.last_sync.len())
            .sum::<usize>();
    if hashes > MAX_HASHES_PER_MESSAGE {
        return Err(LimitError::TooManyHashes(hashes));
    }
    for have in &message.have {
        check_bloom(&have.bloom)?;
    }
    Ok(())
}

/// A document may gain heads only up to [`MAX_DOC_HEADS`]; one that has
/// more (from before this limit) may still merge them away.
pub fn check_heads(before: usize, after: usize) -> Result<(), LimitError> {
    if after > MAX_DOC_HEADS && after > before {
        Err(LimitError::TooManyHeads(after))
    } else {
        Ok(())
    }
}

/// The filter's shape, read from its wire form (entries, bits per entry,
/// probes, all LEB128; empty for an empty filter).
fn check_bloom(bloom: &BloomFilter) -> Result<(), LimitError> {
    let bytes = bloom.to_bytes();
    let mut rest = &bytes[..];
    let mut next = || leb128(&mut rest);
    let (Some(entries), Some(bits), Some(probes)) = (next(), next(), next()) else {
        // Empty: no entries, nothing probed.
        return Ok(());
    };
    if entries == 0 {
        return Ok(());
    }
    if !(1..=MAX_BLOOM_BITS_PER_ENTRY).contains(&bits) || !(1..=MAX_BLOOM_PROBES).contains(&probes)
    {
        return Err(LimitError::BloomShape { bits, probes });
    }
    Ok(())
}

fn leb128(bytes: &mut &[u8]) -> Option<u64> {
    let mut value: u64 = 0;
    for shift in (0..64).step_by(7) {
        let (&b, rest) = bytes.split_first()?;
        *bytes = rest;
        value |= u64::from(b & 0x7f) << shift;
        if b & 0x80 == 0 {
            return Some(value);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use automerge::sync::{Have, MessageVersion};
    use automerge::{AutoCommit, ChangeHash, ROOT, transaction::Transactable};

    use super::*;

    fn filter(entries: u64, bits: u64, probes: u64) -> BloomFilter {
        let mut wire = Vec::new();
        for mut v in [entries, bits, probes] {
            loop {
                let b = (v & 0x7f) as u8;
                v >>= 7;
                wire.push(if v == 0 { b } else { b | 0x80 });
                if v == 0 {
                    break;
                }
            }
        }
        wire.resize(wire.len() + (entries * bits).div_ceil(8) as usize, 0xff);
        BloomFilter::try_from(&wire[..]).unwrap()
    }

    fn message(have: Vec<Have>, heads: usize) -> Message {
        Message {
            heads: vec![ChangeHash([7; 32]); heads],
            need: Vec::new(),
            have,
            changes: Vec::<Vec<u8>>::new().into(),
            flags: None,
            version: MessageVersion::V1,
        }
    }

    fn have(bloom: BloomFilter) -> Have {
        Have {
            last_sync: Vec::new(),
            bloom,
        }
    }

    #[test]
    fn honest_messages_pass() {
        let mut doc = AutoCommit::new();
        for i in 0..100 {
            doc.put(ROOT, "k", i).unwrap();
            doc.commit();
        }
        let hashes = doc
            .get_changes(&[])
            .iter()
            .map(|c| c.hash())
            .collect::<Vec<_>>();
        let honest = BloomFilter::from_hashes(hashes.iter());
        assert_eq!(check_message(&message(vec![have(honest)], 3)), Ok(()));
        assert_eq!(
            check_message(&message(vec![have(BloomFilter::default())], 0)),
            Ok(())
        );
        assert_eq!(
            check_message(&message(Vec::new(), MAX_HASHES_PER_MESSAGE)),
            Ok(())
        );
    }

    #[test]
    fn crafted_filters_and_long_lists_are_refused() {
        for (bits, probes) in [
            (10, 100_000_000),
            (10, u64::from(u32::MAX)),
            (0, 7),
            (10, 0),
            (1000, 7),
        ] {
            assert!(
                matches!(
                    check_message(&message(vec![have(filter(2, bits, probes))], 1)),
                    Err(LimitError::BloomShape { .. })
                ),
                "{bits} bits, {probes} probes"
            );
        }
        let many = (0..=MAX_HAVES_PER_MESSAGE)
            .map(|_| have(BloomFilter::default()))
            .collect();
        assert!(matches!(
            check_message(&message(many, 1)),
            Err(LimitError::TooManyHaves(_))
        ));
        let long = Have {
            last_sync: vec![ChangeHash([1; 32]); MAX_HASHES_PER_MESSAGE],
            bloom: BloomFilter::default(),
        };
        assert!(matches!(
            check_message(&message(vec![long], 1)),
            Err(LimitError::TooManyHashes(_))
        ));
        assert!(check_heads(2, MAX_DOC_HEADS).is_ok());
        assert!(check_heads(2, MAX_DOC_HEADS + 1).is_err());
        assert!(
            check_heads(900, 800).is_ok(),
            "merging branches away is fine"
        );
    }
}
