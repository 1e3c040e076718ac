//! The library as the Python package and other programs use it: a run in
//! memory gives the rows, summaries and documents a folder run writes; a
//! folder run and an evaluation are library calls; what users get wrong
//! is said in words that name it.

use std::path::PathBuf;

use stance::pipeline::{documents_from_texts, run_documents, FolderRun, RunOptions};
use stance::report::{summarize, DocumentRow, SummaryRow};
use stance::score::{ScorerRequest, Stance};

use crate::common::*;

const SECOND: &str = "Senators said on Tuesday that Russia interfered in the 2016 US election \
                      through hacking and propaganda.\n\n\
                      \"We have no doubt about it,\" said Senator Jane Moore. The Kremlin has \
                      denied any role in the election.\n";

/// Both articles on disk (the founding article and a short one), and
/// their texts.
fn inputs(dir: &std::path::Path) -> (Vec<PathBuf>, Vec<String>) {
    let a = dir.join("helsinki-summit.txt");
    let b = dir.join("senate.txt");
    std::fs::write(&a, article_text()).unwrap();
    std::fs::write(&b, SECOND).unwrap();
    (vec![a, b], vec![article_text(), SECOND.to_string()])
}

fn csv_of<T: serde::Serialize>(rows: &[T]) -> Vec<Vec<String>> {
    let mut w = csv::WriterBuilder::new()
        .has_headers(false)
        .from_writer(Vec::new());
    for r in rows {
        w.serialize(r).unwrap();
    }
    let text = String::from_utf8(w.into_inner().unwrap()).unwrap();
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

fn table(path: &std::path::Path) -> Vec<Vec<String>> {
    csv::Reader::from_path(path)
        .unwrap()
        .records()
        .map(|r| r.unwrap().iter().map(String::from).collect())
        .collect()
}

#[test]
fn a_run_in_memory_gives_what_a_folder_run_writes() {
    let dir = tempfile::tempdir().unwrap();
    let (paths, texts) = inputs(dir.path());
    let out = dir.path().join("out");
    let scorer = default_scorer();
    let done = FolderRun::new(paths, out.clone()).run(scorer).unwrap();
    assert_eq!(done.stats.documents, 2);

    let ids = vec!["helsinki-summit".to_string(), "senate".to_string()];
    let docs = documents_from_texts(texts, Some(ids), None).unwrap();
    let (got, stats) = run_documents(docs, scorer, &RunOptions::default()).unwrap();
    assert!(got.errors.is_empty(), "{:?}", got.errors);
    assert_eq!(stats.rows, done.stats.rows);

    // The rows, as sentences.csv writes them.
    let written = table(&out.join("sentences.csv"));
    assert_eq!(csv_of(&got.rows), written);
    assert!(got.rows.iter().any(|r| r.speaker == "Putin"));

    // The summaries from the rows equal the folder's tables; documents.csv
    // names each document's file, which in memory is its place.
    let targets = RunOptions::default().targets;
    let t = summarize(&got.rows, &targets, &[], None).unwrap();
    assert_eq!(
        csv_of::<SummaryRow>(&t.summary),
        table(&out.join("summary.csv"))
    );
    assert_eq!(t.summary, done.written.summary);
    let docs_written = table(&out.join("documents.csv"));
    assert_eq!(t.documents.len(), 2);
    for (i, (d, w)) in t.documents.iter().zip(&docs_written).enumerate() {
        let mut mine = csv_of::<DocumentRow>(std::slice::from_ref(d)).remove(0);
        assert_eq!(mine[10], format!("texts[{i}]"));
        mine[10] = w[10].clone();
        assert_eq!(&mine, w);
    }
    assert!(t.by_group.is_empty());
}

#[test]
fn rows_in_memory_summarise_by_group() {
    let docs = documents_from_texts(
        vec![
            article_text(),
            SECOND.to_string(),
            SECOND.replace("Tuesday", "Friday"),
        ],
        Some(vec!["a".into(), "b".into(), "c".into()]),
        Some(vec![
            vec!["east".into()],
            vec!["west".into()],
            vec!["east".into()],
        ]),
    )
    .unwrap();
    let opts = RunOptions {
        read: stance::ingest::ReadOptions {
            fields: stance::ingest::Fields {
                keep: vec!["desk".into()],
                ..Default::default()
            },
            ..Default::default()
        },
        ..RunOptions::default()
    };
    let (got, _) = run_documents(docs, default_scorer(), &opts).unwrap();
    assert!(got.rows.iter().all(|r| r.meta.len() == 1));
    let group = stance::report::GroupBy::parse("desk").unwrap();
    let t = summarize(&got.rows, &opts.targets, &["desk".into()], Some(group)).unwrap();
    let groups: std::collections::BTreeSet<&str> =
        t.by_group.iter().map(|(g, _)| g.as_str()).collect();
    assert_eq!(groups, ["east", "west"].into());
    // Each speaker's sentences are split between the groups, no more.
    for s in &t.summary {
        let n: usize = t
            .by_group
            .iter()
            .filter(|(_, r)| r.speaker == s.speaker && r.target == s.target)
            .map(|(_, r)| r.sentences)
            .sum();
        assert_eq!(n, s.sentences, "{}", s.speaker);
    }
    let err = summarize(
        &got.rows,
        &opts.targets,
        &[],
        Some(stance::report::GroupBy::parse("desk").unwrap()),
    )
    .unwrap_err();
    assert!(err.to_string().contains("must be kept"), "{err}");
}

#[test]
fn texts_in_memory_are_checked_with_their_place_named() {
    let err = documents_from_texts(vec!["A text.".into(), " \n".into()], None, None).unwrap_err();
    assert_eq!(
        err.to_string(),
        "texts[1] (id 1) is empty: give each document some text"
    );
    let err = documents_from_texts(vec!["A text.".into()], Some(vec![]), None).unwrap_err();
    assert!(err.to_string().contains("0 ids for 1 texts"), "{err}");
    let docs = documents_from_texts(vec!["One.".into(), "Two.".into()], None, None).unwrap();
    assert_eq!(docs[1].doc_id, "1");
    assert_eq!(docs[1].origin(), "texts[1]");
}

#[test]
fn a_scorer_request_resolves_or_says_what_is_wrong() {
    let bad = ScorerRequest {
        batch_size: 0,
        ..ScorerRequest::default()
    };
    assert!(bad
        .resolve()
        .unwrap_err()
        .to_string()
        .contains("--batch-size"));
    let req = ScorerRequest {
        model: Some(default_model()),
        backend: stance::score::BackendChoice::Candle,
        precision: stance::score::PrecisionChoice::Fp32,
        threads: Some(2),
        ..ScorerRequest::default()
    };
    let opts = req.resolve().unwrap();
    assert_eq!(opts.threads, 2);
    assert_eq!(opts.backend, stance::score::BackendKind::Candle);
    let missing = ScorerRequest {
        model: Some("/no/such/model".into()),
        ..ScorerRequest::default()
    };
    let Err(err) = missing.load() else {
        panic!("a missing model loaded")
    };
    let err = format!("{err:#}");
    assert!(err.contains("cannot load --model /no/such/model"), "{err}");
}

#[test]
fn an_evaluation_is_what_stance_eval_writes() {
    let data_path = root().join("datasets/stance-dev.csv");
    let data = stance::eval::stance::open(&data_path, None, None).unwrap();
    let hyps = data
        .hypotheses("{}.", stance::pipeline::DEFAULT_TARGET)
        .unwrap();
    let ev = stance::eval::stance::evaluate(&data, &hyps, default_scorer()).unwrap();
    assert_eq!(ev.probs.len(), data.examples.len());
    let dir = tempfile::tempdir().unwrap();
    let json_path = dir.path().join("m.json");
    let o = stance(&[
        "eval",
        data_path.to_str().unwrap(),
        "--backend",
        "candle",
        "--precision",
        "fp32",
        "--out",
        json_path.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    let written = json(&json_path);
    let mine = ev.to_json().unwrap();
    let acc = |v: &serde_json::Value| v["accuracy"].as_f64().unwrap();
    assert!(
        (acc(&written) - acc(&mine)).abs() < 1e-9,
        "{written} {mine}"
    );
    assert_eq!(written["confusion"], mine["confusion"]);
    // Every prediction is a stance the model gives.
    assert!(ev.probs.iter().all(|p| Stance::ALL.contains(&p.stance())));
}

/// What `stance train --method cross-head` fits on is exactly the input of
/// the shipped final layer: that layer applied to `pair_features` gives
/// the logits the cross-encoder gives (which the parity tests hold to
/// PyTorch's).
#[test]
fn pair_features_are_what_the_final_layer_reads() {
    use stance::score::adapt::Layer;
    let scorer = default_scorer();
    let g = head_golden(&default_model());
    let pairs: Vec<(&str, &str)> = g
        .pairs
        .iter()
        .map(|p| (p.text.as_str(), p.hypothesis.as_str()))
        .collect();
    let features = scorer.pair_features(&pairs).unwrap();
    let (logits, _) = scorer.logits(&pairs).unwrap();
    let layer = Layer::read(&PathBuf::from(default_model()).join("model.safetensors")).unwrap();
    assert_eq!(features.len(), pairs.len());
    assert_eq!(features[0].len(), layer.hidden);
    let d = features
        .iter()
        .zip(&logits)
        .flat_map(|(x, l)| {
            layer
                .logits(x)
                .into_iter()
                .zip(l.clone())
                .map(|(a, b)| (a - b).abs())
        })
        .fold(0.0f32, f32::max);
    assert!(d < 1e-4, "max |layer(features) - logits| = {d}");
    // A bi-encoder has no pair features.
    let err = bi_scorer().pair_features(&pairs[..1]).unwrap_err();
    assert!(err.to_string().contains("bi-encoder"), "{err}");
}

/// The cross-head trainer against PyTorch (`models/train/adapt_parity.py`
/// wrote the fixture): on the tiny model's golden pairs, the pooled
/// features, the objective and its gradient at the start, and the layer
/// after three Adam steps agree with torch's.
#[test]
fn the_cross_head_trainer_matches_pytorch() {
    use stance::score::adapt::{fit, objective, Examples, FitOptions, Layer};
    use stance::score::{Scorer, ScorerOptions};
    let f = json(&root().join("tests/fixtures/adapt-parity.json"));
    let floats = |v: &serde_json::Value| -> Vec<f32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect()
    };
    let ints = |v: &serde_json::Value| -> Vec<usize> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect()
    };
    let close = |a: &[f32], b: &[f32], tol: f32, what: &str| {
        assert_eq!(a.len(), b.len(), "{what}");
        let d = a
            .iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max);
        assert!(d < tol, "{what}: max |rust - torch| = {d}");
    };
    let pairs: Vec<(String, String)> = f["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
        .collect();
    let refs: Vec<(&str, &str)> = pairs
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    let torch: Vec<Vec<f32>> = f["pooled"].as_array().unwrap().iter().map(floats).collect();
    let scorer = Scorer::load(&ScorerOptions::new(tiny())).unwrap();
    let ours = scorer.pair_features(&refs).unwrap();
    for (a, b) in ours.iter().zip(&torch) {
        close(a, b, 1e-4, "pooled features");
    }

    // The trainer itself, on torch's features.
    let (labelled, anchor_rows) = (ints(&f["labelled"]), ints(&f["anchors"]));
    let mut labels = vec![0; torch.len()];
    for (&i, l) in labelled.iter().zip(ints(&f["labels"])) {
        labels[i] = l;
    }
    let anchors: Vec<Vec<f32>> = anchor_rows.iter().map(|&i| torch[i].clone()).collect();
    let kept = vec![true; torch.len()];
    let ex = Examples {
        features: &torch,
        labels: &labels,
        kept: &kept,
        anchors: &anchors,
    };
    let layer = |v: &serde_json::Value| Layer {
        weight: floats(&v["weight"]),
        bias: floats(&v["bias"]),
        hidden: torch[0].len(),
    };
    let start = layer(&f["start"]);
    // The shipped layer's stance rows are torch's start.
    let shipped = Layer::read(&root().join("tests/fixtures/tiny-bert/model.safetensors")).unwrap();
    let map = match scorer.mode() {
        stance::score::Mode::CrossEncoder(m) => *m,
        _ => panic!("the tiny model is a cross-encoder"),
    };
    close(
        &shipped.stance_rows(&map).weight,
        &start.weight,
        1e-6,
        "start",
    );
    let penalty = f["penalty"].as_f64().unwrap();
    let (value, grad) = objective(&ex, &labelled, &start, &start, penalty)
        .unwrap()
        .unwrap();
    let want = f["start"]["objective"].as_f64().unwrap();
    assert!(
        (value - want).abs() < 1e-5,
        "objective {value}, torch {want}"
    );
    close(
        &grad.weight,
        &floats(&f["start"]["grad_weight"]),
        1e-4,
        "gradient (weight)",
    );
    close(
        &grad.bias,
        &floats(&f["start"]["grad_bias"]),
        1e-4,
        "gradient (bias)",
    );
    let opts = FitOptions {
        steps: f["steps"].as_u64().unwrap() as usize,
        learning_rate: f["learning_rate"].as_f64().unwrap(),
        ..Default::default()
    };
    let after = fit(&ex, &labelled, &start, penalty, &opts).unwrap();
    let want = layer(&f["after"]);
    close(&after.weight, &want.weight, 1e-6, "weight after the steps");
    close(&after.bias, &want.bias, 1e-6, "bias after the steps");
    // The steps moved it (by about three learning rates), and downhill.
    close(&after.weight, &start.weight, 3.5e-3, "size of the steps");
    assert!(after.weight != start.weight);
    let (moved, _) = objective(&ex, &labelled, &start, &after, penalty)
        .unwrap()
        .unwrap();
    let want = f["after"]["objective"].as_f64().unwrap();
    assert!(
        (moved - want).abs() < 1e-5,
        "objective after {moved}, torch {want}"
    );
    assert!(moved < value);
}

/// The top-layers trainer against PyTorch (`models/train/tune_parity.py`
/// wrote the fixture): on the tiny model's golden pairs, for its top one
/// and top two layers, the objective and its gradient at the start, the
/// trained tensors and the objective after three Adam steps agree with
/// torch's; and a folder written from the result gives torch's logits.
#[test]
fn the_top_layers_trainer_matches_pytorch() {
    use stance::score::folder::{write_cross_model, FolderOptions, Patch};
    use stance::score::tune::{gradients, Adam, Padded, Top};
    use stance::score::{ModelFiles, Scorer, ScorerOptions};
    let f = json(&root().join("tests/fixtures/tune-parity.json"));
    let floats = |v: &serde_json::Value| -> Vec<f32> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_f64().unwrap() as f32)
            .collect()
    };
    let max_diff = |a: &[f32], b: &[f32]| -> f32 {
        assert_eq!(a.len(), b.len());
        a.iter()
            .zip(b)
            .map(|(x, y)| (x - y).abs())
            .fold(0.0, f32::max)
    };
    let pairs = |v: &serde_json::Value| -> Vec<(String, String)> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| (p[0].as_str().unwrap().into(), p[1].as_str().unwrap().into()))
            .collect()
    };
    let (labelled, anchors, all) = (
        pairs(&f["labelled"]),
        pairs(&f["anchors"]),
        pairs(&f["all"]),
    );
    fn as_str(p: &[(String, String)]) -> Vec<(&str, &str)> {
        p.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect()
    }
    let files = ModelFiles::locate(&tiny()).unwrap();
    let config: stance::score::bert::Config =
        serde_json::from_str(&std::fs::read_to_string(&files.config).unwrap()).unwrap();
    let tensors = candle_core::safetensors::load(
        files.dir().join("model.safetensors"),
        &candle_core::Device::Cpu,
    )
    .unwrap();
    let scorer = Scorer::load(&ScorerOptions::new(tiny())).unwrap();
    let map = match scorer.mode() {
        stance::score::Mode::CrossEncoder(m) => *m,
        _ => panic!("the tiny model is a cross-encoder"),
    };
    let stance: Vec<u32> = f["stance"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            let s = s.as_u64().unwrap() as usize;
            [map.favor, map.against, map.none][s] as u32
        })
        .collect();
    let penalty = f["penalty"].as_f64().unwrap();
    for case in f["cases"].as_array().unwrap() {
        let layers = case["layers"].as_u64().unwrap() as usize;
        let top = Top::new(&tensors, &config, Some("bert"), layers).unwrap();
        let names: Vec<String> = case["names"]
            .as_array()
            .unwrap()
            .iter()
            .map(|n| n.as_str().unwrap().to_string())
            .collect();
        let mut ours = top.names().to_vec();
        ours.sort();
        let mut theirs = names.clone();
        theirs.sort();
        assert_eq!(ours, theirs, "top {layers}: the trained tensors");
        let frozen = top.frozen_layers();
        assert_eq!(frozen, config.num_hidden_layers - layers);
        let states = |p: &[(String, String)]| scorer.pair_states(&as_str(p), frozen).unwrap();
        let (sl, sa) = (states(&labelled), states(&anchors));
        let batch = |s: &[Vec<f32>]| {
            let r: Vec<&[f32]> = s.iter().map(Vec::as_slice).collect();
            Padded::new(&r, config.hidden_size).unwrap()
        };
        let (bl, ba) = (batch(&sl), batch(&sa));
        let target = top.probs(&ba).unwrap();
        let loss = |top: &Top| {
            top.loss(&bl, &stance, penalty, Some((&ba, &target)))
                .unwrap()
        };
        let l0 = loss(&top);
        let want = case["objective_start"].as_f64().unwrap() as f32;
        let got = l0.to_scalar::<f32>().unwrap();
        assert!(
            (got - want).abs() < 1e-4,
            "top {layers}: objective {got}, torch {want}"
        );
        let grads = gradients(top.vars(), &l0).unwrap();
        // One gradient at the start serves both cases (the objective is
        // the same there); the two-layer case has it all.
        let all_grads = &f["cases"][1]["gradient"];
        for (name, g) in top.names().iter().zip(&grads) {
            let d = max_diff(g, &floats(&all_grads[name]));
            assert!(
                d < 1e-4,
                "top {layers}: gradient of {name}: max |rust - torch| = {d}"
            );
        }
        let mut adam = Adam::new(top.vars(), f["learning_rate"].as_f64().unwrap()).unwrap();
        for _ in 0..f["steps"].as_u64().unwrap() {
            adam.step(top.vars(), &loss(&top)).unwrap();
        }
        let values = top.values().unwrap();
        for Patch { name, values, .. } in &values {
            let d = max_diff(values, &floats(&case["after"][name]));
            assert!(
                d < 1e-5,
                "top {layers}: {name} after the steps: max |rust - torch| = {d}"
            );
        }
        let got = loss(&top).to_scalar::<f32>().unwrap();
        let want = case["objective_after"].as_f64().unwrap() as f32;
        assert!(
            (got - want).abs() < 1e-4,
            "top {layers}: objective after {got}, torch {want}"
        );
        assert!(
            got < l0.to_scalar::<f32>().unwrap(),
            "the steps went downhill"
        );

        // The folder written from it gives torch's logits, each pair alone.
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path().join("tuned");
        let patches: Vec<Patch> = values;
        let written = write_cross_model(
            &out,
            &files,
            &patches,
            None,
            &[("README.md", "test".to_string())],
            FolderOptions { copy_onnx: true },
        )
        .unwrap();
        assert_eq!(
            written.onnx_left_out.len(),
            1,
            "its ONNX carries its weights"
        );
        let tuned = Scorer::load(&ScorerOptions::new(out.display().to_string())).unwrap();
        let (logits, _) = tuned.logits(&as_str(&all)).unwrap();
        for (l, want) in logits.iter().zip(case["logits_after"].as_array().unwrap()) {
            let d = max_diff(l, &floats(want));
            assert!(
                d < 1e-4,
                "top {layers}: logits of the written folder: max |rust - torch| = {d}"
            );
        }
    }

    // `--method setfit`: the encoder, mean-pooled, its top layer trained
    // on SetFit's objective over the labelled premises alone.
    let case = &f["encoder"];
    let top = Top::encoder(&tensors, &config, Some("bert"), 1).unwrap();
    let mut ours = top.names().to_vec();
    ours.sort();
    let mut theirs: Vec<String> = case["names"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap().to_string())
        .collect();
    theirs.sort();
    assert_eq!(ours, theirs, "encoder: the trained tensors");
    let texts: Vec<&str> = case["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t.as_str().unwrap())
        .collect();
    let labels: Vec<usize> = case["labels"]
        .as_array()
        .unwrap()
        .iter()
        .map(|l| l.as_u64().unwrap() as usize)
        .collect();
    let embedder = Scorer::load_embedder(&ScorerOptions::new(tiny())).unwrap();
    let states = embedder.text_states(&texts, top.frozen_layers()).unwrap();
    let refs: Vec<&[f32]> = states[..8].iter().map(Vec::as_slice).collect();
    let batch = Padded::new(&refs, config.hidden_size).unwrap();
    let l0 = top.contrastive_loss(&batch, &labels, penalty).unwrap();
    let got = l0.to_scalar::<f32>().unwrap();
    let want = case["objective_start"].as_f64().unwrap() as f32;
    assert!(
        (got - want).abs() < 1e-4,
        "encoder: objective {got}, torch {want}"
    );
    // The tiny encoder's gradients are small (its attention is nearly
    // uniform: the query's and key's are below 1e-5), so they are held
    // to 1% of each tensor's largest as well as to 1e-4.
    for (name, g) in top.names().iter().zip(gradients(top.vars(), &l0).unwrap()) {
        let want = floats(&case["gradient"][name]);
        let d = max_diff(&g, &want);
        let scale = want.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        assert!(
            d < 1e-4 && d <= 1e-2 * scale,
            "encoder: gradient of {name}: max |rust - torch| = {d}, largest {scale}"
        );
    }
    let mut adam = Adam::new(top.vars(), f["learning_rate"].as_f64().unwrap()).unwrap();
    for _ in 0..f["steps"].as_u64().unwrap() {
        let loss = top.contrastive_loss(&batch, &labels, penalty).unwrap();
        adam.step(top.vars(), &loss).unwrap();
    }
    // Adam divides each step by the root of the gradient's square, so
    // an element whose gradient is at the level of rounding (below a
    // thousandth of its tensor's largest) steps in whichever direction
    // rounding gave it: those may differ by what the steps allow; every
    // other element agrees to 1e-5.
    let allowed =
        (f["steps"].as_u64().unwrap() as f64 * f["learning_rate"].as_f64().unwrap()) as f32;
    let (mut loose, mut total) = (0, 0);
    for Patch { name, values, .. } in &top.values().unwrap() {
        let (want, grad) = (
            floats(&case["after"][name]),
            floats(&case["gradient"][name]),
        );
        assert_eq!(values.len(), want.len());
        let scale = grad.iter().fold(0.0f32, |m, x| m.max(x.abs()));
        for ((a, b), g) in values.iter().zip(&want).zip(&grad) {
            total += 1;
            let tol = if g.abs() < 1e-3 * scale {
                loose += 1;
                allowed
            } else {
                1e-5
            };
            assert!(
                (a - b).abs() <= tol,
                "encoder: {name} after the steps: rust {a}, torch {b} (gradient {g})"
            );
        }
    }
    assert!(
        loose * 20 < total,
        "{loose} of {total} elements have gradients at rounding level"
    );
    let got = top
        .contrastive_loss(&batch, &labels, penalty)
        .unwrap()
        .to_scalar::<f32>()
        .unwrap();
    let want = case["objective_after"].as_f64().unwrap() as f32;
    assert!(
        (got - want).abs() < 1e-4,
        "encoder: objective after {got}, torch {want}"
    );
    for (s, want) in states
        .iter()
        .zip(case["embeddings_after"].as_array().unwrap())
    {
        let e = top
            .embeddings(&Padded::new(&[s.as_slice()], config.hidden_size).unwrap())
            .unwrap()
            .to_vec2::<f32>()
            .unwrap();
        let d = max_diff(&e[0], &floats(want));
        assert!(
            d < 1e-4,
            "encoder: embedding after the steps: max |rust - torch| = {d}"
        );
    }
}
