//! Small inline SVG charts for the HTML report: stacked horizontal bars,
//! a histogram and lines over groups. Every text drawn is escaped here, so
//! the page template can insert a chart as it is.
//!
//! Our own few functions rather than a plotting crate: the charts are
//! three simple shapes, and plotters' SVG backend without system fonts
//! still pulls in its whole drawing stack for them.

use std::fmt::Write;

/// Escape text for SVG or HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
}

/// Colours of the three stances (colour-blind safe: blue, orange, grey).
pub const FAVOR: &str = "#2166ac";
pub const AGAINST: &str = "#d6604d";
pub const NONE: &str = "#bbbbbb";

/// One speaker's bar: counts of favor, against and none sentences, and
/// the mean score (−1…1) to mark.
#[derive(Debug, Clone)]
pub struct Bar {
    pub label: String,
    pub counts: [usize; 3],
    pub mean: Option<f64>,
    /// Drawn paler, with the reason in its tooltip (too few sentences).
    pub flagged: bool,
}

/// Stacked horizontal bars, one per speaker, scaled to the largest total;
/// a diamond marks each mean score on its own −1…1 axis at the right.
pub fn stacked_bars(bars: &[Bar]) -> String {
    const ROW: f64 = 22.0;
    const LABEL: f64 = 170.0;
    const WIDTH: f64 = 380.0;
    const GAP: f64 = 30.0;
    const MEAN_W: f64 = 160.0;
    let max = bars
        .iter()
        .map(|b| b.counts.iter().sum::<usize>())
        .max()
        .unwrap_or(0)
        .max(1) as f64;
    let h = ROW * bars.len() as f64 + 30.0;
    let total_w = LABEL + WIDTH + GAP + MEAN_W + 10.0;
    let mean_x0 = LABEL + WIDTH + GAP;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart speakers" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {total_w} {h}" width="{total_w}" height="{h}" role="img" aria-label="Sentences per speaker by stance, and mean score">"#
    );
    // Mean-score axis: −1, 0, +1.
    let zero = mean_x0 + MEAN_W / 2.0;
    let _ = write!(
        s,
        r##"<line x1="{zero}" y1="0" x2="{zero}" y2="{}" stroke="#888" stroke-dasharray="2,2"/><text x="{mean_x0}" y="{}" class="axis">−1</text><text x="{zero}" y="{}" class="axis" text-anchor="middle">0</text><text x="{}" y="{}" class="axis" text-anchor="end">+1</text>"##,
        h - 20.0,
        h - 6.0,
        h - 6.0,
        mean_x0 + MEAN_W,
        h - 6.0
    );
    for (i, b) in bars.iter().enumerate() {
        let y = i as f64 * ROW;
        let total: usize = b.counts.iter().sum();
        let opacity = if b.flagged { 0.45 } else { 1.0 };
        let tip = format!(
            "{}: {} sentences, {} favor, {} against, {} none{}",
            b.label,
            total,
            b.counts[0],
            b.counts[1],
            b.counts[2],
            if b.flagged {
                " (few sentences: read with care)"
            } else {
                ""
            }
        );
        let _ = write!(
            s,
            r#"<g class="bar" data-speaker="{}" opacity="{opacity}"><title>{}</title><text x="{}" y="{}" class="label" text-anchor="end">{}</text>"#,
            esc(&b.label),
            esc(&tip),
            LABEL - 6.0,
            y + 15.0,
            esc(&truncate(&b.label, 26))
        );
        let mut x = LABEL;
        for (k, (class, colour)) in [("favor", FAVOR), ("against", AGAINST), ("none", NONE)]
            .iter()
            .enumerate()
        {
            let w = WIDTH * b.counts[k] as f64 / max;
            if b.counts[k] > 0 {
                let _ = write!(
                    s,
                    r#"<rect class="seg-{class}" x="{x:.1}" y="{}" width="{w:.1}" height="{}" fill="{colour}"/>"#,
                    y + 3.0,
                    ROW - 6.0
                );
            }
            x += w;
        }
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="count">{total}</text>"#,
            x + 4.0,
            y + 15.0
        );
        if let Some(m) = b.mean {
            let cx = zero + m.clamp(-1.0, 1.0) * MEAN_W / 2.0;
            let cy = y + ROW / 2.0;
            let _ = write!(
                s,
                r##"<path class="mean" d="M{cx:.1} {:.1} L{:.1} {cy:.1} L{cx:.1} {:.1} L{:.1} {cy:.1} Z" fill="#222"><title>mean score {m:.3}</title></path>"##,
                cy - 5.0,
                cx + 5.0,
                cy + 5.0,
                cx - 5.0
            );
        }
        s.push_str("</g>");
    }
    s.push_str("</svg>");
    s
}

