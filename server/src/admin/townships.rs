//! Townships: a row for accounts to belong to, and an entry in the county
//! settings document so phones show the same names.

use mopai_shared::ids::TownshipId;
use mopai_shared::model::Township;

use super::docs::{ServerWriter, update_settings};
use super::{AdminError, AdminResult};
use crate::clock::unix_now;
use crate::storage::townships::TownshipRow;
use crate::storage::{Storage, WriteTx};

const MAX_NAME_CHARS: usize = 32;

pub fn as_settings(rows: &[TownshipRow]) -> Vec<Township> {
    rows.iter()
        .map(|t| Township {
            id: t.id,
            name: t.name.clone(),
            active: t.active,
        })
        .collect()
}

/// Adds the townships that are not registered yet (by name) in one
/// transaction, and returns each name's id with whether it was added now.
pub fn ensure(
    tx: &WriteTx<'_>,
    writer: &ServerWriter,
    names: &[&str],
) -> AdminResult<Vec<(TownshipId, bool)>> {
    let mut out = Vec::with_capacity(names.len());
    let mut added = false;
    for name in names {
        let name = name.trim();
        if name.is_empty() || name.chars().count() > MAX_NAME_CHARS {
            return Err(AdminError::invalid(format!(
                "乡镇名称须为 1 至 {MAX_NAME_CHARS} 个字：{name:?}"
            )));
        }
        match tx.township_by_name(name)? {
            Some(t) => out.push((t.id, false)),
            None => {
                let id = TownshipId::random();
                tx.insert_township(id, name, unix_now())?;
                out.push((id, true));
                added = true;
            }
        }
    }
    if added {
        let rows = tx.townships()?;
        update_settings(tx, writer, |s| {
            for t in as_settings(&rows) {
                if s.township(t.id).is_none() {
                    s.townships.push(t);
                }
            }
        })?;
    }
    Ok(out)
}

/// `mopai township add`: refuses a name that exists.
pub fn add(storage: &Storage, names: &[&str]) -> AdminResult<Vec<TownshipId>> {
    let writer = ServerWriter::new("township-add");
    storage.write(|tx| {
        let added = ensure(tx, &writer, names)?;
        added
            .iter()
            .zip(names)
            .map(|((id, new), name)| {
                if *new {
                    Ok(*id)
                } else {
                    Err(AdminError::invalid(format!("乡镇“{}”已存在", name.trim())))
                }
            })
            .collect()
    })
}

pub fn list(storage: &Storage) -> AdminResult<Vec<TownshipRow>> {
    Ok(storage.read(|tx| tx.townships())?)
}
