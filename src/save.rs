//! `interview --save FILE`: the summary for a doctor, written so that it is
//! never lost, never half-written, and never written over anything but a
//! regular file the person named.
//!
//! - [`check`], before the first question: the name must be a file name
//!   (not ending in `/`), in a folder that exists and can be written; the
//!   destination, looked at without following links, must not exist or be a
//!   regular file, and an existing one is replaced only with `--force`. A
//!   symbolic link, a folder, a FIFO, a socket or a device is refused even
//!   then: renaming over `/dev/null` would replace the device.
//! - [`save`], before the result is printed (so a closed stdout cannot lose
//!   the file): the text goes to a temporary file in the same folder, is
//!   synced, and is renamed into place, after the destination is checked
//!   again. Any error removes the temporary file.
//! - Ctrl-C, SIGTERM and SIGHUP during a save do not end the process at once
//!   (which would leave the temporary file, holding the whole summary): the
//!   signal handler asks [`Interrupts::on_signal`], which records the signal;
//!   the save then finishes or cleans up, and returns [`Interrupted`].

use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU8, Ordering};

use crate::triage::load::kind_of;

/// Where the summary goes, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Target {
    path: PathBuf,
    dir: PathBuf,
    /// `--force`: an existing regular file may be replaced.
    force: bool,
}

/// The save was interrupted by a signal: the process should end with 130.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Interrupted;

impl fmt::Display for Interrupted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("interrupted")
    }
}

impl std::error::Error for Interrupted {}

fn refused(message: impl Into<String>) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message.into())
}

/// Whether the destination may be written: absent, or (with `force`) a
/// regular file. Looked at without following a link.
fn check_destination(path: &Path, force: bool) -> io::Result<()> {
    match fs::symlink_metadata(path) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(e),
        Ok(meta) if meta.is_file() && force => Ok(()),
        Ok(meta) if meta.is_file() => Err(refused(
            "the file already exists: add --force to replace it",
        )),
        Ok(meta) if meta.is_dir() => Err(refused("that is a folder, not a file name")),
        Ok(meta) => Err(refused(format!(
            "that is {}, not a regular file: give the name of a new file or of a file to replace",
            kind_of(meta.file_type())
        ))),
    }
}

/// Checks a `--save` destination before anything is asked. The probe of
/// the folder writes a temporary file, so it counts as a save for
/// `interrupts`: a signal during it removes the file, then [`Interrupted`].
pub(crate) fn check(path: &Path, force: bool, interrupts: &Interrupts) -> io::Result<Target> {
    let text = path.as_os_str().to_string_lossy();
    if text.is_empty() {
        return Err(refused("no file name was given"));
    }
    if text.ends_with('/') || text.ends_with("/.") || path.file_name().is_none() {
        return Err(refused(
            "that names a folder (it ends with /): give a file name",
        ));
    }
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    if !fs::metadata(&dir).is_ok_and(|meta| meta.is_dir()) {
        return Err(io::Error::new(
            io::ErrorKind::NotFound,
            format!("the folder {} does not exist", dir.display()),
        ));
    }
    check_destination(path, force)?;
    // Creating (and removing) a temporary file proves the folder is writable.
    if !interrupts.begin_save() {
        return Err(io::Error::other(Interrupted));
    }
    let probe = temp_in(&dir).map(drop);
    if interrupts.end_save() {
        return Err(io::Error::other(Interrupted));
    }
    probe?;
    Ok(Target {
        path: path.to_path_buf(),
        dir,
        force,
    })
}

/// A new temporary file in `dir`, removed when dropped.
fn temp_in(dir: &Path) -> io::Result<tempfile::NamedTempFile> {
    tempfile::Builder::new()
        .prefix(".backtriage-")
        .suffix(".tmp")
        .tempfile_in(dir)
}

/// Writes `text` to the target through a temporary file renamed into place,
/// so the file is either absent (or the old one) or the whole new one.
/// Returns [`Interrupted`] (inside the `io::Error`) when a signal came
/// during the save: the temporary file is gone, and the destination is the
/// old file or, if the signal came after the rename, the whole new one.
pub(crate) fn save(target: &Target, text: &str, interrupts: &Interrupts) -> io::Result<()> {
    if !interrupts.begin_save() {
        return Err(io::Error::other(Interrupted));
    }
    let result = write_and_rename(target, text, interrupts);
    let interrupted = interrupts.end_save();
    match result {
        Ok(()) if interrupted => Err(io::Error::other(Interrupted)),
        other => other,
    }
}

fn write_and_rename(target: &Target, text: &str, interrupts: &Interrupts) -> io::Result<()> {
    let mut tmp = temp_in(&target.dir)?;
    // Each step checks for a signal; dropping `tmp` removes the file.
    tmp.write_all(text.as_bytes())?;
    tmp.as_file().sync_all()?;
    if interrupts.signalled() {
        return Err(io::Error::other(Interrupted));
    }
    // Looked at again just before the rename: something may have appeared
    // at the destination during the interview.
    check_destination(&target.path, target.force)?;
    if target.force {
        tmp.persist(&target.path).map_err(|e| e.error)?;
    } else {
        // Never over anything that appeared since the check.
        tmp.persist_noclobber(&target.path).map_err(|e| e.error)?;
    }
    // The rename itself is durable once the folder is synced; a folder that
    // cannot be opened or synced does not make the save fail.
    if let Ok(dir) = fs::File::open(&target.dir) {
        let _ = dir.sync_all();
    }
    Ok(())
}

/// Whether an error is a save cut short by a signal.
pub(crate) fn is_interrupted(e: &io::Error) -> bool {
    e.get_ref().is_some_and(|inner| inner.is::<Interrupted>())
}