/// A histogram of scores (−1…1) in `bins.len()` equal bins.
pub fn histogram(bins: &[usize]) -> String {
    const W: f64 = 480.0;
    const H: f64 = 140.0;
    let max = bins.iter().copied().max().unwrap_or(0).max(1) as f64;
    let bw = W / bins.len().max(1) as f64;
    let mut s = String::new();
    let _ = write!(
        s,
        r#"<svg class="chart histogram" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {}" width="{W}" height="{}" role="img" aria-label="Distribution of scores">"#,
        H + 20.0,
        H + 20.0
    );
    let n = bins.len() as f64;
    for (i, &c) in bins.iter().enumerate() {
        let h = H * c as f64 / max;
        let lo = -1.0 + 2.0 * i as f64 / n;
        let colour = if lo + 1.0 / n < -0.05 {
            AGAINST
        } else if lo + 1.0 / n > 0.05 {
            FAVOR
        } else {
            NONE
        };
        let _ = write!(
            s,
            r#"<rect class="bin" x="{:.1}" y="{:.1}" width="{:.1}" height="{h:.1}" fill="{colour}"><title>{lo:.1} to {:.1}: {c}</title></rect>"#,
            i as f64 * bw + 1.0,
            H - h,
            bw - 2.0,
            lo + 2.0 / n
        );
    }
    let _ = write!(
        s,
        r#"<text x="0" y="{}" class="axis">−1 (against)</text><text x="{}" y="{}" class="axis" text-anchor="middle">0</text><text x="{W}" y="{}" class="axis" text-anchor="end">+1 (favor)</text></svg>"#,
        H + 15.0,
        W / 2.0,
        H + 15.0,
        H + 15.0
    );
    s
}

/// Lines of mean score (−1…1) over ordered groups, one per series.
pub fn lines(groups: &[String], series: &[(String, Vec<Option<f64>>)]) -> String {
    const W: f64 = 560.0;
    const H: f64 = 180.0;
    const LEFT: f64 = 30.0;
    const PALETTE: [&str; 8] = [
        "#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d", "#666666",
    ];
    let x_of = |i: usize| {
        if groups.len() <= 1 {
            LEFT + (W - LEFT) / 2.0
        } else {
            LEFT + (W - LEFT - 10.0) * i as f64 / (groups.len() - 1) as f64
        }
    };
    let y_of = |v: f64| 10.0 + (H - 20.0) * (1.0 - (v.clamp(-1.0, 1.0) + 1.0) / 2.0);
    let legend_h = 16.0 * series.len() as f64;
    let total_h = H + 30.0 + legend_h;
    let mut s = String::new();
    let _ = write!(
        s,
        r##"<svg class="chart lines" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {W} {total_h}" width="{W}" height="{total_h}" role="img" aria-label="Mean score per group"><line x1="{LEFT}" y1="{0:.1}" x2="{W}" y2="{0:.1}" stroke="#888" stroke-dasharray="2,2"/><text x="0" y="{1:.1}" class="axis">+1</text><text x="0" y="{0:.1}" class="axis">0</text><text x="0" y="{2:.1}" class="axis">−1</text>"##,
        y_of(0.0),
        y_of(1.0) + 4.0,
        y_of(-1.0)
    );
    for (i, g) in groups.iter().enumerate() {
        let _ = write!(
            s,
            r#"<text x="{:.1}" y="{}" class="axis" text-anchor="middle">{}</text>"#,
            x_of(i),
            H + 8.0,
            esc(&truncate(g, 12))
        );
    }
    for (k, (name, values)) in series.iter().enumerate() {
        let colour = PALETTE[k % PALETTE.len()];
        let mut d = String::new();
        let mut pen_up = true;
        for (i, v) in values.iter().enumerate() {
            match v {
                Some(v) => {
                    let _ = write!(
                        d,
                        "{}{:.1} {:.1} ",
                        if pen_up { "M" } else { "L" },
                        x_of(i),
                        y_of(*v)
                    );
                    pen_up = false;
                }
                None => pen_up = true,
            }
        }
        let _ = write!(
            s,
            r#"<g class="series" data-speaker="{}"><path d="{}" fill="none" stroke="{colour}" stroke-width="2"/>"#,
            esc(name),
            d.trim_end()
        );
        for (i, v) in values.iter().enumerate() {
            if let Some(v) = v {
                let _ = write!(
                    s,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="3" fill="{colour}"><title>{}, {}: {v:.3}</title></circle>"#,
                    x_of(i),
                    y_of(*v),
                    esc(name),
                    esc(&groups[i])
                );
            }
        }
        let ly = H + 28.0 + 16.0 * k as f64;
        let _ = write!(
            s,
            r#"<rect x="{LEFT}" y="{:.1}" width="12" height="4" fill="{colour}"/><text x="{}" y="{ly:.1}" class="label">{}</text></g>"#,
            ly - 5.0,
            LEFT + 18.0,
            esc(&truncate(name, 40))
        );
    }
    s.push_str("</svg>");
    s
}

