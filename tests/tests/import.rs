//! Importing facility listings: good files (csv and xlsx), broken ones (a
//! wrong header, a bad USCC), duplicates within a file and against the
//! database, new market entities, and `mopai demo` run twice.

use std::path::{Path, PathBuf};

use clap::Parser;
use mopai_server::admin::import::{ImportOptions, ImportReport, facilities, market};
use mopai_server::admin::{AdminError, docs, townships};
use mopai_server::cli::Cli;
use mopai_server::config::Durability;
use mopai_server::storage::Storage;
use mopai_server::storage::scope::RecordedScope;
use mopai_shared::doc::Scope;
use mopai_shared::ids::TownshipId;
use mopai_shared::model::{Category, Day, Facility, LegalForm, ListingSource};
use mopai_shared::validate::uscc_check_char;
use mopai_tests::device::Device;
use mopai_tests::server::TestServer;

/// A valid USCC of 衡山县 from a type prefix and a serial.
fn uscc(prefix: &str, serial: &str) -> String {
    let first17 = format!("{prefix}430423{serial}");
    let check = uscc_check_char(&first17).unwrap();
    format!("{first17}{check}")
}

struct Db {
    dir: tempfile::TempDir,
    storage: Storage,
    kaiyun: TownshipId,
}

fn db() -> Db {
    let dir = tempfile::tempdir().unwrap();
    let storage = Storage::open(
        &mopai_server::storage::Database::Sqlite {
            dir: dir.path().to_path_buf(),
        },
        Durability::Full,
    )
    .unwrap();
    let ids = townships::add(&storage, &["开云镇", "白果镇"]).unwrap();
    Db {
        dir,
        storage,
        kaiyun: ids[0],
    }
}

impl Db {
    fn csv(&self, name: &str, rows: &[&[&str]]) -> PathBuf {
        let path = self.dir.path().join(name);
        let mut writer = csv::Writer::from_path(&path).unwrap();
        for row in rows {
            writer.write_record(*row).unwrap();
        }
        writer.flush().unwrap();
        path
    }

    /// Stored facilities: (township, body).
    fn facilities(&self) -> Vec<(Scope, Facility)> {
        self.storage
            .read(|tx| {
                let mut out = Vec::new();
                for (id, scope) in tx.docs_of_kind(mopai_shared::doc::DocKind::Facility)? {
                    let RecordedScope::Scope(scope) = scope else {
                        panic!("imported facility without a scope")
                    };
                    let doc = docs::read::<Facility>(tx, id)?.unwrap();
                    out.push((scope, doc.body));
                }
                Ok::<_, AdminError>(out)
            })
            .unwrap()
    }

    fn import(&self, path: &Path, options: ImportOptions) -> Result<ImportReport, AdminError> {
        facilities::import(&self.storage, path, ListingSource::Police, options)
    }
}

const HEADER: &[&str] = &[
    "乡镇",
    "机构名称",
    "统一社会信用代码",
    "类别",
    "机构性质",
    "床位数",
    "备案时间",
];

fn good_rows() -> Vec<Vec<String>> {
    [
        vec![
            "开云镇",
            "开云镇敬老院",
            &uscc("12", "445500012"),
            "已备案",
            "公办",
            "80",
            "2020-06-01",
        ],
        vec![
            "开云镇",
            "夕阳红养老院",
            &uscc("91", "MA4L1C7X2"),
            "未备案养老机构",
            "民办",
            "120",
            "",
        ],
        vec!["白果镇", "幸福之家", "", "未登记", "", "", ""],
    ]
    .into_iter()
    .map(|r| r.into_iter().map(String::from).collect())
    .collect()
}

fn rows_ref(rows: &[Vec<String>]) -> Vec<Vec<&str>> {
    rows.iter()
        .map(|r| r.iter().map(String::as_str).collect())
        .collect()
}

fn csv_of(db: &Db, name: &str, rows: &[Vec<String>]) -> PathBuf {
    let rows = rows_ref(rows);
    let mut all: Vec<&[&str]> = vec![HEADER];
    all.extend(rows.iter().map(Vec::as_slice));
    db.csv(name, &all)
}

