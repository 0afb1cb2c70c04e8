//! Disk full and I/O errors, on a real file system under the server:
//!
//! - disk full: the data folder on a 2 MB tmpfs, filled to the last byte;
//! - I/O errors: the data folder on ext4 on a loop device whose image file
//!   is made immutable (`chattr +i`) under the mounted file system, so every
//!   write and fsync reaching the device fails with EIO, as on a dying disk.
//!
//! Expected: the server answers 503 (never 500) and stays up, acknowledges
//! nothing it has not stored, reads keep working; when space returns it
//! resumes and every change arrives intact (`PRAGMA integrity_check` ok,
//! projections equal a recomputation). Mounting needs root (and, for the
//! loop device, `/dev/loop*`, `mkfs.ext4` and `chattr` on the image's file
//! system); without them each test prints why it did not run and passes.

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::Command;

use mopai_shared::doc::Scope;
use mopai_shared::ids::{DocId, FacilityId, TownshipId, VisitId};
use mopai_shared::model::{Facility, Visit};
use mopai_shared::roles::Role;
use mopai_shared::sync::session::TransportError;
use mopai_shared::sync::{SyncError, sync_replicas};
use mopai_tests::device::Device;
use mopai_tests::ledger::{Ledger, Recording, fingerprint};
use mopai_tests::server::TestServer;

const PASSWORD: &str = "disk-test-password";

fn run(cmd: &str, args: &[&str]) -> Result<String, String> {
    let out = Command::new(cmd)
        .args(args)
        .output()
        .map_err(|e| format!("{cmd}: {e}"))?;
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).trim().to_string())
    } else {
        Err(format!(
            "{cmd} {}: {}",
            args.join(" "),
            String::from_utf8_lossy(&out.stderr).trim()
        ))
    }
}

fn is_root() -> bool {
    run("id", &["-u"]).is_ok_and(|uid| uid == "0")
}

/// A mounted file system, unmounted (and its loop device freed) on drop.
struct Mount {
    dir: tempfile::TempDir,
    loop_device: Option<String>,
    /// The loop device's image, made mutable again on drop.
    image: Option<PathBuf>,
}

impl Mount {
    fn tmpfs(size: &str) -> Result<Self, String> {
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().to_str().ok_or("temp path")?.to_string();
        run(
            "mount",
            &["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs", &path],
        )?;
        Ok(Self {
            dir,
            loop_device: None,
            image: None,
        })
    }

    /// ext4 in an image file of `mib` MiB, on a loop device.
    fn ext4_on_loop(image: &Path, mib: u64) -> Result<Self, String> {
        let file = File::create(image).map_err(|e| e.to_string())?;
        file.set_len(mib << 20).map_err(|e| e.to_string())?;
        let image = image.to_str().ok_or("image path")?;
        run("mkfs.ext4", &["-q", "-F", image])?;
        let device = run("losetup", &["--find", "--show", image])?;
        let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
        let path = dir.path().to_str().ok_or("temp path")?.to_string();
        // Some kernels attach a loop device read-only at first.
        let mounted = run("blockdev", &["--setrw", &device])
            .and_then(|_| run("mount", &["-o", "errors=remount-ro", &device, &path]));
        if let Err(e) = mounted {
            let _ = run("losetup", &["-d", &device]);
            return Err(e);
        }
        Ok(Self {
            dir,
            loop_device: Some(device),
            image: Some(PathBuf::from(image)),
        })
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        if let Some(image) = self.image.as_ref().and_then(|i| i.to_str()) {
            let _ = run("chattr", &["-i", image]);
        }
        if let Some(path) = self.dir.path().to_str() {
            let _ = run("umount", &["-l", path]);
        }
        if let Some(device) = &self.loop_device {
            let _ = run("losetup", &["-d", device]);
        }
    }
}

/// Writes zeros until the file system refuses; returns the file and bytes.
fn fill(dir: &Path) -> (PathBuf, u64) {
    let path = dir.join("filler");
    let mut file = File::create(&path).expect("create filler");
    let chunk = vec![0u8; 4096];
    let mut written = 0u64;
    while file.write_all(&chunk).is_ok() {
        written += chunk.len() as u64;
    }
    // Byte by byte for what a whole page did not fit.
    while file.write_all(&[0]).is_ok() && file.flush().is_ok() {
        written += 1;
    }
    let _ = file.sync_all();
    (path, written)
}

