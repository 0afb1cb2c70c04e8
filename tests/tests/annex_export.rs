//! The five annex tables, end to end: a county synced from phones so that
//! every rule fires, the tables downloaded as XLSX, CSV and a zip, read
//! back with calamine, and checked against the projections that
//! `GET /api/facilities` serves. Exports are scoped by role.

use std::collections::{BTreeMap, BTreeSet};
use std::io::Cursor;

use calamine::{Data, Range, Reader, Xlsx, open_workbook_from_rs};
use mopai_server::projection;
use mopai_shared::dashboard::{Dashboard, FacilityListRow};
use mopai_shared::model::{Category, Profile, RiskLevel};
use mopai_shared::risk::RuleId;
use mopai_tests::county::{self, County, SPECS};
use mopai_tests::server::TestServer;

async fn get(server: &TestServer, path: &str, token: Option<&str>) -> reqwest::Response {
    let mut request = reqwest::Client::new().get(server.url(path));
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.expect("GET")
}

async fn bytes(server: &TestServer, path: &str, token: &str) -> Vec<u8> {
    let response = get(server, path, Some(token)).await;
    assert_eq!(response.status(), 200, "GET {path}");
    response.bytes().await.expect("body").to_vec()
}

async fn list(county: &County, token: &str) -> Vec<FacilityListRow> {
    get(&county.server, "/api/facilities", Some(token))
        .await
        .json()
        .await
        .expect("facility rows")
}

fn workbook(bytes: Vec<u8>) -> Xlsx<Cursor<Vec<u8>>> {
    open_workbook_from_rs(Cursor::new(bytes)).expect("xlsx opens")
}

/// A table as read back: header (flattened to the lowest header row), data
/// rows (those numbered in 序号) and the totals row.
struct Read {
    title: String,
    header: Vec<String>,
    rows: Vec<Vec<Data>>,
    totals: Vec<Data>,
}

impl Read {
    fn from(range: &Range<Data>) -> Self {
        let cell = |r: u32, c: u32| range.get_value((r, c)).cloned().unwrap_or(Data::Empty);
        let (height, width) = (range.end().expect("cells").0 + 1, range.width() as u32);
        let row = |r: u32| (0..width).map(|c| cell(r, c)).collect::<Vec<_>>();
        let first_data = (0..height)
            .find(|&r| matches!(cell(r, 0), Data::Float(_) | Data::Int(_)))
            .unwrap_or(height);
        let header = row(first_data.saturating_sub(1))
            .into_iter()
            .enumerate()
            .map(|(c, d)| match d {
                // Vertically merged heads are read in their top cell.
                Data::Empty => cell(first_data - 2, c as u32).to_string(),
                d => d.to_string(),
            })
            .collect();
        let rows: Vec<Vec<Data>> = (first_data..height)
            .map(row)
            .take_while(|r| !matches!(r[0], Data::String(_)))
            .collect();
        let totals = row(first_data + rows.len() as u32);
        Self {
            title: cell(0, 0).to_string(),
            header,
            rows,
            totals,
        }
    }

    fn col(&self, name: &str) -> usize {
        self.header
            .iter()
            .position(|h| h == name)
            .unwrap_or_else(|| panic!("column {name} in {:?}", self.header))
    }

    fn text(&self, row: usize, name: &str) -> String {
        self.rows[row][self.col(name)].to_string()
    }

    fn number(d: &Data) -> f64 {
        match d {
            Data::Float(f) => *f,
            Data::Int(n) => *n as f64,
            _ => 0.0,
        }
    }

    /// Every column with a number in the totals row sums its rows.
    fn assert_totals_add_up(&self) {
        assert_eq!(self.totals[0].to_string(), "合计", "{}", self.title);
        for (c, total) in self.totals.iter().enumerate() {
            if let Data::Float(total) = total
                && !self.header[c].contains('%')
            {
                let sum: f64 = self.rows.iter().map(|r| Self::number(&r[c])).sum();
                assert!(
                    (sum - total).abs() < 1e-6,
                    "{}: {} sums to {sum}, totals row says {total}",
                    self.title,
                    self.header[c]
                );
            }
        }
    }
}

async fn table(county: &County, token: &str, n: u8, query: &str) -> Read {
    let mut book = workbook(
        bytes(
            &county.server,
            &format!("/api/export/{n}.xlsx{query}"),
            token,
        )
        .await,
    );
    let range = book
        .worksheet_range(&format!("附件{n}"))
        .expect("table sheet");
    Read::from(&range)
}

fn level_label(level: RiskLevel) -> &'static str {
    level.label_zh()
}

