//! The annex tables print as forms to stamp and sign: each XLSX the server
//! exports, converted to PDF by LibreOffice headless, comes out on the
//! paper its width needs, in landscape, one page wide; the column header
//! is on every page, the title and the signature block on the first, and
//! every page says 第 N 页 共 M 页. The county is large enough that every
//! table spans several pages; each row prints once, in order, and no page
//! is left without rows.

use std::path::PathBuf;

use mopai_shared::model::{Category, Profile};
use mopai_tests::county::{self, Spec};
use mopai_tests::print::{self, Pdf};

/// Paper sizes in points, landscape (pdfinfo's figures).
const A3_LANDSCAPE: (f64, f64) = (1190.55, 841.89);
const A4_LANDSCAPE: (f64, f64) = (841.89, 595.276);

/// Townships added beside the county's two, so table 4 spans pages.
const EXTRA_TOWNSHIPS: usize = 70;

/// The fewest rows a full page holds (one-line rows: 30-110; table 3's
/// seven-line 一院一策 rows: about 12). Fewer would mean the table split
/// sideways across pages, or printed larger than one page wide.
const MIN_ROWS_PER_PAGE: usize = 5;

/// Tables 2 and 5 hold few specs (the venues, the institutions filed
/// 2019-2021), so those get many copies; the rest a few.
fn copies(spec: &Spec) -> usize {
    let mut profile = Profile::default();
    (spec.profile)(&mut profile);
    let filed_2019_2021 = spec.category == Category::FiledInstitution
        && profile
            .filing_date
            .is_some_and(|d| (2019..=2021).contains(&d.0.year()));
    if spec.category == Category::UnregisteredVenue || filed_2019_2021 {
        60
    } else {
        4
    }
}

/// A table as the CSV export gives it: the column heads (grouped ones
/// split into group and head) and each row's key (its name, or the
/// township in table 4), which the XLSX prints.
struct Expected {
    heads: Vec<String>,
    keys: Vec<String>,
}

fn expected(csv: &[u8]) -> Expected {
    let mut reader = csv::Reader::from_reader(&csv[3..]);
    let header: Vec<String> = reader
        .headers()
        .expect("CSV header")
        .iter()
        .map(str::to_owned)
        .collect();
    let key = header
        .iter()
        .position(|h| h.contains("名称"))
        .unwrap_or_else(|| header.iter().position(|h| h == "乡镇").expect("乡镇"));
    let mut keys: Vec<String> = reader
        .records()
        .map(|r| r.expect("CSV row")[key].to_owned())
        .collect();
    keys.pop(); // the totals row
    let heads = header
        .iter()
        .flat_map(|h| h.split('-'))
        .map(|h| h.chars().filter(|c| !c.is_whitespace()).collect())
        .collect();
    Expected { heads, keys }
}

#[tokio::test]
async fn each_annex_prints_paged_with_its_header_and_page_numbers() {
    let county = county::build_with(copies).await;
    let names: Vec<String> = (1..=EXTRA_TOWNSHIPS)
        .map(|i| format!("测试乡镇{i:03}"))
        .collect();
    county
        .server
        .add_townships(&names.iter().map(String::as_str).collect::<Vec<_>>());
    let staff = county.token("staff").await;

    let dir = tempfile::tempdir().expect("temp dir");
    let mut workbooks = Vec::new();
    let mut tables = Vec::new();
    for n in 1..=5u8 {
        let get = |ext: &'static str| {
            let (server, staff) = (&county.server, &staff);
            async move {
                let response = reqwest::Client::new()
                    .get(server.url(&format!("/api/export/{n}.{ext}")))
                    .bearer_auth(staff)
                    .send()
                    .await
                    .expect("GET export");
                assert_eq!(response.status(), 200, "table {n}.{ext}");
                response.bytes().await.expect("body").to_vec()
            }
        };
        let path: PathBuf = dir.path().join(format!("annex{n}.xlsx"));
        std::fs::write(&path, get("xlsx").await).expect("write xlsx");
        workbooks.push(path);
        tables.push(expected(&get("csv").await));
    }
    let out = dir.path().join("pdf");
    let pdfs = print::to_pdf(&workbooks, &out);

    for (i, (pdf, table)) in pdfs.iter().zip(&tables).enumerate() {
        let n = i + 1;
        let pdf = Pdf::read(pdf);
        let want = if n == 4 { A4_LANDSCAPE } else { A3_LANDSCAPE };
        assert!(
            (pdf.size.0 - want.0).abs() < 1.0 && (pdf.size.1 - want.1).abs() < 1.0,
            "table {n}: page {:?}, want {want:?}",
            pdf.size
        );
        // LibreOffice prints the 数据来源 sheet after the table; each sheet
        // numbers its pages from 1, 共 M 页 counts the whole file.
        let total = pdf.pages.len();
        let first_page = |p: &String| p.contains(&format!("第1页共{total}页"));
        assert!(first_page(&pdf.pages[0]), "table {n}: footer on page 1");
        let count = 1 + pdf.pages[1..].iter().take_while(|p| !first_page(p)).count();
        let pages = &pdf.pages[..count];
        eprintln!(
            "table {n}: {} rows on {count} pages of {:?} (file: {total} pages)",
            table.keys.len(),
            pdf.size
        );

        // The title and the block to sign and stamp lead the first page.
        for block in [
            "填报单位（盖章）：",
            "分管领导签字：",
            "填报人：",
            "联系电话：",
            "填报日期：",
        ] {
            assert!(pages[0].contains(block), "table {n}: {block} on page 1");
        }
        for (p, page) in pages.iter().enumerate() {
            for head in &table.heads {
                assert!(
                    page.contains(head.as_str()),
                    "table {n}: head {head} on page {} of {count}",
                    p + 1
                );
            }
            let footer = format!("第{}页共{total}页", p + 1);
            assert!(page.contains(&footer), "table {n}: {footer}");
        }

        // Each row on exactly one page, in order, and the totals row last.
        let mut last_page = 0;
        let mut rows_on = vec![0usize; count];
        for key in &table.keys {
            let on: Vec<usize> = (0..count)
                .filter(|&p| pages[p].contains(key.as_str()))
                .collect();
            assert_eq!(on.len(), 1, "table {n}: {key} printed on pages {on:?}");
            assert!(on[0] >= last_page, "table {n}: {key} out of order");
            last_page = on[0];
            rows_on[on[0]] += 1;
        }
        assert!(
            pages[count - 1].contains("合计"),
            "table {n}: totals row on the last page"
        );
        assert!(count >= 2, "table {n} spans pages: {rows_on:?}");
        assert!(
            rows_on.iter().all(|&r| r >= 1),
            "table {n}: a page without rows: {rows_on:?}"
        );
        let rows = table.keys.len();
        assert!(
            count <= rows.div_ceil(MIN_ROWS_PER_PAGE),
            "table {n}: {rows} rows on {count} pages: {rows_on:?}"
        );
        assert!(
            rows_on[1..count - 1]
                .iter()
                .all(|&r| r >= MIN_ROWS_PER_PAGE),
            "table {n}: {rows_on:?}"
        );
    }
}
