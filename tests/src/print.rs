//! Printing a workbook as county staff would: LibreOffice headless turns
//! XLSX into PDF, and poppler reads the PDF back (page size, text per page).
//!
//! `cargo xtask test` installs both (Debian `libreoffice-calc-nogui`,
//! `poppler-utils`) and a CJK font.

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

pub const SOFFICE: &str = "/usr/bin/soffice";
pub const PDFINFO: &str = "/usr/bin/pdfinfo";
pub const PDFTOTEXT: &str = "/usr/bin/pdftotext";
/// Longest a conversion of a few workbooks may take on a loaded 2-core machine.
const CONVERT_WAIT: Duration = Duration::from_secs(180);

fn require(paths: &[&str]) {
    for path in paths {
        assert!(
            Path::new(path).exists(),
            "{path} is missing: run `cargo xtask test`, which installs libreoffice-calc-nogui \
             and poppler-utils (or `apt-get install -y libreoffice-calc-nogui poppler-utils \
             fonts-wqy-microhei`)"
        );
    }
}

/// Runs `cmd` to completion within `wait`, killing it after; returns its output.
fn run(mut cmd: Command, wait: Duration) -> Output {
    let shown = format!("{cmd:?}");
    let child = cmd
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("start {shown}: {e}"));
    let pid = child.id();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = tx.send(child.wait_with_output());
    });
    match rx.recv_timeout(wait) {
        Ok(output) => {
            let output = output.unwrap_or_else(|e| panic!("{shown}: {e}"));
            assert!(
                output.status.success(),
                "{shown} failed with {}: {}",
                output.status,
                String::from_utf8_lossy(&output.stderr)
            );
            output
        }
        Err(_) => {
            let _ = Command::new("kill").arg("-9").arg(pid.to_string()).status();
            panic!("{shown} did not finish within {wait:?}");
        }
    }
}

/// Converts every workbook to PDF in one LibreOffice run (its start-up is
/// most of the cost), into `out`; returns the PDFs in the order given. The
/// run has its own fresh profile, so it never hands the work to another
/// LibreOffice already running on the machine.
pub fn to_pdf(workbooks: &[PathBuf], out: &Path) -> Vec<PathBuf> {
    require(&[SOFFICE]);
    let profile = tempfile::tempdir().expect("LibreOffice profile dir");
    let mut cmd = Command::new(SOFFICE);
    cmd.arg(format!(
        "-env:UserInstallation=file://{}",
        profile.path().display()
    ))
    .args([
        "--headless",
        "--norestore",
        "--convert-to",
        "pdf",
        "--outdir",
    ])
    .arg(out)
    .args(workbooks);
    run(cmd, CONVERT_WAIT);
    workbooks
        .iter()
        .map(|w| {
            let pdf = out.join(w.with_extension("pdf").file_name().expect("file name"));
            assert!(pdf.exists(), "LibreOffice wrote no {}", pdf.display());
            pdf
        })
        .collect()
}

/// A PDF as poppler reads it.
#[derive(Debug)]
pub struct Pdf {
    /// Width and height of the first page in points.
    pub size: (f64, f64),
    /// Each page's text in content order (`pdftotext -raw`), whitespace
    /// removed: a cell's wrapped lines read as one string.
    pub pages: Vec<String>,
}

impl Pdf {
    pub fn read(path: &Path) -> Self {
        require(&[PDFINFO, PDFTOTEXT]);
        let mut info = Command::new(PDFINFO);
        info.arg(path);
        let info = String::from_utf8(run(info, CONVERT_WAIT).stdout).expect("UTF-8 pdfinfo");
        let field = |name: &str| {
            info.lines()
                .find_map(|l| l.strip_prefix(name))
                .unwrap_or_else(|| panic!("{name} in {info}"))
                .trim()
                .to_owned()
        };
        let size = field("Page size:");
        let mut numbers = size
            .split_whitespace()
            .filter_map(|w| w.parse::<f64>().ok());
        let size = (
            numbers.next().expect("page width"),
            numbers.next().expect("page height"),
        );
        let count: usize = field("Pages:").parse().expect("page count");

        let mut text = Command::new(PDFTOTEXT);
        text.args(["-raw", "-enc", "UTF-8"]).arg(path).arg("-");
        let text = String::from_utf8(run(text, CONVERT_WAIT).stdout).expect("UTF-8 text");
        // pdftotext ends every page with a form feed.
        let pages: Vec<String> = text
            .split('\u{c}')
            .take(count)
            .map(|p| p.chars().filter(|c| !c.is_whitespace()).collect())
            .collect();
        assert_eq!(pages.len(), count, "{}", path.display());
        Self { size, pages }
    }
}