/// Table 5 holds filed institutions whose filing date is in 2019-2021.
fn filed_2019_2021(name: &str) -> bool {
    let spec = SPECS.iter().find(|s| s.name == name).expect("spec");
    let mut profile = Profile::default();
    (spec.profile)(&mut profile);
    spec.category == Category::FiledInstitution
        && profile
            .filing_date
            .is_some_and(|d| (2019..=2021).contains(&d.0.year()))
}

/// Which list rows a table holds.
type Keep = fn(&FacilityListRow) -> bool;

#[tokio::test]
async fn every_rule_fires_and_the_tables_match_the_projections() {
    let county = county::build().await;
    let staff = county.token("staff").await;

    // The projections are exact, and every rule fired where it should.
    let mismatches = county
        .server
        .storage()
        .read(projection::mismatches)
        .expect("mismatches");
    assert!(mismatches.is_empty(), "stale projections: {mismatches:?}");
    let rows = list(&county, &staff).await;
    assert_eq!(rows.len(), SPECS.len());
    let by_name: BTreeMap<&str, &FacilityListRow> =
        rows.iter().map(|r| (r.name.as_str(), r)).collect();
    for spec in SPECS {
        let row = by_name[spec.name];
        assert_eq!(
            row.effective_level, spec.level,
            "{}: {:?}",
            spec.name, row.fired
        );
        for rule in spec.rules {
            assert!(
                row.fired.iter().any(|f| f == rule),
                "{}: {rule} in {:?}",
                spec.name,
                row.fired
            );
        }
    }
    let fired: BTreeSet<&str> = rows
        .iter()
        .flat_map(|r| r.fired.iter().map(String::as_str))
        .collect();
    for rule in RuleId::ALL {
        assert!(
            fired.contains(rule.code()),
            "{rule} fired nowhere: {fired:?}"
        );
    }

    // Tables 1, 2, 3 and 5: one row per facility, levels as projected.
    let expected: [(u8, Keep); 4] = [
        (1, |r| {
            matches!(
                r.category,
                Some(Category::FiledInstitution | Category::UnfiledInstitution)
            )
        }),
        (2, |r| r.category == Some(Category::UnregisteredVenue)),
        (3, |r| r.effective_level >= RiskLevel::Yellow),
        (5, |r| filed_2019_2021(&r.name)),
    ];
    for (n, keep) in expected {
        let t = table(&county, &staff, n, "").await;
        let want: BTreeMap<&str, &str> = rows
            .iter()
            .filter(|r| keep(r))
            .map(|r| (r.name.as_str(), level_label(r.effective_level)))
            .collect();
        let name_col = t
            .header
            .iter()
            .position(|h| h.contains("名称"))
            .expect("name column");
        let level_col = t
            .header
            .iter()
            .position(|h| h.contains("风险等级"))
            .expect("level column");
        let got: BTreeMap<String, String> = t
            .rows
            .iter()
            .map(|r| (r[name_col].to_string(), r[level_col].to_string()))
            .collect();
        let want: BTreeMap<String, String> = want
            .into_iter()
            .map(|(a, b)| (a.to_owned(), b.to_owned()))
            .collect();
        assert_eq!(got, want, "table {n}: {}", t.title);
        assert_eq!(
            t.totals[name_col].to_string(),
            format!("{}家", t.rows.len())
        );
        t.assert_totals_add_up();
    }

    // Table 1's sums are the profiles' figures.
    let t1 = table(&county, &staff, 1, "").await;
    let beds: f64 = t1
        .rows
        .iter()
        .map(|r| Read::number(&r[t1.col("床位数")]))
        .sum();
    assert_eq!(beds, 80.0 + 60.0 + 30.0 + 120.0 + 20.0);
    let planned = t1
        .rows
        .iter()
        .position(|r| r[2] == county::PLANNED)
        .expect("row");
    assert_eq!(t1.text(planned, "排查人"), "insp-a");
    assert!(
        t1.text(planned, "备注").contains("R1"),
        "{}",
        t1.text(planned, "备注")
    );

    // Table 3 carries the 一院一策 plan the lead recorded.
    let t3 = table(&county, &staff, 3, "").await;
    let row = t3
        .rows
        .iter()
        .position(|r| r[2] == county::PLANNED)
        .expect("row");
    assert_eq!(t3.text(row, "责任单位"), "城关镇人民政府");
    assert_eq!(t3.text(row, "化解时限"), "2022-01-31");
    assert!(t3.text(row, "处置措施(一院一策)").contains("警示约谈"));
    assert!(t3.text(row, "进展").contains("已移交公安机关"));
    assert_eq!(t3.title, "养老服务领域诈骗风险隐患“红橙黄”风险管控名单");

    // Table 4: one row per township, the county total, as the dashboard says.
    let dashboard: Dashboard = get(&county.server, "/api/dashboard", Some(&staff))
        .await
        .json()
        .await
        .expect("dashboard");
    let t4 = table(&county, &staff, 4, "").await;
    assert_eq!(t4.rows.len(), county::TOWNSHIPS.len());
    t4.assert_totals_add_up();
    let total = |name: &str| Read::number(&t4.totals[t4.col(name)]);
    assert_eq!(total("合计"), f64::from(dashboard.total.listed.total));
    assert_eq!(total("已排查数"), SPECS.len() as f64);
    assert_eq!(total("进度%"), 100.0);
    assert_eq!(total("红"), 4.0);
    assert_eq!(total("橙"), 4.0);
    assert_eq!(total("黄"), 5.0);
    assert_eq!(total("询问老人数"), SPECS.len() as f64);
    assert_eq!(total("已报送县局"), 2.0);
    assert_eq!(total("已约谈"), 1.0);
    assert_eq!(total("清退资金(万元)"), county::REFUNDED_YUAN as f64 / 1e4);
    assert_eq!(total("移交公安"), 1.0);
    assert_eq!(total("取缔关停"), 1.0);
    assert_eq!(total("已化解"), 1.0);
    assert_eq!(total("宣传活动场次"), county::ACTIVITIES as f64);
    assert_eq!(t4.text(0, "乡镇"), county::TOWNSHIPS[0]);

    // The provenance sheet names every document with a digest of its heads.
    let mut book = workbook(bytes(&county.server, "/api/export/3.xlsx", &staff).await);
    let provenance = book.worksheet_range("数据来源").expect("provenance sheet");
    let digests: Vec<String> = provenance
        .rows()
        .filter(|r| r.first().is_some_and(|c| c.to_string().contains(':')))
        .map(|r| r[4].to_string())
        .collect();
    let stored = county
        .server
        .storage()
        .read(|tx| tx.doc_heads(None))
        .expect("heads");
    assert_eq!(digests.len(), stored.len());
    assert!(
        digests
            .iter()
            .all(|d| d.len() == 64 && d.chars().all(|c| c.is_ascii_hexdigit()))
    );
    let text: Vec<String> = provenance.rows().map(|r| r[0].to_string()).collect();
    assert!(text.iter().any(|t| t.starts_with("规则集版本")), "{text:?}");
}

