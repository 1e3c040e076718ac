//! Tests of optional dependencies, under a harness that shows a test whose
//! dependency is missing as `ignored` (with the reason in its name's
//! `[kind]`) instead of letting it pass having done nothing.
//!
//! - ONNX Runtime (cargo feature `ort`, and `libonnxruntime.so` found as
//!   docs/backends.md, "ONNX Runtime backend", says): the fp32 export of the tiny
//!   fixture gives PyTorch's golden logits and candle's to 1e-4, both
//!   bundled models give PyTorch's outputs to 1e-4, and the default gives
//!   candle's labels on the founding article.
//!
//! - Chromium (Debian's `chromium`, or `STANCE_CHROMIUM=/path`): the HTML
//!   report of the founding article and of a multi-document run, loaded
//!   headless; its DOM is checked against `summary.csv`, and its
//!   JavaScript must run without error.
//!
//! - bf16 (a CPU with AVX-512 BF16): the founding article in bf16 against
//!   the fp32 goldens, and bf16 against PyTorch.
//!
//! - PolNeAR (`../shared/data/polnear`, research data beside the checkout):
//!   the attribution figures on dev and a hash of every attribution.
//!
//! `STANCE_REQUIRE_ORT=1`, `STANCE_REQUIRE_CHROMIUM=1`,
//! `STANCE_REQUIRE_BF16=1` and `STANCE_REQUIRE_POLNEAR=1` (set by `.ci/run`
//! where each is expected) turn a missing one into a failure. Every
//! optional dependency gets the same pair: a visible skip, and a
//! `STANCE_REQUIRE_*` variable that forbids it.

mod common;

#[path = "optional/bf16.rs"]
mod bf16;
#[path = "optional/polnear.rs"]
mod polnear;

use libtest_mimic::{Arguments, Failed, Trial};

/// A test that needs something that may be missing.
struct Needs {
    /// What is missing, or `None` when it is there.
    missing: Option<String>,
    /// The variable that makes a missing dependency a failure.
    require: &'static str,
}

impl Needs {
    fn trial(&self, name: &str, f: fn()) -> Trial {
        let required = std::env::var(self.require).is_ok_and(|v| v == "1");
        match (&self.missing, required) {
            (None, _) => Trial::test(name, move || run(f)),
            (Some(why), true) => {
                let msg = format!("{}=1 but {why}", self.require);
                Trial::test(name, move || Err(Failed::from(msg)))
            }
            (Some(_), false) => Trial::test(name, || Ok(()))
                .with_kind(format!("missing; {}=1 to require", self.require))
                .with_ignored_flag(true),
        }
    }
}

/// Run a test body, turning its panic into a failure with the message.
fn run(f: fn()) -> Result<(), Failed> {
    std::panic::catch_unwind(f).map_err(|e| {
        let msg = e
            .downcast_ref::<String>()
            .cloned()
            .or_else(|| e.downcast_ref::<&str>().map(|s| s.to_string()))
            .unwrap_or_else(|| "panicked".to_string());
        Failed::from(msg)
    })
}