struct Phone {
    device: Device,
    ledger: Ledger,
}

impl Phone {
    /// One session; the ledger keeps what the server acknowledged.
    async fn sync(&mut self) -> Result<(), SyncError> {
        let device = &mut self.device;
        let recording = Recording::new(&device.transport);
        let result = sync_replicas(
            &recording,
            device.id,
            device.checkpoint,
            &mut device.replicas,
            |_| {},
        )
        .await;
        self.ledger.merge(recording.into_ledger());
        device.checkpoint = result?.checkpoint;
        Ok(())
    }

    /// A new facility and a visit with a long note on every facility: new
    /// pages for the database to write.
    fn write_a_lot(&mut self, township: TownshipId, n: usize) {
        let by = self.device.user.as_ref().expect("user").id;
        self.device.create(
            DocId::facility(FacilityId::random()),
            Scope::Township(township),
            &Facility::default(),
        );
        let facilities: Vec<String> = self
            .device
            .replicas
            .keys()
            .filter(|id| id.starts_with("facility:"))
            .cloned()
            .collect();
        for id in facilities {
            // Notes just under the write gate's cap, several per edit.
            self.device.edit::<Facility>(&id, |f| {
                for _ in 0..6 {
                    let mut v = Visit::new(VisitId::random(), by);
                    v.findings.other_risk_reason = format!("{n}：{}", "护理员不足，".repeat(300));
                    f.visits.push(v);
                }
            });
        }
    }
}

async fn phone(server: &TestServer) -> Phone {
    let device = server.phone("wang", PASSWORD).await;
    Phone {
        device,
        ledger: Ledger::default(),
    }
}

fn status_of(result: Result<(), SyncError>) -> u16 {
    match result {
        Ok(()) => 200,
        Err(SyncError::Transport(TransportError::Rejected { status, .. })) => status,
        Err(e) => panic!("unexpected sync failure: {e}"),
    }
}

fn check_intact(server: &TestServer, ledger: &Ledger) {
    let storage = server.storage();
    assert_eq!(storage.integrity_check().expect("integrity_check"), "ok");
    let lost = ledger.missing(&storage);
    assert!(lost.is_empty(), "acknowledged but not stored: {lost:?}");
    let mismatches = storage
        .read(mopai_server::projection::mismatches)
        .expect("recompute");
    assert!(mismatches.is_empty(), "{mismatches:?}");
}

