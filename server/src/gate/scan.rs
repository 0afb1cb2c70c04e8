//! Documents stored before the write gate (or before its current rules)
//! are checked once, in the background after a start, so that a document
//! that no longer projects is listed in `/api/problems` and counted in
//! `/healthz` even if nobody writes it again. Later writes keep the list
//! current (see `projection`).

use mopai_shared::doc::read_header;
use mopai_shared::gate::check_document;

use crate::clock::unix_now;
use crate::error::AppResult;
use crate::storage::Storage;

/// Bumped when the gate's content rules change, so stored documents are
/// checked again on the next start.
pub const RULES_VERSION: &str = "1";
const SCANNED_KEY: &str = "gate_rules_scanned";
/// Documents read in one read transaction and recorded in one write.
const BATCH: usize = 200;

/// Checks every stored document unless this version of the rules already
/// did; returns how many documents were checked.
pub fn scan(storage: &Storage) -> AppResult<usize> {
    if storage.read(|tx| tx.meta(SCANNED_KEY))?.as_deref() == Some(RULES_VERSION) {
        return Ok(0);
    }
    let mut after = None;
    let mut checked = 0;
    loop {
        let found = storage.read(|tx| {
            let mut found = Vec::new();
            for id in tx.doc_ids_after(after, BATCH)? {
                let Ok(Some(doc)) = tx.load_doc(id) else {
                    found.push((id, None, Some("文档无法读取".to_owned())));
                    continue;
                };
                let township = read_header(&doc).ok().map(|h| h.township);
                let fault = check_document(&doc).err().map(|f| f.message);
                found.push((id, township, fault));
            }
            Ok::<_, crate::storage::Error>(found)
        })?;
        let Some((last, _, _)) = found.last() else {
            break;
        };
        after = Some(*last);
        checked += found.len();
        let now = unix_now();
        storage.write(|tx| {
            for (id, township, fault) in &found {
                match fault {
                    Some(reason) => tx.put_problem(*id, *township, reason, now)?,
                    None => tx.clear_problem(*id)?,
                }
            }
            Ok::<_, crate::storage::Error>(())
        })?;
    }
    storage.write(|tx| tx.set_meta(SCANNED_KEY, RULES_VERSION))?;
    Ok(checked)
}
