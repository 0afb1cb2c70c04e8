//! `mopai demo`: a demo county, 衡山县, with its 12 townships, an account
//! for every role (known passwords, printed by the command), and sample
//! facilities of every category and listing source.
//!
//! Running it again changes nothing: townships are found by name, users by
//! username (an existing one keeps its password), facilities by the import's
//! duplicate check, and the settings only get a county name if they have none.

use mopai_shared::model::{
    Category, Day, Facility, LegalForm, ListingSource, Ownership, Profile, VenueInfo, VenueNature,
};
use mopai_shared::roles::Role;
use mopai_shared::validate::{uscc_check_char, uscc_legal_form};

use super::accounts::{self, NewAccount};
use super::docs::{ServerWriter, update_settings};
use super::import::fields::Townships;
use super::import::{Candidate, ImportOptions, ImportReport, Parsed, store_rows};
use super::{AdminError, AdminResult, townships};
use crate::storage::Storage;

pub const COUNTY: &str = "衡山县";

pub const TOWNSHIPS: [&str; 12] = [
    "开云镇",
    "新桥镇",
    "萱洲镇",
    "白果镇",
    "店门镇",
    "岭坡乡",
    "东湖镇",
    "贯塘乡",
    "福田铺乡",
    "长江镇",
    "永和乡",
    "江东乡",
];

/// A demo account and its published password.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DemoUser {
    pub username: &'static str,
    pub display_name: &'static str,
    pub role: Role,
    pub township: Option<&'static str>,
    pub password: &'static str,
}

const fn user(
    username: &'static str,
    display_name: &'static str,
    role: Role,
    township: Option<&'static str>,
    password: &'static str,
) -> DemoUser {
    DemoUser {
        username,
        display_name,
        role,
        township,
        password,
    }
}

pub const USERS: &[DemoUser] = &[
    user("admin", "系统管理员", Role::Admin, None, "mopai-admin"),
    user(
        "county",
        "县民政局·周敏",
        Role::CountyStaff,
        None,
        "mopai-county",
    ),
    user(
        "kaiyun-lead",
        "开云镇·李建国",
        Role::TownshipLead,
        Some("开云镇"),
        "mopai-lead",
    ),
    user(
        "kaiyun-inspector",
        "开云镇·王芳",
        Role::Inspector,
        Some("开云镇"),
        "mopai-inspector",
    ),
    user(
        "baiguo-lead",
        "白果镇·陈志强",
        Role::TownshipLead,
        Some("白果镇"),
        "mopai-lead",
    ),
    user(
        "baiguo-inspector",
        "白果镇·刘洋",
        Role::Inspector,
        Some("白果镇"),
        "mopai-inspector",
    ),
];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoReport {
    pub townships_added: usize,
    /// Each demo user, and whether this run created it.
    pub users: Vec<(DemoUser, bool)>,
    pub facilities: ImportReport,
}

pub fn run(storage: &Storage) -> AdminResult<DemoReport> {
    let writer = ServerWriter::new("demo");
    let townships_added = storage.write(|tx| {
        let added = townships::ensure(tx, &writer, &TOWNSHIPS)?;
        update_settings(tx, &writer, |s| {
            if s.county_name.is_empty() {
                s.county_name = COUNTY.to_string();
            }
        })?;
        Ok::<_, AdminError>(added.iter().filter(|(_, new)| *new).count())
    })?;
    let mut users = Vec::new();
    for u in USERS {
        let exists = storage
            .read(|tx| tx.user_by_username(u.username))?
            .is_some();
        if !exists {
            let account = NewAccount {
                username: u.username,
                display_name: u.display_name,
                role: u.role,
                township: u.township,
            };
            accounts::add(storage, account, u.password)?;
        }
        users.push((*u, !exists));
    }
    let facilities = storage.write(|tx| {
        let townships = Townships::load(tx)?;
        let rows = samples()
            .into_iter()
            .enumerate()
            .map(|(i, (township, facility))| {
                let parsed = match townships.by_name(township) {
                    Ok(township) => Parsed::Facility(Box::new(Candidate { township, facility })),
                    Err(e) => Parsed::Invalid(vec![e]),
                };
                (i + 1, parsed)
            })
            .collect();
        store_rows(tx, &writer, rows, ImportOptions::default())
    })?;
    Ok(DemoReport {
        townships_added,
        users,
        facilities,
    })
}