fn errors(result: Result<ImportReport, AdminError>) -> Vec<(usize, String)> {
    match result {
        Err(AdminError::Import(failed)) => failed
            .errors
            .into_iter()
            .map(|e| (e.row, e.message))
            .collect(),
        other => panic!("expected the import to fail, got {other:?}"),
    }
}

#[test]
fn a_good_csv_becomes_facility_documents_in_their_townships() {
    let db = db();
    let path = csv_of(&db, "list.csv", &good_rows());
    let report = db.import(&path, ImportOptions::default()).unwrap();
    assert_eq!(report.imported.len(), 3);
    assert_eq!(
        report.imported[0].row, 2,
        "rows are numbered as in the sheet"
    );

    let stored = db.facilities();
    assert_eq!(stored.len(), 3);
    let (scope, home) = &stored[0];
    assert_eq!(*scope, Scope::Township(db.kaiyun));
    assert_eq!(home.profile.name, "开云镇敬老院");
    assert_eq!(home.category, Some(Category::FiledInstitution));
    assert_eq!(home.source, Some(ListingSource::Police));
    assert_eq!(
        home.profile.legal_form,
        Some(LegalForm::PublicInstitution),
        "from the USCC"
    );
    assert_eq!(home.profile.beds, Some(80));
    assert_eq!(home.profile.filing_date, Day::ymd(2020, 6, 1));
    assert_eq!(
        stored[2].1.profile.legal_form,
        Some(LegalForm::Unregistered)
    );

    // The same list again adds nothing and says why, by row.
    let again = db.import(&path, ImportOptions::default()).unwrap();
    assert!(again.imported.is_empty());
    let rows: Vec<usize> = again.already_present.iter().map(|e| e.row).collect();
    assert_eq!(rows, [2, 3, 4]);
    assert_eq!(db.facilities().len(), 3);
}