fn main() {
    let args = Arguments::from_args();
    let mut trials = Vec::new();
    let ort = Needs {
        missing: ort_missing(),
        require: "STANCE_REQUIRE_ORT",
    };
    if let Some(why) = &ort.missing {
        eprintln!("ONNX Runtime tests: {why}");
    }
    #[cfg(feature = "ort")]
    {
        use ort_tests::*;
        // These need the library.
        trials.push(ort.trial(
            "ort::onnx_logits_match_pytorch_and_candle",
            onnx_logits_match_pytorch_and_candle,
        ));
        trials.push(ort.trial("ort::session_layouts_agree", session_layouts_agree));
        trials.push(ort.trial(
            "ort::bundled_models_onnx_match_pytorch",
            bundled_models_onnx_match_pytorch,
        ));
        trials.push(ort.trial(
            "ort::backends_agree_on_the_founding_article",
            backends_agree_on_the_founding_article,
        ));
        trials.push(ort.trial(
            "ort::backend_auto_picks_onnx_runtime_when_installed",
            backend_auto_picks_onnx_runtime_when_installed,
        ));
        trials.push(ort.trial(
            "ort::a_refitted_layer_is_what_onnx_runtime_runs",
            a_refitted_layer_is_what_onnx_runtime_runs,
        ));
        trials.push(ort.trial(
            "ort::fine_tuned_layers_are_what_onnx_runtime_runs",
            fine_tuned_layers_are_what_onnx_runtime_runs,
        ));
        // These check errors and run without it.
        let always = Needs {
            missing: None,
            require: "STANCE_REQUIRE_ORT",
        };
        trials.push(always.trial(
            "ort::missing_onnx_file_says_how_to_export",
            missing_onnx_file_says_how_to_export,
        ));
        trials.push(always.trial(
            "ort::wrong_library_path_is_named",
            wrong_library_path_is_named,
        ));
    }
    #[cfg(not(feature = "ort"))]
    for name in [
        "ort::onnx_logits_match_pytorch_and_candle",
        "ort::session_layouts_agree",
        "ort::bundled_models_onnx_match_pytorch",
        "ort::backends_agree_on_the_founding_article",
        "ort::backend_auto_picks_onnx_runtime_when_installed",
        "ort::a_refitted_layer_is_what_onnx_runtime_runs",
        "ort::fine_tuned_layers_are_what_onnx_runtime_runs",
    ] {
        trials.push(ort.trial(name, || {}));
    }
    let chromium = Needs {
        missing: browser::missing(),
        require: "STANCE_REQUIRE_CHROMIUM",
    };
    if let Some(why) = &chromium.missing {
        eprintln!("browser tests: {why}");
    }
    trials.push(chromium.trial(
        "browser::founding_article_report_renders_every_speaker",
        browser::founding_article_report_renders_every_speaker,
    ));
    trials.push(chromium.trial(
        "browser::archive_report_charts_each_claim_by_month",
        browser::archive_report_charts_each_claim_by_month,
    ));
    trials.push(chromium.trial(
        "browser::the_labelling_view_writes_labels_for_stance_train",
        browser::the_labelling_view_writes_labels_for_stance_train,
    ));
    let bf16 = Needs {
        missing: bf16::missing(),
        require: "STANCE_REQUIRE_BF16",
    };
    trials.push(bf16.trial(
        "bf16::founding_article_in_bf16_keeps_the_fp32_labels",
        bf16::founding_article_in_bf16_keeps_the_fp32_labels,
    ));
    trials.push(bf16.trial(
        "bf16::bf16_stays_near_pytorch",
        bf16::bf16_stays_near_pytorch,
    ));
    let polnear = Needs {
        missing: polnear::missing(),
        require: "STANCE_REQUIRE_POLNEAR",
    };
    trials.push(polnear.trial(
        "polnear::polnear_dev_figures_and_attributions",
        polnear::polnear_dev_figures_and_attributions,
    ));
    libtest_mimic::run(&args, trials).exit();
}

mod browser {
    use std::path::{Path, PathBuf};
    use std::process::Command;

    use crate::common::{article, json, read_csv, run_ok, stance, stderr};

    fn chromium() -> Option<PathBuf> {
        if let Some(p) = std::env::var_os("STANCE_CHROMIUM") {
            return Some(PathBuf::from(p));
        }
        ["chromium", "chromium-browser", "google-chrome"]
            .iter()
            .find_map(|name| {
                std::env::var_os("PATH").and_then(|paths| {
                    std::env::split_paths(&paths)
                        .map(|d| d.join(name))
                        .find(|p| p.is_file())
                })
            })
    }

    /// Why the browser tests cannot run, if they cannot.
    pub fn missing() -> Option<String> {
        match chromium() {
            None => Some(
                "no chromium on PATH (apt-get install chromium, or STANCE_CHROMIUM=/path)".into(),
            ),
            Some(p) => match Command::new(&p).arg("--version").output() {
                Ok(o) if o.status.success() => None,
                _ => Some(format!("{} --version fails", p.display())),
            },
        }
    }

