"""Put `perf report --no-children --sort dso,symbol` lines in op classes.

    python3 benches/profile_classes.py SYMBOLS.txt OUT.svg LABEL

Prints a markdown table of the share of samples per class and writes a
horizontal bar chart. The first pattern that matches a line wins.
"""
import re
import sys

CLASSES = [
    ("matrix multiply", r"gemm|matmul|sgemm|MlasGemm|MlasSgemm|Gemm|mlas.*Kernel|bf16_kernel|bf16_panels"),
    # bf16: rounding each layer's input to bfloat16 pairs, and filling the
    # output with the bias (stance_kernels::Weight::affine itself).
    ("bf16 input rounding and bias fill", r"packed::Weight.*affine|bias_rows|round_rows"),
    ("GELU (erf)", r"Gelu|gelu|erf"),
    ("softmax (exp)", r"softmax|Softmax|expf|exp_|Exp"),
    ("layer norm", r"layer_norm|LayerNorm|layernorm"),
    ("copies and layout", r"memmove|memcpy|copy_strided|copy2d|Transpose|transpose|contiguous|Reshape|Concat"),
    ("elementwise (bias, residual, scale)", r"binary_map|unary_map|affine|Add|Mul|vec_sum|BinaryElementwise"),
    ("loading weights (f16 to f32)", r"f16_to_f32|safetensors"),
    ("allocation and page faults", r"memset|malloc|free|_int_|clear_page|page_fault|mmap|brk"),
    ("kernel (scheduling, other)", r"\[k\]"),
    ("tokenisation", r"tokenizers|onig|regex|unicode_normal"),
    ("segment and attribute", r"stance::(segment|attribute|text)"),
    ("threads and waiting", r"Barrier|rayon|futex|sched|spin|crossbeam|parking"),
]


def main():
    path, svg, label = sys.argv[1:4]
    share = {name: 0.0 for name, _ in CLASSES}
    share["other (unnamed closures)"] = 0.0
    for line in open(path):
        m = re.match(r"\s*([\d.]+)%\s+(.*)", line)
        if not m:
            continue
        pct, rest = float(m.group(1)), m.group(2)
        for name, pat in CLASSES:
            if re.search(pat, rest):
                share[name] += pct
                break
        else:
            share["other (unnamed closures)"] += pct
    total = sum(share.values()) or 1.0
    rows = sorted(((100 * v / total, k) for k, v in share.items() if v > 0), reverse=True)
    print(f"| op class ({label}, 1 thread) | share of samples |")
    print("| --- | --- |")
    for p, k in rows:
        print(f"| {k} | {p:.1f}% |")
    bar_h, left, width = 22, 260, 420
    h = bar_h * len(rows) + 40
    out = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 70}" height="{h}" '
           'font-family="sans-serif" font-size="13">',
           f'<text x="8" y="18" font-weight="bold">Where the time goes: stance bench, {label}, '
           '1 thread (perf, self time)</text>']
    for i, (p, k) in enumerate(rows):
        y = 30 + i * bar_h
        w = width * p / 100
        out.append(f'<text x="{left - 8}" y="{y + 15}" text-anchor="end">{k}</text>')
        out.append(f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{bar_h - 6}" fill="#4a78b5"/>')
        out.append(f'<text x="{left + w + 6:.1f}" y="{y + 15}">{p:.1f}%</text>')
    out.append("</svg>")
    open(svg, "w").write("\n".join(out) + "\n")


if __name__ == "__main__":
    main()