#[test]
fn an_xlsx_with_numbers_and_dates_reads_like_the_csv() {
    let db = db();
    let path = db.dir.path().join("list.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    let sheet = book.add_worksheet();
    // A title row above the header is not allowed: the header is the first row.
    for (col, heading) in HEADER.iter().enumerate() {
        sheet.write_string(0, col as u16, *heading).unwrap();
    }
    sheet.write_string(1, 0, "白果镇").unwrap();
    sheet.write_string(1, 1, "白果镇康乐颐养中心").unwrap();
    sheet.write_string(1, 2, uscc("52", "MJ4K8N6T3")).unwrap();
    sheet.write_string(1, 3, "已备案养老机构").unwrap();
    sheet.write_string(1, 4, "公建民营").unwrap();
    sheet.write_number(1, 5, 150.0).unwrap();
    let filed = rust_xlsxwriter::ExcelDateTime::from_ymd(2021, 3, 15).unwrap();
    let date_format = rust_xlsxwriter::Format::new().set_num_format("yyyy-mm-dd");
    sheet
        .write_datetime_with_format(1, 6, &filed, &date_format)
        .unwrap();
    book.save(&path).unwrap();

    let report = db.import(&path, ImportOptions::default()).unwrap();
    assert_eq!(report.imported.len(), 1, "{report:?}");
    let (_, f) = &db.facilities()[0];
    assert_eq!(f.profile.beds, Some(150));
    assert_eq!(f.profile.filing_date, Day::ymd(2021, 3, 15));
    assert_eq!(f.profile.legal_form, Some(LegalForm::PrivateNonEnterprise));
}

#[test]
fn a_wrong_header_fails_the_file_on_its_header_row() {
    let db = db();
    let path = db.csv(
        "bad-header.csv",
        &[&["乡镇", "机构名", "床位"], &["开云镇", "敬老院", "10"]],
    );
    let errs = errors(db.import(&path, ImportOptions::default()));
    assert!(errs.iter().all(|(row, _)| *row == 1), "{errs:?}");
    assert!(
        errs.iter()
            .any(|(_, m)| m.contains("“机构名”不是可识别的列名"))
    );
    assert!(
        errs.iter()
            .any(|(_, m)| m.contains("缺少必需的列“机构名称”"))
    );
    // Even --skip-invalid cannot read rows under a header it does not know.
    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    assert!(db.import(&path, skip).is_err());
    assert!(db.facilities().is_empty());
}

#[test]
fn a_bad_uscc_fails_the_import_unless_invalid_rows_are_skipped() {
    let db = db();
    let mut rows = good_rows();
    let mut broken = uscc("91", "MA4L1C7X2");
    broken.replace_range(17.., if broken.ends_with('0') { "1" } else { "0" });
    rows[1][2] = broken;
    rows.push(
        ["岭坡乡", "某托老所", "", "", "", "一百", ""]
            .map(String::from)
            .to_vec(),
    );
    let path = csv_of(&db, "bad.csv", &rows);

    let errs = errors(db.import(&path, ImportOptions::default()));
    assert_eq!(errs.len(), 2, "{errs:?}");
    assert_eq!(errs[0].0, 3);
    assert!(errs[0].1.contains("校验位"), "{}", errs[0].1);
    assert_eq!(errs[1].0, 5);
    assert!(errs[1].1.contains("乡镇“岭坡乡”未登记") && errs[1].1.contains("床位数"));
    assert!(db.facilities().is_empty(), "nothing imported");

    let dry = ImportOptions {
        skip_invalid: true,
        dry_run: true,
    };
    assert_eq!(db.import(&path, dry).unwrap().imported.len(), 2);
    assert!(db.facilities().is_empty(), "a dry run stores nothing");

    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = db.import(&path, skip).unwrap();
    assert_eq!(report.imported.len(), 2);
    let skipped: Vec<usize> = report.skipped.iter().map(|e| e.row).collect();
    assert_eq!(skipped, [3, 5]);
    assert_eq!(db.facilities().len(), 2);
}

#[test]
fn duplicates_within_the_file_are_errors_and_against_the_database_are_skipped() {
    let db = db();
    let first = csv_of(&db, "first.csv", &good_rows()[..1]);
    db.import(&first, ImportOptions::default()).unwrap();

    let same_uscc = uscc("91", "MA4L1C7X2");
    let rows: Vec<Vec<String>> = [
        // Same USCC as the stored 敬老院, under another name: already present.
        vec![
            "开云镇",
            "开云镇中心敬老院",
            &uscc("12", "445500012"),
            "",
            "",
            "",
            "",
        ],
        vec!["开云镇", "夕阳红养老院", &same_uscc, "", "", "", ""],
        vec!["开云镇", "夕阳红养老院（分院）", &same_uscc, "", "", "", ""],
        vec!["白果镇", "幸福之家", "", "", "", "", ""],
        vec!["白果镇", " 幸福之家 ", "", "", "", "", ""],
        // The same name in another township is another facility.
        vec!["开云镇", "幸福之家", "", "", "", "", ""],
    ]
    .into_iter()
    .map(|r| r.into_iter().map(String::from).collect())
    .collect();
    let path = csv_of(&db, "dups.csv", &rows);
    let errs = errors(db.import(&path, ImportOptions::default()));
    assert_eq!(
        errs,
        [
            (4, "与第3行重复（统一社会信用代码相同）".to_string()),
            (6, "与第5行重复（同一乡镇内名称相同）".to_string()),
        ]
    );
    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = db.import(&path, skip).unwrap();
    let imported: Vec<usize> = report.imported.iter().map(|i| i.row).collect();
    assert_eq!(imported, [3, 5, 7]);
    assert_eq!(report.already_present.len(), 1);
    assert_eq!(report.already_present[0].row, 2);
    assert!(report.already_present[0].message.contains("开云镇敬老院"));
    assert_eq!(db.facilities().len(), 4);
}

#[test]
fn new_market_entities_with_elderly_care_become_facilities_to_verify() {
    let db = db();
    let path = db.csv(
        "market.csv",
        &[
            &[
                "企业名称",
                "统一社会信用代码",
                "经营范围",
                "住所",
                "法定代表人",
            ],
            &[
                "衡山福寿养老服务有限公司",
                &uscc("91", "MA7B3D2E1"),
                "养老服务；健康咨询服务",
                "湖南省衡阳市衡山县开云镇人民路8号",
                "赵某",
            ],
            &[
                "衡山某餐饮店",
                &uscc("92", "L5P6Q7R8U"),
                "餐饮服务",
                "衡山县白果镇",
                "钱某",
            ],
            &[
                "某某养老服务中心",
                &uscc("91", "MA1B2C3D4"),
                "居家养老服务",
                "衡阳市某区",
                "孙某",
            ],
        ],
    );
    let errs = errors(market::import(&db.storage, &path, ImportOptions::default()));
    assert_eq!(errs.len(), 1);
    assert_eq!(errs[0].0, 4);
    assert!(errs[0].1.contains("无法从住所"), "{}", errs[0].1);

    let skip = ImportOptions {
        skip_invalid: true,
        ..ImportOptions::default()
    };
    let report = market::import(&db.storage, &path, skip).unwrap();
    assert_eq!(report.imported.len(), 1);
    assert_eq!(report.irrelevant, [3]);
    let (scope, f) = &db.facilities()[0];
    assert_eq!(*scope, Scope::Township(db.kaiyun), "township found in 住所");
    assert_eq!(f.source, Some(ListingSource::NewMarketEntity));
    assert_eq!(f.category, None, "to be verified on site");
    assert_eq!(f.profile.legal_form, Some(LegalForm::Enterprise));
    assert_eq!(f.profile.legal_representative, "赵某");
}

#[tokio::test]
async fn imported_facilities_reach_the_phones_of_their_township_only() {
    let server = TestServer::start().await;
    server.add_townships(&["开云镇", "白果镇"]);
    server.add_user(
        "wang",
        mopai_shared::roles::Role::Inspector,
        Some("开云镇"),
        "password-1",
    );
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("list.csv");
    let good = good_rows();
    let rows = rows_ref(&good);
    let mut writer = csv::Writer::from_path(&path).unwrap();
    writer.write_record(HEADER).unwrap();
    for row in &rows {
        writer.write_record(row).unwrap();
    }
    writer.flush().unwrap();
    facilities::import(
        &server.storage(),
        &path,
        ListingSource::Police,
        ImportOptions::default(),
    )
    .unwrap();

    let mut phone = server.phone("wang", "password-1").await;
    phone.sync().await.unwrap();
    let mut names: Vec<String> = phone
        .replicas
        .keys()
        .filter(|id| id.starts_with("facility:"))
        .map(|id| phone.body::<Facility>(id).unwrap().profile.name)
        .collect();
    names.sort();
    assert_eq!(names, ["夕阳红养老院", "开云镇敬老院"]);
}

#[tokio::test]
async fn demo_seeds_a_county_once_and_its_logins_work() {
    let server = TestServer::start().await;
    let database = server.database().to_url();
    let demo = || Cli::try_parse_from(["mopai", "demo", "--database", &database]).unwrap();
    mopai_server::cli::main(demo()).await.unwrap();
    let snapshot = || {
        server
            .storage()
            .read(|tx| {
                Ok::<_, AdminError>((
                    tx.current_seq()?,
                    tx.changed_since(0, 10_000)?,
                    tx.users()?,
                    tx.townships()?,
                ))
            })
            .unwrap()
    };
    let first = snapshot();
    mopai_server::cli::main(demo()).await.unwrap();
    assert_eq!(snapshot(), first, "a second run changes nothing");

    let (_, docs, users, townships) = first;
    assert_eq!(townships.len(), 12);
    assert_eq!(users.len(), mopai_server::admin::demo::USERS.len());
    let roles: std::collections::BTreeSet<_> = users.iter().map(|u| u.role).collect();
    assert_eq!(roles.len(), 4, "every role");
    let categories: std::collections::BTreeSet<_> = server
        .storage()
        .read(|tx| {
            let mut out = Vec::new();
            for (id, _) in tx.docs_of_kind(mopai_shared::doc::DocKind::Facility)? {
                out.push(docs::read::<Facility>(tx, id)?.unwrap().body.category);
            }
            Ok::<_, AdminError>(out)
        })
        .unwrap()
        .into_iter()
        .collect();
    assert!(
        categories.len() >= 4,
        "every category and one still unknown: {categories:?}"
    );
    assert!(
        docs.iter()
            .any(|d| d.kind == mopai_shared::doc::DocKind::Settings)
    );

    let mut phone = Device::new(server.url("/api/sync"));
    phone
        .login(
            &server.url("/api/login"),
            "kaiyun-inspector",
            "mopai-inspector",
        )
        .await
        .expect("a demo login works");
    phone.sync().await.unwrap();
    let facilities = phone
        .replicas
        .keys()
        .filter(|id| id.starts_with("facility:"))
        .count();
    assert_eq!(facilities, 3, "开云镇's samples only");
}