    /// Run headless Chromium on `page` with `flags`, in a profile of its
    /// own inside `profile`; panics unless it succeeds.
    fn headless(page: &Path, profile: &Path, flags: &[&str]) -> std::process::Output {
        let o = Command::new(chromium().unwrap())
            .args([
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
            ])
            .args(flags)
            .arg(format!("--user-data-dir={}", profile.display()))
            .arg(format!("file://{}", page.display()))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
        o
    }

    /// The page's DOM after its scripts ran, and the browser's log (console
    /// messages included).
    fn load(page: &Path) -> (String, String) {
        let profile = tempfile::tempdir().unwrap();
        let o = headless(
            page,
            profile.path(),
            &[
                "--enable-logging=stderr",
                "--v=0",
                "--virtual-time-budget=3000",
                "--dump-dom",
            ],
        );
        (
            String::from_utf8_lossy(&o.stdout).into_owned(),
            String::from_utf8_lossy(&o.stderr).into_owned(),
        )
    }

    /// A screenshot of the page, as PNG bytes.
    fn screenshot(page: &Path) -> Vec<u8> {
        let profile = tempfile::tempdir().unwrap();
        let png = profile.path().join("shot.png");
        let shot = format!("--screenshot={}", png.display());
        headless(
            page,
            profile.path(),
            &["--hide-scrollbars", "--window-size=1000,1200", &shot],
        );
        std::fs::read(&png).unwrap()
    }

    fn check_scripts_ran(dom: &str, log: &str) {
        // The page's script marks <body> when it has run, and records any
        // error there.
        let at = dom.find("<body").expect("a body");
        let body_tag = &dom[at..at + dom[at..].find('>').unwrap()];
        assert!(
            body_tag.contains("data-js=\"ok\""),
            "the page's script did not finish: {body_tag}"
        );
        assert!(
            !body_tag.contains("data-js-error"),
            "a script error: {body_tag}"
        );
        for line in log.lines().filter(|l| l.contains("CONSOLE")) {
            assert!(!line.contains("Uncaught"), "{line}");
        }
    }

