//! Hostile input never hurts: one regression test per defect found by trying to break
//! dialsim (issue 15), each feeding the input it names (generated here, never committed).

use super::support::{dialsim, temp};
use assert_cmd::cargo::CommandCargoExt;
use std::os::unix::fs::FileTypeExt;
use std::process::{Command, Stdio};

/// The binary as a plain `std::process::Command` (for custom stdio).
fn bin() -> Command {
    Command::cargo_bin("dialsim").expect("binary built")
}

// Row 1: output files that are not regular files.

#[test]
fn cdr_to_a_fifo_is_written_through_and_stays_a_fifo() {
    let dir = temp("fifo");
    let fifo = dir.join("calls.csv");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader_path = fifo.clone();
    let reader = std::thread::spawn(move || std::fs::read(&reader_path).expect("read fifo"));
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&fifo)
        .assert()
        .code(0);
    let got = reader.join().expect("reader");
    assert!(
        got.len() > 1000,
        "the records went through the FIFO: {} bytes",
        got.len()
    );
    let ft = std::fs::symlink_metadata(&fifo)
        .expect("still there")
        .file_type();
    assert!(ft.is_fifo(), "the FIFO was replaced by a {ft:?}");
}

#[test]
fn cdr_to_a_device_is_written_through_and_the_device_survives() {
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr", "/dev/null"])
        .assert()
        .code(0);
    let ft = std::fs::symlink_metadata("/dev/null")
        .expect("/dev/null")
        .file_type();
    assert!(ft.is_char_device(), "/dev/null was replaced");
}

#[test]
fn cdr_through_a_symlink_writes_its_target_and_keeps_the_link() {
    let dir = temp("symlink");
    let target = dir.join("real.csv");
    let link = dir.join("link.csv");
    std::os::unix::fs::symlink("real.csv", &link).expect("symlink");
    dialsim()
        .args(["run", "scenarios/quickstart.json", "--cdr"])
        .arg(&link)
        .assert()
        .code(0);
    assert!(
        std::fs::symlink_metadata(&link)
            .expect("link")
            .file_type()
            .is_symlink()
    );
    assert!(std::fs::read(&target).expect("target written").len() > 1000);
}

// Row 2: stdout that cannot be written.

#[test]
fn a_closed_stdout_pipe_ends_quietly() {
    let mut child = bin()
        .args(["run", "scenarios/quickstart.json", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take()); // the reader goes away at once
    let out = child.wait_with_output().expect("wait");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(0), "{stderr}");
}

#[test]
fn a_full_stdout_is_a_clean_error() {
    let full = std::fs::OpenOptions::new()
        .write(true)
        .open("/dev/full")
        .expect("/dev/full");
    let out = bin()
        .args(["validate", "scenarios/quickstart.json"])
        .stdout(Stdio::from(full))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(stderr.contains("stdout"), "{stderr}");
}