#[tokio::test]
async fn csv_has_a_bom_and_the_zip_holds_five_workbooks() {
    let county = county::build().await;
    let staff = county.token("staff").await;

    let csv = bytes(&county.server, "/api/export/3.csv", &staff).await;
    assert_eq!(&csv[..3], b"\xEF\xBB\xBF", "UTF-8 byte-order mark");
    let text = String::from_utf8(csv[3..].to_vec()).expect("UTF-8");
    let lines: Vec<&str> = text.lines().collect();
    let risky = SPECS
        .iter()
        .filter(|s| s.level >= RiskLevel::Yellow)
        .count();
    assert_eq!(lines.len(), 1 + risky + 1, "header, rows, totals");
    assert!(
        lines[0].starts_with("序号,乡镇,机构/场所名称"),
        "{}",
        lines[0]
    );
    assert!(lines[lines.len() - 1].starts_with("合计,"));
    let t4 = bytes(&county.server, "/api/export/4.csv", &staff).await;
    let header = String::from_utf8(t4[3..].to_vec()).expect("UTF-8");
    assert!(
        header.contains("应排查数-已备案"),
        "grouped heads flattened"
    );

    // Table 4's two header rows: the groups over their columns, and the
    // ungrouped heads merged down both rows (read in the top cell).
    let mut t4 = workbook(bytes(&county.server, "/api/export/4.xlsx", &staff).await);
    let sheet = t4.worksheet_range("附件4").expect("table 4");
    let text = |r: u32, c: u32| {
        sheet
            .get_value((r, c))
            .map(|d| d.to_string())
            .unwrap_or_default()
    };
    let groups: Vec<String> = (0..sheet.width() as u32).map(|c| text(3, c)).collect();
    let heads: Vec<String> = (0..sheet.width() as u32).map(|c| text(4, c)).collect();
    let grouped = groups
        .iter()
        .position(|g| g == "应排查数")
        .expect("group row");
    assert_eq!(
        heads[grouped..grouped + 4],
        ["已备案", "未备案", "未登记场所", "合计"],
        "{groups:?} / {heads:?}"
    );
    assert_eq!((groups[1].as_str(), heads[1].as_str()), ("乡镇", ""));

    let zip = bytes(&county.server, "/api/export/all.zip", &staff).await;
    let mut archive = zip::ZipArchive::new(Cursor::new(zip)).expect("zip opens");
    assert_eq!(archive.len(), 5);
    for i in 0..archive.len() {
        let mut file = archive.by_index(i).expect("entry");
        let name = file.name().expect("UTF-8 name").into_owned();
        assert!(
            name.starts_with(&format!("附件{}-", i + 1)) && name.ends_with(".xlsx"),
            "{name}"
        );
        let mut content = Vec::new();
        std::io::Read::read_to_end(&mut file, &mut content).expect("read entry");
        let book = workbook(content);
        assert_eq!(
            book.sheet_names(),
            [format!("附件{}", i + 1), "数据来源".to_owned()]
        );
    }
}