    pub fn founding_article_report_renders_every_speaker() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run_ok(&[Path::new(&article())], &out, &["--html"]);
        let (dom, log) = load(&out.join("report.html"));
        check_scripts_ran(&dom, &log);
        // It paints: a PNG of the page, far from blank (a white page of
        // this size compresses to a few kilobytes).
        let png = screenshot(&out.join("report.html"));
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n");
        assert!(png.len() > 50_000, "{} bytes", png.len());
        let (_, summary) = read_csv(&out.join("summary.csv"));
        assert_eq!(dom.matches("<g class=\"bar\"").count(), summary.len());
        assert_eq!(dom.matches("<svg class=\"chart histogram\"").count(), 1);
        for r in &summary {
            let cells = format!(
                "<td><bdi>{}</bdi></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td>",
                r["speaker"], r["sentences"], r["favor"], r["against"], r["none"]
            );
            assert!(dom.contains(&cells), "no row {cells}");
        }
    }

    /// `run --to-label 5 --html`: the page lists to-label.csv's sentences
    /// with a choice each; the fragment fills four of them, and the CSV the
    /// page would save holds those four, labelled, in to-label.csv's
    /// columns, which `stance train` then reads.
    pub fn the_labelling_view_writes_labels_for_stance_train() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        run_ok(
            &[Path::new(&article())],
            &out,
            &["--html", "--to-label", "5"],
        );
        let (header, to_label) = read_csv(&out.join("to-label.csv"));
        assert_eq!(to_label.len(), 5);
        let page = format!(
            "{}#labels=favor,against,,none,favor",
            out.join("report.html").display()
        );
        let (dom, log) = load(Path::new(&page));
        check_scripts_ran(&dom, &log);
        assert_eq!(dom.matches("<select class=\"label-choice\"").count(), 5);
        assert!(dom.contains("4 of 5 labelled"), "no count");
        let at = dom
            .find("<pre id=\"labels-csv\">")
            .expect("the CSV in the page")
            + 21;
        let text = dom[at..at + dom[at..].find("</pre>").unwrap()]
            .replace("&quot;", "\"")
            .replace("&lt;", "<")
            .replace("&gt;", ">")
            .replace("&amp;", "&");
        let saved = dir.path().join("labels.csv");
        std::fs::write(&saved, &text).unwrap();
        let (got_header, got) = read_csv(&saved);
        assert_eq!(got_header, header);
        let want: Vec<(&str, &str)> = [0, 1, 3, 4]
            .iter()
            .zip(["favor", "against", "none", "favor"])
            .map(|(&i, l)| (to_label[i]["text"].as_str(), l))
            .collect();
        let have: Vec<(&str, &str)> = got
            .iter()
            .map(|r| (r["text"].as_str(), r["label"].as_str()))
            .collect();
        assert_eq!(have, want);
        assert_eq!(got[0]["doc_id"], to_label[0]["doc_id"]);
        // `stance train` takes the saved file as it is.
        let model = dir.path().join("model");
        let o = stance(&[
            "train",
            saved.to_str().unwrap(),
            "--out",
            model.to_str().unwrap(),
        ]);
        assert!(o.status.success(), "{}", stderr(&o));
        assert_eq!(json(&model.join("trained.json"))["rows"], 4);
    }

    pub fn archive_report_charts_each_claim_by_month() {
        let dir = tempfile::tempdir().unwrap();
        let input = dir.path().join("news.jsonl");
        let mut lines = String::new();
        for i in 0..12 {
            lines.push_str(&format!(
                "{{\"id\": \"n{i}\", \"date\": \"2024-0{}-03\", \"text\": \"“Tariff {i} will raise prices,” economist Ana Ruiz said. Minister Lee said it would not.\"}}\n",
                1 + i % 3
            ));
        }
        std::fs::write(&input, lines).unwrap();
        let out = dir.path().join("out");
        run_ok(
            &[&input],
            &out,
            &[
                "--keep",
                "date",
                "--group-by",
                "date:month",
                "--target",
                "Tariffs raise prices",
                "--target",
                "Trade deals help workers",
                "--html",
            ],
        );
        let (dom, log) = load(&out.join("report.html"));
        check_scripts_ran(&dom, &log);
        // One section, chart and table per claim; a line per top speaker
        // over the three months.
        assert_eq!(dom.matches("<section id=\"target-").count(), 2);
        assert_eq!(dom.matches("<svg class=\"chart lines\"").count(), 2);
        assert!(dom.contains(">2024-03<"));
        assert!(dom.contains("data-speaker=\"Ana Ruiz\""), "{dom}");
        assert!(dom.contains("12 documents"));
    }
}

/// Why the ONNX Runtime tests cannot run, if they cannot.
fn ort_missing() -> Option<String> {
    #[cfg(feature = "ort")]
    {
        stance::score::onnx::find_library(None)
            .err()
            .map(|e| e.to_string())
    }
    #[cfg(not(feature = "ort"))]
    {
        Some("this build has no `ort` feature (cargo test --features ort)".to_string())
    }
}

#[cfg(feature = "ort")]
mod ort_tests {
    use std::path::Path;

    use crate::common::{golden, tiny};
    use stance::score::{BackendKind, Scorer, ScorerOptions};

    fn logits(backend: BackendKind, threads: usize, intra: usize, batch: usize) -> Vec<Vec<f32>> {
        let g = golden();
        let scorer = Scorer::load(&ScorerOptions {
            backend,
            threads,
            intra_threads: intra,
            batch_size: batch,
            ..ScorerOptions::new(tiny())
        })
        .unwrap();
        let pairs = g.pairs();
        let (l, _) = scorer.logits(&pairs).unwrap();
        assert_eq!(l.len(), g.pairs.len());
        l
    }