async fn server_on(dir: &Path) -> (TestServer, TownshipId) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).expect("data folder");
    // The disk under test is SQLite's; PostgreSQL's disk is its server's,
    // so on either pass of the suite this server runs on SQLite.
    let server = TestServer::start_with(|c| {
        c.data_dir = data;
        c.database = None;
    })
    .await;
    let township = server.add_townships(&["开云镇"])[0];
    server.add_user("wang", Role::Inspector, Some("开云镇"), PASSWORD);
    (server, township)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_full_disk_answers_503_stores_nothing_and_resumes_when_space_returns() {
    if !is_root() {
        println!("disk full: SKIPPED: mounting a tmpfs needs root");
        return;
    }
    let mount = match Mount::tmpfs("2m") {
        Ok(m) => m,
        Err(e) => {
            println!("disk full: SKIPPED: cannot mount a tmpfs here: {e}");
            return;
        }
    };
    let (server, township) = server_on(mount.path()).await;
    let mut phone = phone(&server).await;
    phone.write_a_lot(township, 0);
    phone.sync().await.expect("sync with space left");
    check_intact(&server, &phone.ledger);

    let (filler, filled) = fill(mount.path());
    let before = fingerprint(&server.storage());
    let acknowledged = phone.ledger.answered;
    let mut statuses = Vec::new();
    for n in 1..=5 {
        phone.write_a_lot(township, n);
        statuses.push(status_of(phone.sync().await));
    }
    // Reads still work; a login (which writes a session) is refused cleanly.
    let me = reqwest::Client::new()
        .get(server.url("/api/me"))
        .bearer_auth(phone.device.transport.token.as_deref().expect("token"))
        .send()
        .await
        .expect("GET /api/me")
        .status()
        .as_u16();
    let login = server.login("wang", PASSWORD).await.0;
    let full_statuses = statuses.clone();
    assert!(
        statuses.iter().all(|s| *s == 503),
        "syncs on a full disk: {statuses:?}"
    );
    assert_eq!(login, 503, "a login on a full disk");
    assert_eq!(me, 200, "reads work on a full disk");
    assert_eq!(
        phone.ledger.answered, acknowledged,
        "a request was acknowledged on a full disk"
    );
    assert_eq!(
        fingerprint(&server.storage()),
        before,
        "something was stored on a full disk"
    );

    // Space returns: the same phone, with everything it kept, syncs.
    std::fs::remove_file(&filler).expect("free the space");
    phone.sync().await.expect("sync once space returned");
    phone.sync().await.expect("settled");
    check_intact(&server, &phone.ledger);
    let mut unsent = 0;
    for replica in phone.device.replicas.values_mut() {
        unsent += usize::from(replica.has_unsent_changes());
    }
    assert_eq!(unsent, 0, "documents still not on the server");
    let mut reader = Device::new(server.url("/api/sync"));
    reader.transport.token = phone.device.transport.token.clone();
    reader
        .sync()
        .await
        .expect("a second phone pulls everything");
    for (id, replica) in &mut phone.device.replicas {
        let pulled = reader.replicas.get_mut(id).expect("pulled").doc.get_heads();
        assert_eq!(pulled, replica.doc.get_heads(), "{id}");
    }
    println!(
        "disk full: 2 MB tmpfs filled with {filled} B; {} syncs answered {full_statuses:?}, login {login}, \
         reads {me}; acknowledged on the full disk: 0; stored on the full disk: 0; after freeing the \
         space every change arrived ({} documents), integrity ok, projections exact",
        full_statuses.len(),
        phone.device.replicas.len()
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn io_errors_answer_503_and_acknowledge_nothing() {
    if !is_root() {
        println!("I/O errors: SKIPPED: a loop device needs root");
        return;
    }
    let tmp = tempfile::tempdir().expect("temp dir");
    let mount = match Mount::ext4_on_loop(&tmp.path().join("disk.img"), 32) {
        Ok(m) => m,
        Err(e) => {
            println!("I/O errors: SKIPPED: no loop device with ext4 here: {e}");
            return;
        }
    };
    let image = mount.image.clone().expect("image");
    let (server, township) = server_on(mount.path()).await;
    let mut phone = phone(&server).await;
    phone.write_a_lot(township, 0);
    phone.sync().await.expect("sync on a healthy disk");
    check_intact(&server, &phone.ledger);
    let acknowledged = phone.ledger.clone();

    // The disk starts failing every write.
    if let Err(e) = run("chattr", &["+i", image.to_str().expect("path")]) {
        println!("I/O errors: SKIPPED: cannot make the image immutable: {e}");
        return;
    }
    let mut statuses = Vec::new();
    for n in 1..=3 {
        phone.write_a_lot(township, n);
        statuses.push(status_of(phone.sync().await));
    }
    let alive = reqwest::get(server.url("/healthz"))
        .await
        .map(|r| r.status().as_u16())
        .unwrap_or(0);
    let _ = run("chattr", &["-i", image.to_str().expect("path")]);
    println!(
        "I/O errors: syncs on a failing disk answered {statuses:?}; acknowledged meanwhile: {}; \
         server alive: {}",
        phone.ledger.answered - acknowledged.answered,
        alive == 200
    );
    assert!(
        statuses.iter().all(|s| *s == 503),
        "syncs on a failing disk: {statuses:?}"
    );
    assert_eq!(
        phone.ledger.answered, acknowledged.answered,
        "a request was acknowledged while the disk failed"
    );
    assert_eq!(alive, 200, "the server stays up");
}
