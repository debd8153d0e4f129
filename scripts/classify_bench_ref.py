#!/usr/bin/env python3
"""Python reference for the classify throughput benchmark (issue 4).

Usage: scripts/classify_bench_ref.py DATASET N

Reads the same rule files as anjing-detect (crates/anjing-detect/rules/cn/*.toml),
takes every rule's keyword list (with @group references expanded) and regexes
({S} → one same-clause character, {@group} → alternation), and for each message
does what a straightforward Python classifier would: segment with jieba (when
installed; plain text otherwise), test every keyword with `in` and every regex
with `re.search`, and collect the practices whose rules fired. It does no
normalisation, context checks, masks or negation, so it does *less* work than
the Rust detector: the ratio is a floor on Rust's advantage.
"""
import glob, json, os, re, sys, time, tomllib

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")
RULES = os.path.join(ROOT, "crates/anjing-detect/rules/cn")
SAME_CLAUSE = "[^,。!?;\n]"

def load_rules():
    groups = {}
    files = {}
    for path in sorted(glob.glob(os.path.join(RULES, "*.toml"))):
        with open(path, "rb") as f:
            files[os.path.basename(path)] = tomllib.load(f)
    groups = files.get("groups.toml", {}).get("groups", {})
    def expand(terms):
        out = []
        for t in terms:
            out.extend(groups.get(t[1:], []) if t.startswith("@") else [t])
        return out
    def expand_re(p):
        p = re.sub(r"\{@(\w+)\}", lambda m: "(?:" + "|".join(map(re.escape, groups.get(m.group(1), []))) + ")", p)
        return p.replace("{S}", SAME_CLAUSE)
    rules = []
    for name, doc in files.items():
        for key in ("rule", "signal"):
            for r in doc.get(key, []):
                kws = expand(r.get("keywords", []))
                regs = []
                for p in r.get("regex", []):
                    try:
                        regs.append(re.compile(expand_re(p)))
                    except re.error:
                        pass
                if kws or regs:
                    rules.append((r.get("practice", r.get("id", "")), kws, regs))
    return rules

def main():
    path, n = sys.argv[1], int(sys.argv[2].replace("_", ""))
    texts = [json.loads(l)["text"] for l in open(path, encoding="utf-8") if l.strip()]
    try:
        import jieba
        jieba.setLogLevel(60)
        jieba.initialize()
        seg = lambda t: jieba.lcut(t)
        segmenter = "jieba " + jieba.__version__
    except ImportError:
        seg = lambda t: None
        segmenter = "none (jieba not installed)"
    rules = load_rules()
    nkw = sum(len(k) for _, k, _ in rules)
    nre = sum(len(r) for _, _, r in rules)
    start = time.perf_counter()
    fired_total = 0
    for i in range(n):
        t = texts[i % len(texts)]
        words = seg(t)
        fired = set()
        for practice, kws, regs in rules:
            if any(k in t for k in kws) or any(r.search(t) for r in regs):
                fired.add(practice)
        fired_total += len(fired)
    secs = time.perf_counter() - start
    print(f"python reference ({segmenter}; {len(rules)} rules, {nkw} keywords, {nre} regexes): "
          f"{n} messages in {secs:.2f} s: {n/secs:.0f} messages/s (single thread); checksum {fired_total} practices fired")

if __name__ == "__main__":
    main()