    fn max_diff(a: &[Vec<f32>], b: &[Vec<f32>]) -> f32 {
        a.iter()
            .zip(b)
            .flat_map(|(x, y)| x.iter().zip(y).map(|(p, q)| (p - q).abs()))
            .fold(0.0, f32::max)
    }

    pub fn onnx_logits_match_pytorch_and_candle() {
        let want: Vec<Vec<f32>> = golden().pairs.into_iter().map(|p| p.logits).collect();
        let ort = logits(BackendKind::Ort, 1, 1, 4);
        let d = max_diff(&ort, &want);
        assert!(d < 1e-4, "max |ort - torch| = {d}");
        let candle = logits(BackendKind::Candle, 1, 1, 4);
        let d = max_diff(&ort, &candle);
        assert!(d < 1e-4, "max |ort - candle| = {d}");
    }

    /// A folder written with a new final layer (`stance train --method
    /// cross-head`) keeps the shipped safetensors header, so the shared
    /// ONNX graph, which reads weights by offset, runs the new layer: here
    /// the default's favor and against rows swapped.
    pub fn a_refitted_layer_is_what_onnx_runtime_runs() {
        use stance::score::adapt::Layer;
        use stance::score::cascade::CascadeConfig;
        use stance::score::folder::{write_cross_model, FolderOptions, GateParts};
        use stance::score::ModelFiles;
        let base = ModelFiles::locate(&crate::common::default_model()).unwrap();
        let mut layer = Layer::read(&base.dir().join("model.safetensors")).unwrap();
        let h = layer.hidden;
        let (favor, rest) = layer.weight.split_at_mut(h);
        favor.swap_with_slice(&mut rest[..h]);
        layer.bias.swap(0, 1);
        let (config, gate) = CascadeConfig::load(base.dir()).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("swapped");
        let written = write_cross_model(
            &out,
            &base,
            &layer.patches(),
            Some(GateParts { dir: gate, config }),
            &[("README.md", "test".to_string())],
            FolderOptions { copy_onnx: true },
        )
        .unwrap();
        assert!(written.onnx_left_out.is_empty(), "{written:?}");
        let g = golden();
        let pairs = g.pairs();
        let run = |model: &Path, backend| {
            Scorer::load(&ScorerOptions {
                backend,
                threads: 2,
                ..ScorerOptions::new(model.display().to_string())
            })
            .unwrap()
            .logits(&pairs)
            .unwrap()
            .0
        };
        let ort = run(&out, BackendKind::Ort);
        let candle = run(&out, BackendKind::Candle);
        let d = max_diff(&ort, &candle);
        assert!(d < 1e-4, "refitted folder: max |ort - candle| = {d}");
        let shipped: Vec<Vec<f32>> = run(base.dir(), BackendKind::Ort)
            .into_iter()
            .map(|mut l| {
                l.swap(0, 1);
                l
            })
            .collect();
        let d = max_diff(&ort, &shipped);
        assert!(d < 1e-3, "ort runs the shipped layer, not the new one: {d}");
    }

