//! Writing output whole or not at all.
//!
//! Every file and folder stance writes goes through here: a single file is
//! written beside its final name and renamed over it ([`write_file`]); a
//! set of files is built in a [`Staging`] folder and moved into place only
//! when all of it is ready. A failure, or a staging folder dropped without
//! committing, leaves earlier results as they were.

use std::path::{Path, PathBuf};

use anyhow::{Context, Result};

/// Write `bytes` to `path` through a temporary file beside it and a rename.
pub fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".stance-tmp-{}", std::process::id()));
    let tmp = path.with_file_name(name);
    std::fs::write(&tmp, bytes).with_context(|| format!("{}: cannot write", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| {
        std::fs::remove_file(&tmp).ok();
        format!("{}: cannot write", path.display())
    })
}

/// A folder whose contents are moved into place on [`Staging::commit_file`]
/// and [`Staging::commit_dir`]; dropping it removes whatever is left.
pub struct Staging {
    dir: PathBuf,
    keep: bool,
}

impl Staging {
    /// A new, empty staging folder `parent/name` (an older one of that name
    /// is cleared first).
    pub fn new(parent: &Path, name: &str) -> Result<Self> {
        let dir = parent.join(name);
        if dir.exists() {
            std::fs::remove_dir_all(&dir)
                .with_context(|| format!("{}: cannot clear it", dir.display()))?;
        }
        std::fs::create_dir_all(&dir)
            .with_context(|| format!("{}: cannot write there", dir.display()))?;
        Ok(Staging { dir, keep: false })
    }

    /// The staging folder `parent/name` as an earlier run left it (to go
    /// on where it stopped).
    pub fn reuse(parent: &Path, name: &str) -> Result<Self> {
        let dir = parent.join(name);
        if !dir.is_dir() {
            anyhow::bail!("{}: no such folder to go on from", dir.display());
        }
        Ok(Staging { dir, keep: false })
    }

    /// Leave the folder where it is when dropped (to go on from later).
    pub fn keep(&mut self) {
        self.keep = true;
    }

    /// The staging folder.
    pub fn path(&self) -> &Path {
        &self.dir
    }

    /// Move the staged file `name` to `dest` (replacing it).
    pub fn commit_file(&self, name: &str, dest: &Path) -> Result<()> {
        std::fs::rename(self.dir.join(name), dest)
            .with_context(|| format!("{}: cannot write", dest.display()))
    }

    /// Put the staged folder `name` (or, with `None`, the whole staging
    /// folder) at `dest`, replacing any folder there: the old one is moved
    /// aside first and removed only once the new one is in place.
    pub fn commit_dir(&self, name: Option<&str>, dest: &Path) -> Result<()> {
        let from = name.map_or_else(|| self.dir.clone(), |n| self.dir.join(n));
        let aside = aside_name(dest);
        if aside.exists() {
            std::fs::remove_dir_all(&aside)
                .with_context(|| format!("{}: cannot clear it", aside.display()))?;
        }
        if dest.exists() {
            std::fs::rename(dest, &aside)
                .with_context(|| format!("{}: cannot replace it", dest.display()))?;
        }
        if let Err(e) = std::fs::rename(&from, dest) {
            // Put the old one back.
            if aside.exists() {
                std::fs::rename(&aside, dest).ok();
            }
            return Err(e).with_context(|| format!("{}: cannot write", dest.display()));
        }
        if aside.exists() {
            std::fs::remove_dir_all(&aside)
                .with_context(|| format!("{}: cannot remove it", aside.display()))?;
        }
        Ok(())
    }
}

fn aside_name(dest: &Path) -> PathBuf {
    let mut name = std::ffi::OsString::from(".");
    name.push(dest.file_name().unwrap_or_default());
    name.push(format!(".stance-old-{}", std::process::id()));
    dest.with_file_name(name)
}

impl Drop for Staging {
    fn drop(&mut self) {
        if self.keep {
            return;
        }
        // Gone already when the whole folder was committed.
        std::fs::remove_dir_all(&self.dir).ok();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn write_file_replaces_whole_and_leaves_no_temp() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        write_file(&p, b"one").unwrap();
        write_file(&p, b"two").unwrap();
        assert_eq!(std::fs::read_to_string(&p).unwrap(), "two");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
        let err = write_file(&dir.path().join("no/such/b.json"), b"x").unwrap_err();
        assert!(format!("{err:#}").contains("no/such"), "{err:#}");
    }

    #[test]
    fn staged_folder_replaces_the_old_one_or_leaves_it() {
        let dir = tempfile::tempdir().unwrap();
        let dest = dir.path().join("model");
        std::fs::create_dir(&dest).unwrap();
        std::fs::write(dest.join("old.txt"), "old").unwrap();
        {
            let s = Staging::new(dir.path(), ".model.tmp").unwrap();
            std::fs::write(s.path().join("new.txt"), "new").unwrap();
            // Dropped without commit: the old folder stays, the staging goes.
        }
        assert!(dest.join("old.txt").is_file());
        assert!(!dir.path().join(".model.tmp").exists());
        let s = Staging::new(dir.path(), ".model.tmp").unwrap();
        std::fs::write(s.path().join("new.txt"), "new").unwrap();
        s.commit_dir(None, &dest).unwrap();
        drop(s);
        assert!(dest.join("new.txt").is_file() && !dest.join("old.txt").exists());
        let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
        assert_eq!(left.len(), 1, "only the model folder is left");
    }

    #[test]
    fn staged_files_and_subfolders_move_into_an_existing_folder() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("keep.txt"), "mine").unwrap();
        let s = Staging::new(dir.path(), ".staging").unwrap();
        std::fs::write(s.path().join("a.csv"), "a").unwrap();
        std::fs::create_dir(s.path().join("parts")).unwrap();
        s.commit_file("a.csv", &dir.path().join("a.csv")).unwrap();
        s.commit_dir(Some("parts"), &dir.path().join("parts"))
            .unwrap();
        drop(s);
        let mut names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["a.csv", "keep.txt", "parts"]);
    }
}