/// A county of 600 townships: the settings recorded on the 数据来源 sheet no
/// longer fit one Excel cell (32,767 characters), which once failed every
/// export with a 500. They now continue over the next rows, whole.
#[tokio::test]
async fn provenance_longer_than_one_cell_continues_over_rows() {
    let server = TestServer::start().await;
    let names: Vec<String> = (0..600).map(|i| format!("第{i}号测试乡镇")).collect();
    server.add_townships(&names.iter().map(String::as_str).collect::<Vec<_>>());
    server.add_user(
        "staff",
        mopai_shared::roles::Role::CountyStaff,
        None,
        "staff-password",
    );
    let token = server.token("staff", "staff-password").await;

    let mut book = workbook(bytes(&server, "/api/export/4.xlsx", &token).await);
    let provenance = book.worksheet_range("数据来源").expect("provenance sheet");
    let json: String = provenance
        .rows()
        .filter(|r| r[0].to_string().starts_with("设置（JSON）"))
        .map(|r| r[1].to_string())
        .collect();
    let continued = provenance
        .rows()
        .filter(|r| r[0].to_string().starts_with("设置（JSON）（续"))
        .count();
    assert!(continued >= 1, "the settings span more than one row");
    let settings: mopai_shared::model::CountySettings =
        serde_json::from_str(&json).expect("the pieces join into the settings");
    assert_eq!(settings.townships.len(), 600);
    let t4 = book.worksheet_range("附件4").expect("table 4");
    assert_eq!(Read::from(&t4).rows.len(), 600);
}

#[tokio::test]
async fn exports_are_scoped_by_role() {
    let county = county::build().await;
    let lead_a = county.token("lead-a").await;
    let lead_b = county.token("lead-b").await;
    let inspector = county.token("insp-a").await;
    let staff = county.token("staff").await;
    let [a, b] = [county.townships[0], county.townships[1]];

    // A township lead's tables hold their own township only, by default.
    for (token, township) in [(&lead_a, 0), (&lead_b, 1)] {
        let t1 = table(&county, token, 1, "").await;
        let want = SPECS
            .iter()
            .filter(|s| s.township == township && s.category != Category::UnregisteredVenue)
            .count();
        assert_eq!(t1.rows.len(), want);
        assert!(t1.rows.iter().all(|r| r[1] == county::TOWNSHIPS[township]));
        let t4 = table(&county, token, 4, "").await;
        assert_eq!(t4.rows.len(), 1);
    }
    let own = table(&county, &lead_a, 3, &format!("?township={a}")).await;
    assert!(!own.rows.is_empty());

    // County staff choose a township, or take the county.
    let only_b = table(&county, &staff, 1, &format!("?township={b}")).await;
    assert!(only_b.rows.iter().all(|r| r[1] == county::TOWNSHIPS[1]));

    let status = |path: String, token: Option<String>| {
        let server = &county.server;
        async move { get(server, &path, token.as_deref()).await.status().as_u16() }
    };
    // Another township is as if it did not exist; an inspector may not export.
    assert_eq!(
        status(
            format!("/api/export/1.xlsx?township={b}"),
            Some(lead_a.clone())
        )
        .await,
        404
    );
    assert_eq!(
        status("/api/export/1.xlsx".into(), Some(inspector.clone())).await,
        403
    );
    assert_eq!(
        status("/api/export/all.zip".into(), Some(inspector)).await,
        403
    );
    assert_eq!(status("/api/export/1.xlsx".into(), None).await, 401);
    assert_eq!(
        status("/api/export/6.xlsx".into(), Some(staff.clone())).await,
        404
    );
    assert_eq!(
        status(
            "/api/export/1.xlsx?township=nope".into(),
            Some(staff.clone())
        )
        .await,
        400
    );

    // Every export is audited.
    let audited = county
        .server
        .storage()
        .read(|tx| tx.audit_since(0, 10_000))
        .expect("audit");
    assert!(audited.iter().filter(|a| a.event == "export").count() >= 5);
}