    /// A folder whose top layers were fine-tuned (`stance train --method
    /// top-layers`) keeps the shipped header, so an ONNX graph that reads
    /// its weights from `model.safetensors` runs the new layers: here the
    /// tiny model's f16 twin (models/train/tiny_f16_twin.sh), both of its
    /// layers trained a few steps towards swapped labels.
    pub fn fine_tuned_layers_are_what_onnx_runtime_runs() {
        use stance::score::folder::{write_cross_model, FolderOptions, Patch};
        use stance::score::tune::{Adam, Padded, Top};
        use stance::score::ModelFiles;
        let twin = crate::common::root().join("tests/fixtures/tiny-bert-f16");
        let base = ModelFiles::locate(&twin.display().to_string()).unwrap();
        let config: stance::score::bert::Config =
            serde_json::from_str(&std::fs::read_to_string(&base.config).unwrap()).unwrap();
        let tensors = candle_core::safetensors::load(
            twin.join("model.safetensors"),
            &candle_core::Device::Cpu,
        )
        .unwrap();
        let top = Top::new(&tensors, &config, Some("bert"), 2).unwrap();
        let g = golden();
        let pairs = g.pairs();
        let candle_of = |model: &Path, backend| {
            Scorer::load(&ScorerOptions {
                backend,
                threads: 2,
                ..ScorerOptions::new(model.display().to_string())
            })
            .unwrap()
            .logits(&pairs)
            .unwrap()
            .0
        };
        let scorer = Scorer::load(&ScorerOptions::new(twin.display().to_string())).unwrap();
        let states = scorer.pair_states(&pairs, 0).unwrap();
        let refs: Vec<&[f32]> = states.iter().map(Vec::as_slice).collect();
        let batch = Padded::new(&refs, config.hidden_size).unwrap();
        let labels: Vec<u32> = (0..pairs.len()).map(|i| (i % 3) as u32).collect();
        let mut adam = Adam::new(top.vars(), 1e-2).unwrap();
        for _ in 0..5 {
            let loss = top.loss(&batch, &labels, 0.0, None).unwrap();
            adam.step(top.vars(), &loss).unwrap();
        }
        let patches: Vec<Patch> = top.values().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("tuned");
        let written = write_cross_model(
            &out,
            &base,
            &patches,
            None,
            &[("README.md", "test".to_string())],
            FolderOptions { copy_onnx: true },
        )
        .unwrap();
        assert!(written.onnx_left_out.is_empty(), "{written:?}");
        let ort = candle_of(&out, BackendKind::Ort);
        let candle = candle_of(&out, BackendKind::Candle);
        let d = max_diff(&ort, &candle);
        assert!(d < 1e-4, "fine-tuned folder: max |ort - candle| = {d}");
        let before = candle_of(&twin, BackendKind::Ort);
        let moved = max_diff(&ort, &before);
        assert!(
            moved > 1e-2,
            "ort runs the shipped layers, not the new ones: {moved}"
        );
    }

    pub fn session_layouts_agree() {
        let one = logits(BackendKind::Ort, 1, 1, 12);
        let two_sessions = logits(BackendKind::Ort, 2, 1, 3);
        let two_threads = logits(BackendKind::Ort, 2, 2, 5);
        assert!(max_diff(&one, &two_sessions) < 1e-5);
        assert!(max_diff(&one, &two_threads) < 1e-5);
    }

    pub fn missing_onnx_file_says_how_to_export() {
        let dir = tempfile::tempdir().unwrap();
        for f in ["config.json", "tokenizer.json", "model.safetensors"] {
            std::fs::copy(Path::new(&tiny()).join(f), dir.path().join(f)).unwrap();
        }
        let err = Scorer::load(&ScorerOptions {
            backend: BackendKind::Ort,
            ..ScorerOptions::new(dir.path().display().to_string())
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("scripts/export_onnx.py"), "{err}");
        let err = Scorer::load(&ScorerOptions {
            backend: BackendKind::Ort,
            quantized: true,
            ..ScorerOptions::new(tiny())
        })
        .err()
        .unwrap();
        assert!(err.to_string().contains("model_int8.onnx"), "{err}");
    }

    pub fn wrong_library_path_is_named() {
        let err = Scorer::load(&ScorerOptions {
            backend: BackendKind::Ort,
            ort_lib: Some("/no/such/libonnxruntime.so".into()),
            ..ScorerOptions::new(tiny())
        })
        .err()
        .unwrap();
        assert!(
            err.to_string().contains("/no/such/libonnxruntime.so"),
            "{err}"
        );
        // Under --backend auto, an ORT_DYLIB_PATH that names nothing runs
        // candle, and says why even with --quiet (a relative path set in
        // one folder breaks in the next).
        let dir = tempfile::tempdir().unwrap();
        let o = crate::common::stance_cmd()
            .env("ORT_DYLIB_PATH", "relative/libonnxruntime.so")
            .env_remove("STANCE_BACKEND")
            .args([
                "run",
                &crate::common::article(),
                "--model",
                &tiny(),
                "--quiet",
                "--out",
            ])
            .arg(dir.path().join("out"))
            .output()
            .unwrap();
        let e = crate::common::stderr(&o);
        assert!(o.status.success(), "{e}");
        assert!(
            e.contains("--backend auto runs candle: ORT_DYLIB_PATH relative/libonnxruntime.so: no such file"),
            "{e}"
        );
    }

    /// A bundled model on ONNX Runtime.
    fn ort_scorer(model: String) -> Scorer {
        Scorer::load(&ScorerOptions {
            backend: BackendKind::Ort,
            threads: 2,
            ..ScorerOptions::new(model)
        })
        .unwrap()
    }

    /// The default model on ONNX Runtime, loaded once for this binary.
    fn default_ort() -> &'static Scorer {
        static SCORER: std::sync::OnceLock<Scorer> = std::sync::OnceLock::new();
        SCORER.get_or_init(|| ort_scorer(crate::common::default_model()))
    }