/// A valid USCC of 衡山县 (区划 430423) from its type prefix and a serial.
fn uscc(prefix: &str, serial: &str) -> String {
    let first17 = format!("{prefix}430423{serial}");
    let check = uscc_check_char(&first17)
        .map(String::from)
        .unwrap_or_default();
    first17 + &check
}

struct Sample {
    township: &'static str,
    name: &'static str,
    category: Option<Category>,
    source: ListingSource,
    uscc: String,
    ownership: Option<Ownership>,
    beds: Option<u32>,
    residents: Option<u32>,
    filed: Option<(Day, &'static str)>,
}

impl Sample {
    fn facility(self) -> (&'static str, Facility) {
        let legal_form = uscc_legal_form(&self.uscc)
            .or((self.category == Some(Category::UnregisteredVenue))
                .then_some(LegalForm::Unregistered));
        let venue = match self.category {
            Some(Category::UnregisteredVenue) => VenueInfo {
                nature: Some(VenueNature::Individual),
                houses_elderly: Some(true),
                services: "日间照料、代餐".into(),
            },
            _ => VenueInfo::default(),
        };
        let profile = Profile {
            name: self.name.into(),
            address: format!("{COUNTY}{}", self.township),
            uscc: self.uscc,
            legal_form,
            ownership: self.ownership,
            beds: self.beds,
            residents: self.residents,
            filing_date: self.filed.map(|(d, _)| d),
            filing_authority: self.filed.map_or("", |_| "衡山县民政局").into(),
            filing_receipt_no: self.filed.map_or("", |(_, no)| no).into(),
            venue,
            ..Profile::default()
        };
        let facility = Facility {
            category: self.category,
            source: Some(self.source),
            profile,
            visits: Vec::new(),
        };
        (self.township, facility)
    }
}

fn samples() -> Vec<(&'static str, Facility)> {
    let day = |y, m, d| Day::ymd(y, m, d).unwrap_or(Day(time::Date::MIN));
    let s = |township, name, category, source| Sample {
        township,
        name,
        category,
        source,
        uscc: String::new(),
        ownership: None,
        beds: None,
        residents: None,
        filed: None,
    };
    use Category::*;
    use ListingSource::*;
    vec![
        Sample {
            uscc: uscc("12", "445500012"),
            ownership: Some(Ownership::Public),
            beds: Some(80),
            residents: Some(52),
            filed: Some((day(2020, 6, 1), "衡民养备〔2020〕3号")),
            ..s("开云镇", "开云镇敬老院", Some(FiledInstitution), Daily)
        },
        Sample {
            uscc: uscc("91", "MA4L1C7X2"),
            ownership: Some(Ownership::Private),
            beds: Some(120),
            residents: Some(86),
            ..s(
                "开云镇",
                "开云镇夕阳红养老院",
                Some(UnfiledInstitution),
                MarketSupervision,
            )
        },
        Sample {
            residents: Some(12),
            ..s(
                "开云镇",
                "开云镇幸福之家老年公寓",
                Some(UnregisteredVenue),
                Police,
            )
        },
        Sample {
            uscc: uscc("52", "MJ4K8N6T3"),
            ownership: Some(Ownership::PublicBuiltPrivatelyRun),
            beds: Some(150),
            residents: Some(97),
            filed: Some((day(2021, 3, 15), "衡民养备〔2021〕7号")),
            ..s(
                "白果镇",
                "白果镇康乐颐养中心",
                Some(FiledInstitution),
                Daily,
            )
        },
        Sample {
            uscc: uscc("91", "MA7B3D2E1"),
            ..s("白果镇", "衡山福寿养老服务有限公司", None, NewMarketEntity)
        },
        Sample {
            residents: Some(8),
            ..s(
                "白果镇",
                "白果镇老年活动室（代住）",
                Some(UnregisteredVenue),
                PublicReport,
            )
        },
        Sample {
            uscc: uscc("92", "L5P6Q7R8U"),
            ownership: Some(Ownership::Private),
            beds: Some(30),
            residents: Some(21),
            ..s(
                "店门镇",
                "店门镇康宁托老所",
                Some(UnfiledInstitution),
                Police,
            )
        },
    ]
    .into_iter()
    .map(Sample::facility)
    .collect()
}