/// The state shared by the signal handler and a save: whether a save is
/// under way, and whether a signal came.
#[derive(Debug, Default)]
pub(crate) struct Interrupts(AtomicU8);

const IDLE: u8 = 0;
const SAVING: u8 = 1;
/// A signal came with no save under way: the process is ending.
const ENDING: u8 = 2;
/// A signal came during a save: the save finishes or cleans up first.
const SAVING_SIGNALLED: u8 = 3;

/// The process's state, for its signal handler (`app.rs`).
pub(crate) static INTERRUPTS: Interrupts = Interrupts(AtomicU8::new(IDLE));

impl Interrupts {
    /// Called by the signal handler. True when nothing needs finishing and
    /// the process may end now; false when a save is under way, which will
    /// clean up and report [`Interrupted`].
    pub(crate) fn on_signal(&self) -> bool {
        loop {
            let now = self.0.load(Ordering::SeqCst);
            let (next, end_now) = match now {
                IDLE => (ENDING, true),
                SAVING => (SAVING_SIGNALLED, false),
                SAVING_SIGNALLED => return false,
                _ => return true,
            };
            if self
                .0
                .compare_exchange(now, next, Ordering::SeqCst, Ordering::SeqCst)
                .is_ok()
            {
                return end_now;
            }
        }
    }

    /// Marks a save as under way; false if a signal already came (the
    /// process is ending: nothing may be started).
    fn begin_save(&self) -> bool {
        self.0
            .compare_exchange(IDLE, SAVING, Ordering::SeqCst, Ordering::SeqCst)
            .is_ok()
    }

    /// Whether a signal came during the save under way.
    fn signalled(&self) -> bool {
        self.0.load(Ordering::SeqCst) == SAVING_SIGNALLED
    }

    /// Marks the save as over; true if a signal came during it (the state
    /// then stays "ending": a later signal ends the process at once).
    fn end_save(&self) -> bool {
        match self
            .0
            .compare_exchange(SAVING, IDLE, Ordering::SeqCst, Ordering::SeqCst)
        {
            Ok(_) => false,
            Err(_) => {
                self.0.store(ENDING, Ordering::SeqCst);
                true
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entries(dir: &Path) -> Vec<String> {
        let mut names: Vec<String> = fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        names.sort();
        names
    }

    #[test]
    fn a_save_writes_the_whole_file_and_leaves_nothing_else() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.md");
        let target = check(&path, false, &Interrupts::default()).unwrap();
        save(&target, "summary", &Interrupts::default()).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "summary");
        assert_eq!(entries(dir.path()), ["s.md"]);
    }

    #[test]
    fn a_signal_before_the_save_starts_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let target = check(&dir.path().join("s.md"), false, &Interrupts::default()).unwrap();
        let interrupts = Interrupts::default();
        assert!(interrupts.on_signal(), "nothing to finish: end now");
        let e = save(&target, "summary", &interrupts).unwrap_err();
        assert!(is_interrupted(&e));
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn a_signal_during_the_save_removes_the_temporary_file() {
        let dir = tempfile::tempdir().unwrap();
        let target = check(&dir.path().join("s.md"), false, &Interrupts::default()).unwrap();
        let interrupts = Interrupts::default();
        assert!(interrupts.begin_save());
        assert!(!interrupts.on_signal(), "the save must finish or clean up");
        let e = write_and_rename(&target, "summary", &interrupts).unwrap_err();
        assert!(is_interrupted(&e));
        assert!(interrupts.end_save());
        assert!(entries(dir.path()).is_empty(), "{:?}", entries(dir.path()));
        // Once interrupted, a later signal ends the process at once.
        assert!(interrupts.on_signal());
    }

    #[test]
    fn a_signal_after_the_rename_keeps_the_whole_file_and_reports_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("s.md");
        let target = check(&path, false, &Interrupts::default()).unwrap();
        let interrupts = Interrupts::default();
        assert!(interrupts.begin_save());
        write_and_rename(&target, "summary", &interrupts).unwrap();
        assert!(!interrupts.on_signal());
        assert!(interrupts.end_save(), "the signal is reported");
        assert_eq!(fs::read_to_string(&path).unwrap(), "summary");
        assert_eq!(entries(dir.path()), ["s.md"]);
    }

    #[test]
    fn a_signal_during_the_check_leaves_no_probe_file() {
        let dir = tempfile::tempdir().unwrap();
        let interrupts = Interrupts::default();
        assert!(interrupts.on_signal());
        let e = check(&dir.path().join("s.md"), false, &interrupts).unwrap_err();
        assert!(is_interrupted(&e));
        assert!(entries(dir.path()).is_empty());
    }

    #[test]
    fn names_that_are_not_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let none = Interrupts::default();
        let shown = |p: &Path, force| check(p, force, &none).unwrap_err().to_string();
        let slash = format!("{}/new/", dir.path().display());
        assert!(shown(Path::new(&slash), false).contains("ends with /"));
        assert!(shown(dir.path(), true).contains("that is a folder"));
        assert!(shown(&dir.path().join("no/such.md"), false).contains("does not exist"));
        let file = dir.path().join("old.md");
        fs::write(&file, "old").unwrap();
        assert!(shown(&file, false).contains("add --force"));
        assert!(check(&file, true, &none).is_ok());
        #[cfg(unix)]
        {
            let link = dir.path().join("link.md");
            std::os::unix::fs::symlink(&file, &link).unwrap();
            assert!(shown(&link, true).contains("that is a symbolic link"));
        }
    }
}