    /// The bundled models' ONNX files read their f16 weights from
    /// model.safetensors (scripts/share_onnx_weights.py), so ONNX Runtime
    /// computes what PyTorch does, for the cascade and for the bi-encoder.
    pub fn bundled_models_onnx_match_pytorch() {
        use crate::common::{bi_model, default_model, head_golden_diff};
        let d = head_golden_diff(default_ort(), &default_model());
        assert!(d < 1e-4, "cascade: max |ort - torch| = {d}");
        let d = head_golden_diff(&ort_scorer(bi_model()), &bi_model());
        assert!(d < 1e-4, "bi-encoder: max |ort - torch| = {d}");
        for m in [default_model(), bi_model()] {
            let onnx = Path::new(&m).join("model.onnx");
            let size = std::fs::metadata(&onnx).unwrap().len();
            assert!(
                size < 1_000_000,
                "{}: {size} bytes; it should share the weights",
                onnx.display()
            );
        }
    }

    pub fn backend_auto_picks_onnx_runtime_when_installed() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("out");
        let o = crate::common::stance_cmd()
            .env_remove("STANCE_BACKEND")
            .args([
                "-v",
                "run",
                &crate::common::article(),
                "--model",
                &tiny(),
                "--out",
            ])
            .arg(&out)
            .output()
            .unwrap();
        let e = crate::common::stderr(&o);
        assert!(o.status.success(), "{e}");
        assert!(
            e.contains("--backend auto chose Ort: ONNX Runtime found at"),
            "{e}"
        );
        assert!(e.contains("pairs/s scoring with ort)"), "{e}");
        let m: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap())
                .unwrap();
        assert_eq!(m["backend"], "ort");
    }

    pub fn backends_agree_on_the_founding_article() {
        let text = std::fs::read_to_string(
            Path::new(env!("CARGO_MANIFEST_DIR")).join("datasets/helsinki-summit.txt"),
        )
        .unwrap();
        let seg = stance::segment::segment(&text);
        let hyp = stance::score::hypothesis(
            stance::pipeline::DEFAULT_TEMPLATE,
            stance::pipeline::DEFAULT_TARGET,
        )
        .unwrap();
        let pairs: Vec<(&str, &str)> = seg
            .sentences
            .iter()
            .map(|s| (s.text(&text), hyp.as_str()))
            .collect();
        assert!(pairs.len() > 40);
        let (candle, _) = crate::common::default_scorer().score(&pairs).unwrap();
        let (ort, _) = default_ort().score(&pairs).unwrap();
        // The same weights: every label the same, probabilities to 1e-4.
        for ((c, o), (s, _)) in candle.iter().zip(&ort).zip(&pairs) {
            assert_eq!(c.label(), o.label(), "`{s}`: {c:?} vs {o:?}");
            assert!((c.favor - o.favor).abs() < 1e-4 && (c.against - o.against).abs() < 1e-4);
        }
    }
}