/// At most `n` characters, with an ellipsis when cut.
pub fn truncate(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(n.saturating_sub(1)).collect();
        t.push('…');
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_labels_are_escaped_everywhere() {
        let evil = r#"<script>alert("x")</script> O'Neil & co"#;
        let bar = stacked_bars(&[Bar {
            label: evil.into(),
            counts: [2, 1, 3],
            mean: Some(0.4),
            flagged: false,
        }]);
        let line = lines(&[evil.to_string()], &[(evil.to_string(), vec![Some(0.2)])]);
        for svg in [&bar, &line] {
            assert!(!svg.contains("<script"), "{svg}");
            assert!(!svg.contains("O'Neil"), "{svg}");
            assert!(svg.contains("&lt;script&gt;"), "{svg}");
        }
    }

    #[test]
    fn bars_have_one_segment_per_nonzero_count_and_scale_to_the_largest() {
        let svg = stacked_bars(&[
            Bar {
                label: "A".into(),
                counts: [4, 0, 4],
                mean: Some(0.5),
                flagged: false,
            },
            Bar {
                label: "B".into(),
                counts: [0, 2, 0],
                mean: None,
                flagged: true,
            },
        ]);
        assert_eq!(svg.matches("class=\"bar\"").count(), 2);
        assert_eq!(svg.matches("seg-favor").count(), 1);
        assert_eq!(svg.matches("seg-against").count(), 1);
        assert_eq!(svg.matches("seg-none").count(), 1);
        assert_eq!(svg.matches("class=\"mean\"").count(), 1);
        // A's favor is half of the widest bar (8 sentences): 190 of 380.
        assert!(
            svg.contains(r#"class="seg-favor" x="170.0" y="3" width="190.0""#),
            "{svg}"
        );
        assert!(svg.contains("opacity=\"0.45\""));
    }

    #[test]
    fn histogram_and_lines_draw_every_value() {
        let h = histogram(&[0, 3, 5, 1]);
        assert_eq!(h.matches("class=\"bin\"").count(), 4);
        let l = lines(
            &["2024-01".into(), "2024-02".into(), "2024-03".into()],
            &[("A".into(), vec![Some(0.1), None, Some(-0.4)])],
        );
        assert_eq!(l.matches("<circle").count(), 2);
        // A gap where a group has no value: the line starts again.
        let at = l.find("<path d=\"").unwrap() + 9;
        let d = &l[at..at + l[at..].find('"').unwrap()];
        assert_eq!(d.matches('M').count(), 2, "{d}");
        assert_eq!(d.matches('L').count(), 0, "{d}");
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("Łódź mayor", 4), "Łód…");
        assert_eq!(truncate("short", 10), "short");
    }
}
