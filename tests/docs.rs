//! The documentation's links: every relative link in every Markdown file
//! of the repository (README, CHANGELOG, BENCHMARKS, docs/, the model
//! cards) names a file or folder that exists, and a `#fragment` names a
//! heading of the page it points to. The README stays short.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use crate::common::root;

/// The model cards' sources: `make_default.sh` and `make_cascade.sh` copy
/// them into `models/minilm-stance` and `models/minilm-stance-ce`, where
/// their links are checked (and the copies must be the same file).
const CARD_SOURCES: [(&str, &str); 2] = [
    (
        "models/train/card/README.md",
        "models/minilm-stance/README.md",
    ),
    (
        "models/train/card/cascade/README.md",
        "models/minilm-stance-ce/README.md",
    ),
];

/// Every Markdown file under the checkout, except build output, virtual
/// environments and the model cards' sources.
fn markdown_files() -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut stack = vec![root()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            if p.is_dir() {
                if !(name.starts_with('.') || name == "target" || name == "node_modules") {
                    stack.push(p);
                }
            } else if name.ends_with(".md")
                && !CARD_SOURCES.iter().any(|(src, _)| p == root().join(src))
            {
                out.push(p);
            }
        }
    }
    out.sort();
    out
}

/// The text outside fenced code blocks and inline code spans, line by
/// line (code shows link syntax without meaning it).
fn prose(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence {
            continue;
        }
        let mut kept = String::new();
        for (i, part) in line.split('`').enumerate() {
            if i % 2 == 0 {
                kept.push_str(part);
            }
        }
        out.push(kept);
    }
    out
}

/// Link targets in `text`: inline links and images `[x](target)` and
/// reference definitions `[x]: target`.
fn links(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in prose(text) {
        let mut rest = line.as_str();
        while let Some(i) = rest.find("](") {
            let after = &rest[i + 2..];
            let Some(end) = after.find(')') else { break };
            let target = after[..end].split_whitespace().next().unwrap_or("");
            out.push(target.trim_matches(['<', '>']).to_string());
            rest = &after[end..];
        }
        let t = line.trim_start();
        if t.starts_with('[') {
            if let Some((label, target)) = t.split_once("]: ") {
                if !label.contains(']') {
                    out.push(target.split_whitespace().next().unwrap_or("").to_string());
                }
            }
        }
    }
    out
}

/// GitHub's anchor for a heading: lower case, punctuation other than `-`
/// and `_` dropped, spaces as `-`.
fn slug(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter_map(|c| match c {
            ' ' => Some('-'),
            c if c.is_alphanumeric() || c == '-' || c == '_' => Some(c),
            _ => None,
        })
        .collect()
}

/// The anchors of a Markdown page's headings (GitHub numbers repeats).
fn anchors(text: &str) -> BTreeSet<String> {
    let mut seen = BTreeSet::new();
    let mut fence = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fence = !fence;
            continue;
        }
        if fence || !line.starts_with('#') {
            continue;
        }
        let heading = line.trim_start_matches('#');
        if !heading.starts_with(' ') {
            continue;
        }
        let base = slug(heading);
        let mut s = base.clone();
        let mut n = 1;
        while seen.contains(&s) {
            s = format!("{base}-{n}");
            n += 1;
        }
        seen.insert(s);
    }
    seen
}

/// Broken links in `file`, each as `file: target (why)`.
fn broken(file: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(file).unwrap();
    let rel = file
        .strip_prefix(root())
        .unwrap_or(file)
        .display()
        .to_string();
    let mut bad = Vec::new();
    for target in links(&text) {
        if target.is_empty()
            || target.contains("://")
            || target.starts_with("mailto:")
            || target.starts_with("data:")
        {
            continue;
        }
        let (path, fragment) = match target.split_once('#') {
            Some((p, f)) => (p, Some(f)),
            None => (target.as_str(), None),
        };
        let dest = if path.is_empty() {
            file.to_path_buf()
        } else {
            file.parent().unwrap().join(path)
        };
        if !dest.exists() {
            bad.push(format!("{rel}: {target} (no such file)"));
            continue;
        }
        if let Some(f) = fragment {
            if dest.extension().is_some_and(|e| e == "md") {
                let page = std::fs::read_to_string(&dest).unwrap();
                if !anchors(&page).contains(f) {
                    bad.push(format!("{rel}: {target} (no such heading)"));
                }
            }
        }
    }
    bad
}

#[test]
fn every_relative_link_in_the_docs_resolves() {
    let files = markdown_files();
    for must in [
        "README.md",
        "CHANGELOG.md",
        "BENCHMARKS.md",
        "docs/README.md",
    ] {
        assert!(
            files.contains(&root().join(must)),
            "{must} is missing: {files:?}"
        );
    }
    for (src, shipped) in CARD_SOURCES {
        assert_eq!(
            std::fs::read_to_string(root().join(src)).unwrap(),
            std::fs::read_to_string(root().join(shipped)).unwrap(),
            "{shipped} is not a copy of {src}"
        );
    }
    let bad: Vec<String> = files.iter().flat_map(|f| broken(f)).collect();
    assert!(bad.is_empty(), "broken links:\n{}", bad.join("\n"));
    // Every page of docs/ is reachable from its index.
    let index = std::fs::read_to_string(root().join("docs/README.md")).unwrap();
    let linked: BTreeSet<String> = links(&index).into_iter().collect();
    for f in files
        .iter()
        .filter(|f| f.parent() == Some(&root().join("docs")))
    {
        let name = f.file_name().unwrap().to_string_lossy().into_owned();
        assert!(
            name == "README.md" || linked.contains(&name),
            "docs/{name} is not in docs/README.md"
        );
    }
}

/// The checker itself: a missing file, a missing heading and a link
/// inside code are told apart.
#[test]
fn the_link_checker_finds_broken_links() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("b.md"), "# Big Title (`x`)\n\n## Two\n").unwrap();
    let a = dir.path().join("a.md");
    std::fs::write(
        &a,
        "[ok](b.md) [ok](b.md#big-title-x) [ok](#here) [gone](c.md) [bad](b.md#three)\n\
         `[code](nowhere.md)`\n```\n[fenced](nowhere.md)\n```\n# Here\n\
         [ref]: missing/file.md\n",
    )
    .unwrap();
    let bad = broken(&a);
    assert_eq!(bad.len(), 3, "{bad:?}");
    assert!(bad[0].contains("c.md (no such file)"), "{bad:?}");
    assert!(bad[1].contains("b.md#three (no such heading)"), "{bad:?}");
    assert!(bad[2].contains("missing/file.md"), "{bad:?}");
}

#[test]
fn the_readme_stays_short() {
    let text = std::fs::read_to_string(root().join("README.md")).unwrap();
    let n = text.lines().count();
    assert!(
        n <= 260,
        "README.md has {n} lines; long text belongs in docs/ with a link"
    );
    // It opens with the two commands, and the second is what CI runs.
    let ci = std::fs::read_to_string(root().join(".ci/run")).unwrap();
    let test_cmd = "cargo test --features ort,parquet && bash bindings/python/test.sh";
    assert!(text.contains("cargo run --release -- run datasets/helsinki-summit.txt"));
    assert!(text.contains(test_cmd) && ci.contains(test_cmd));
}
